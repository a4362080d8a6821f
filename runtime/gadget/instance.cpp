// SPDX-License-Identifier: Apache-2.0
#include "runtime/gadget/instance.h"

#include "runtime/bpf/filesystems.h"
#include "runtime/bpf/log.h"
#include "runtime/error.h"
#include "runtime/gadget/annotations.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cstring>

namespace ig {
namespace {

std::string join_log_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines)
        out += "\n  " + l;
    return out;
}

std::string gadget_name(const GadgetPackage& pkg) {
    if (!pkg.metadata.name.empty())
        return pkg.metadata.name;
    return pkg.origin;
}

} // namespace

GadgetInstance::GadgetInstance(GadgetPackage package, bpf::ObjectPtr object)
    : package_(std::move(package)), name_(gadget_name(package_)), object_(std::move(object)) {}

std::unique_ptr<GadgetInstance> GadgetInstance::open(const GadgetPackage& package) {
    bpf::clear_captured_log();
    LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "gadget");
    bpf_object* raw = bpf_object__open_mem(package.object.data(), package.object.size(), &opts);
    if (!raw) {
        int err = errno;
        throw Error(errno_message("opening the BPF object of " + package.origin, err) +
                    join_log_lines(bpf::captured_log_summary(3)));
    }
    std::unique_ptr<GadgetInstance> inst(new GadgetInstance(package, bpf::ObjectPtr(raw)));
    try {
        inst->introspection_ = introspect_object(raw);
    } catch (const Error& e) {
        throw Error(package.origin + ": " + e.what());
    }
    inst->use_perf_buffers_if_needed();
    try {
        inst->fallback_groups_ = read_fallback_groups(raw);
        apply_fallback_autoload(raw, inst->fallback_groups_);
    } catch (const Error& e) {
        throw Error(package.origin + ": " + e.what());
    }
    // The author's annotations are on the fields from the start, so operators that derive
    // fields can honour them (formatters.<kind>.target, value.* …).
    for (auto& ds : inst->introspection_.datasources) {
        auto md = package.metadata.datasources.find(ds.name);
        if (md != package.metadata.datasources.end())
            apply_metadata_annotations(ds, &md->second, package.origin + "/gadget.yaml", false);
    }
    // gadget.yaml describes params; a description of a param the object lacks is an error, since
    // the flag it documents would silently do nothing.
    for (const auto& [var, md] : package.metadata.ebpf_params) {
        bool found = false;
        for (auto& p : inst->introspection_.params) {
            if (p.var_name != var)
                continue;
            found = true;
            if (!md.key.empty())
                p.key = md.key;
            if (!md.description.empty())
                p.description = md.description;
            p.possible_values = md.possible_values;
            if (md.has_default)
                p.default_value = md.default_value;
        }
        if (!found)
            throw Error(package.origin + "/gadget.yaml: params.ebpf." + var +
                        ": the BPF object has no parameter '" + var +
                        "' (declare it with GADGET_PARAM)");
    }
    // Defaults not given by gadget.yaml come from the object's initial .rodata bytes.
    if (bpf_map* rodata = inst->rodata_map()) {
        std::size_t size = 0;
        const auto* data = static_cast<const std::uint8_t*>(bpf_map__initial_value(rodata, &size));
        for (auto& p : inst->introspection_.params) {
            bool described = package.metadata.ebpf_params.contains(p.var_name) &&
                             package.metadata.ebpf_params.at(p.var_name).has_default;
            if (!described && data && p.rodata_offset + p.size <= size)
                p.default_value = decode_param_value(p, data + p.rodata_offset);
            // An all-ones integer is the SDK's "no filter" value (targ_uid, targ_gid): show
            // it as unset rather than as 4294967295.
            if (!described && p.type == ParamType::Uint &&
                p.default_value == std::to_string(p.size >= 8 ? ~0ULL : (1ULL << (8 * p.size)) - 1))
                p.default_value.clear();
        }
    }
    for (std::size_t i = 0; i < inst->introspection_.params.size(); ++i)
        for (std::size_t j = i + 1; j < inst->introspection_.params.size(); ++j)
            if (inst->introspection_.params[i].key == inst->introspection_.params[j].key)
                throw Error(package.origin + ": two parameters use the flag --" +
                            inst->introspection_.params[i].key);
    return inst;
}

void GadgetInstance::use_perf_buffers_if_needed() {
    // Kernels before 5.8 have no ring buffers: the SDK's helpers then fall back to
    // bpf_perf_event_output, and the tracer maps must become perf event arrays.
    if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr) > 0)
        return;
    for (const auto& name : introspection_.tracer_maps) {
        bpf_map* map = bpf_object__find_map_by_name(object_.get(), name.c_str());
        if (!map || bpf_map__type(map) != BPF_MAP_TYPE_RINGBUF)
            continue;
        int err = bpf_map__set_type(map, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
        if (!err)
            err = bpf_map__set_key_size(map, sizeof(std::uint32_t));
        if (!err)
            err = bpf_map__set_value_size(map, sizeof(std::uint32_t));
        if (!err)
            err = bpf_map__set_max_entries(map, 0); // libbpf sizes it to the number of CPUs
        if (err)
            throw Error(errno_message("turning ring buffer " + name + " into a perf buffer", err));
    }
}

bpf_map* GadgetInstance::rodata_map() const {
    bpf_map* map = nullptr;
    bpf_object__for_each_map(map, object_.get()) {
        const char* n = bpf_map__name(map);
        std::size_t len = std::strlen(n);
        // libbpf names internal maps "<obj>.rodata" (truncated object name).
        if (bpf_map__is_internal(map) && len >= 7 && std::strcmp(n + len - 7, ".rodata") == 0)
            return map;
    }
    return nullptr;
}

void GadgetInstance::set_param(const std::string& key, const std::string& value) {
    for (const auto& p : introspection_.params)
        if (p.key == key) {
            (void)encode_param_value(p, value); // validate now, for an early clear error
            param_values_[key] = value;
            return;
        }
    throw Error("gadget " + name_ + " has no parameter --" + key);
}

bool GadgetInstance::set_rodata_variable(const std::string& name, const void* bytes,
                                         std::size_t size) {
    if (loaded_)
        throw Error("cannot set " + name + " after the gadget is loaded");
    const btf* b = bpf_object__btf(object_.get());
    int sec_id = btf__find_by_name_kind(b, ".rodata", BTF_KIND_DATASEC);
    bpf_map* rodata = rodata_map();
    if (sec_id < 0 || !rodata)
        return false;
    const btf_type* sec = btf__type_by_id(b, sec_id);
    const btf_var_secinfo* vs = btf_var_secinfos(sec);
    for (std::uint16_t i = 0; i < btf_vlen(sec); ++i) {
        const btf_type* vt = btf__type_by_id(b, vs[i].type);
        const char* var_name = vt ? btf__name_by_offset(b, vt->name_off) : nullptr;
        if (!var_name || name != var_name)
            continue;
        if (vs[i].size != size)
            throw Error("variable " + name + " has size " + std::to_string(vs[i].size) + ", not " +
                        std::to_string(size));
        // libbpf 1.1 hands out the section read-only: copy, patch, and set it back.
        std::size_t total = 0;
        const auto* data = static_cast<const std::uint8_t*>(bpf_map__initial_value(rodata, &total));
        if (!data || vs[i].offset + size > total)
            return false;
        std::vector<std::uint8_t> section(data, data + total);
        std::memcpy(section.data() + vs[i].offset, bytes, size);
        int err = bpf_map__set_initial_value(rodata, section.data(), section.size());
        if (err)
            throw Error(errno_message("setting " + name + " in .rodata", err));
        const auto* b8 = static_cast<const std::uint8_t*>(bytes);
        rodata_writes_.emplace_back(name, std::vector<std::uint8_t>(b8, b8 + size));
        return true;
    }
    return false;
}

void GadgetInstance::load() {
    for (const auto& p : introspection_.params) {
        auto it = param_values_.find(p.key);
        if (it == param_values_.end() && p.default_value.empty() && p.type != ParamType::String)
            continue; // no value given and none described: the object's initial value stays
        const std::string& text = it != param_values_.end() ? it->second : p.default_value;
        auto bytes = encode_param_value(p, text);
        if (!set_rodata_variable(p.var_name, bytes.data(), bytes.size()))
            throw Error("cannot set parameter " + p.var_name + " in .rodata");
    }
    // Each pass either succeeds or switches one more group to its fallbacks, so this ends.
    while (true) {
        bpf::clear_captured_log();
        int err = bpf_object__load(object_.get());
        if (err) {
            std::string failed = bpf::failed_program_in_log();
            FallbackGroup* group = group_preferring(fallback_groups_, failed);
            if (!group)
                throw Error(errno_message("loading gadget " + name_, err) +
                            join_log_lines(bpf::captured_log_summary()));
            bpf_program* prog = bpf_object__find_program_by_name(object_.get(), failed.c_str());
            fall_back(*group, errno_message(std::string(bpf_program__section_name(prog)) +
                                                " (program " + failed + ") does not load",
                                            err));
            reopen();
            continue;
        }
        std::string why;
        if (FallbackGroup* group = group_failing_to_attach(why)) {
            fall_back(*group, why);
            reopen();
            continue;
        }
        break;
    }
    loaded_ = true;
}

void GadgetInstance::fall_back(FallbackGroup& group, const std::string& why) {
    group.fell_back = true;
    std::string used;
    for (const auto& f : group.fallbacks) {
        bpf_program* prog = bpf_object__find_program_by_name(object_.get(), f.c_str());
        used += (used.empty() ? "" : ", ") + std::string(bpf_program__section_name(prog));
    }
    fallbacks_taken_.push_back(why + "; using its fallback " + used);
}

FallbackGroup* GadgetInstance::group_failing_to_attach(std::string& why) {
    // Preferred programs that load may still not attach (kprobes compiled out, a function
    // that cannot be traced): try them now, while falling back is still possible. The trial
    // links are dropped; attach() makes the real ones.
    ensure_tracefs_if_needed();
    for (auto& group : fallback_groups_) {
        if (group.fell_back)
            continue;
        for (const auto& name : group.preferred) {
            bpf_program* prog = bpf_object__find_program_by_name(object_.get(), name.c_str());
            bpf::clear_captured_log();
            bpf::LinkPtr link(bpf_program__attach(prog));
            if (!link) {
                why = errno_message(std::string(bpf_program__section_name(prog)) + " (program " +
                                        name + ") does not attach",
                                    errno);
                return &group;
            }
        }
    }
    return nullptr;
}

void GadgetInstance::reopen() {
    LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "gadget");
    bpf_object* raw = bpf_object__open_mem(package_.object.data(), package_.object.size(), &opts);
    if (!raw)
        throw Error(errno_message("reopening the BPF object of " + package_.origin, errno));
    object_.reset(raw);
    use_perf_buffers_if_needed();
    apply_fallback_autoload(raw, fallback_groups_);
    auto writes = std::move(rodata_writes_);
    rodata_writes_.clear();
    for (const auto& [name, bytes] : writes)
        if (!set_rodata_variable(name, bytes.data(), bytes.size()))
            throw Error("cannot set " + name + " in the reopened object");
}

void GadgetInstance::ensure_tracefs_if_needed() {
    bpf_program* prog = nullptr;
    bpf_object__for_each_program(prog, object_.get()) {
        if (bpf_program__autoload(prog) && (bpf_program__type(prog) == BPF_PROG_TYPE_TRACEPOINT ||
                                            bpf_program__type(prog) == BPF_PROG_TYPE_KPROBE)) {
            bpf::ensure_tracefs(); // tracepoint ids (and legacy kprobes) are read from tracefs
            break;
        }
    }
}

void GadgetInstance::attach() {
    ensure_tracefs_if_needed();
    bpf_program* prog = nullptr;
    bpf_object__for_each_program(prog, object_.get()) {
        if (!bpf_program__autoload(prog))
            continue;
        bpf::clear_captured_log();
        bpf_link* link = bpf_program__attach(prog);
        if (!link) {
            int err = errno;
            std::string section = bpf_program__section_name(prog);
            throw Error(errno_message("attaching " + section + " (program " +
                                          bpf_program__name(prog) + ") in gadget " + name_,
                                      err) +
                        join_log_lines(bpf::captured_log_summary(2)));
        }
        links_.emplace_back(link);
        links_by_program_[bpf_program__name(prog)] = link;
    }
}

int GadgetInstance::link_fd(const std::string& program_name) const {
    auto it = links_by_program_.find(program_name);
    if (it == links_by_program_.end())
        throw Error("program " + program_name + " of gadget " + name_ + " is not attached");
    return bpf_link__fd(it->second);
}

int GadgetInstance::map_fd(const std::string& map_name) const {
    bpf_map* map = bpf_object__find_map_by_name(object_.get(), map_name.c_str());
    if (!map)
        throw Error("gadget " + name_ + " has no map " + map_name);
    int fd = bpf_map__fd(map);
    if (fd < 0)
        throw Error("map " + map_name + " of gadget " + name_ + " is not loaded");
    return fd;
}

void GadgetInstance::update_map(const std::string& map_name, const void* key, const void* value) {
    if (bpf_map_update_elem(map_fd(map_name), key, value, BPF_ANY) != 0)
        throw Error(errno_message("updating map " + map_name + " of gadget " + name_, errno));
}

void GadgetInstance::delete_map_entry(const std::string& map_name, const void* key) {
    if (bpf_map_delete_elem(map_fd(map_name), key) != 0 && errno != ENOENT)
        throw Error(errno_message("deleting from map " + map_name + " of gadget " + name_, errno));
}

} // namespace ig
