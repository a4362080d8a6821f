// SPDX-License-Identifier: Apache-2.0
#include "runtime/gadget/annotations.h"

#include "runtime/error.h"

#include <map>

namespace ig {
namespace {

// Same presentation defaults as Inspektor Gadget's templates, so columns look familiar.
const std::map<std::string, Annotations>& templates() {
    static const std::map<std::string, Annotations> t = {
        {"timestamp",
         {{"columns.width", "35"}, {"columns.maxwidth", "35"}, {"columns.hidden", "true"}}},
        {"bytes", {{"columns.width", "10"}, {"columns.alignment", "right"}}},
        {"duration", {{"columns.width", "20"}, {"columns.alignment", "right"}}},
        {"comm", {{"columns.width", "16"}, {"columns.maxwidth", "16"}}},
        {"pcomm",
         {{"columns.width", "16"}, {"columns.maxwidth", "16"}, {"columns.hidden", "true"}}},
        {"pid",
         {{"columns.minwidth", "7"}, {"columns.width", "7"}, {"columns.alignment", "right"}}},
        {"tid",
         {{"columns.minwidth", "7"}, {"columns.width", "7"}, {"columns.alignment", "right"}}},
        {"ppid",
         {{"columns.minwidth", "7"},
          {"columns.width", "7"},
          {"columns.alignment", "right"},
          {"columns.hidden", "true"}}},
        {"ptid",
         {{"columns.minwidth", "7"},
          {"columns.width", "7"},
          {"columns.alignment", "right"},
          {"columns.hidden", "true"}}},
        {"uid",
         {{"columns.minwidth", "8"}, {"columns.width", "8"}, {"columns.alignment", "right"}}},
        {"gid",
         {{"columns.minwidth", "8"}, {"columns.width", "8"}, {"columns.alignment", "right"}}},
        {"ns",
         {{"columns.width", "12"}, {"columns.alignment", "right"}, {"columns.hidden", "true"}}},
        {"l4endpoint",
         {{"columns.minwidth", "22"},
          {"columns.width", "40"},
          {"columns.maxwidth", "52"},
          {"columns.ellipsis", "middle"}}},
        {"l3endpoint",
         {{"columns.minwidth", "15"},
          {"columns.width", "40"},
          {"columns.maxwidth", "45"},
          {"columns.ellipsis", "middle"}}},
        {"syscall", {{"columns.width", "18"}, {"columns.maxwidth", "28"}}},
        {"errorString", {{"columns.width", "12"}}},
        {"container", {{"columns.width", "30"}, {"columns.ellipsis", "middle"}}},
    };
    return t;
}

// Typedef (or struct) name -> template applied without the author asking.
const std::map<std::string, std::string>& auto_templates() {
    static const std::map<std::string, std::string> t = {
        {"gadget_timestamp", "timestamp"},
        {"gadget_comm", "comm"},
        {"gadget_pcomm", "pcomm"},
        {"gadget_pid", "pid"},
        {"gadget_tid", "tid"},
        {"gadget_ppid", "ppid"},
        {"gadget_ptid", "ptid"},
        {"gadget_uid", "uid"},
        {"gadget_gid", "gid"},
        {"gadget_mntns_id", "ns"},
        {"gadget_netns_id", "ns"},
        {"gadget_l4endpoint_t", "l4endpoint"},
        {"gadget_l3endpoint_t", "l3endpoint"},
        {"gadget_bytes", "bytes"},
        {"gadget_duration", "duration"},
        {"gadget_syscall", "syscall"},
    };
    return t;
}

void merge_missing(Annotations& into, const Annotations& from) {
    for (const auto& [k, v] : from)
        into.emplace(k, v);
}

} // namespace

const Annotations* template_annotations(const std::string& name) {
    auto it = templates().find(name);
    return it == templates().end() ? nullptr : &it->second;
}

void apply_metadata_annotations(DataSource& ds, const DataSourceMetadata* md,
                                const std::string& origin, bool all_fields_known) {
    if (!md)
        return;
    for (const auto& [name, anns] : md->fields) {
        auto idx = ds.find(name);
        if (!idx) {
            if (!all_fields_known)
                continue; // may be a field an operator adds (type from type_raw)
            throw Error(origin + ": datasources." + ds.name + ".fields." + name +
                        ": the data source has no field '" + name + "'");
        }
        for (const auto& [k, v] : anns)
            ds.fields[*idx].annotations[k] = v;
    }
    for (const auto& [k, v] : md->annotations)
        ds.annotations[k] = v;
}

void apply_field_annotations(DataSource& ds, const DataSourceMetadata* md,
                             const std::string& origin) {
    apply_metadata_annotations(ds, md, origin, true);
    for (auto& f : ds.fields) {
        // Process context structs read best as plain columns: proc.comm prints as COMM.
        if (f.parent >= 0 && f.annotations.find("columns.alias") == f.annotations.end()) {
            const Field& parent = ds.fields[static_cast<std::size_t>(f.parent)];
            if (parent.has_tag("gadget_process") || parent.has_tag("gadget_creds") ||
                parent.has_tag("gadget_parent")) {
                std::string alias = f.member;
                if (f.has_tag("gadget_pcomm"))
                    alias = "pcomm";
                else if (f.has_tag("gadget_ppid"))
                    alias = "ppid";
                else if (f.has_tag("gadget_ptid"))
                    alias = "ptid";
                f.annotations["columns.alias"] = alias;
            }
        }
        std::string tmpl = f.annotation("template");
        if (tmpl.empty()) {
            for (const auto& tag : f.tags) {
                auto it = auto_templates().find(tag);
                if (it != auto_templates().end()) {
                    tmpl = it->second;
                    break;
                }
            }
        } else if (!template_annotations(tmpl)) {
            throw Error(origin + ": field '" + f.name + "' of data source '" + ds.name +
                        "' uses unknown template '" + tmpl + "'");
        }
        if (const Annotations* t = tmpl.empty() ? nullptr : template_annotations(tmpl))
            merge_missing(f.annotations, *t);
    }
}

} // namespace ig
