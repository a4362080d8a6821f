// SPDX-License-Identifier: Apache-2.0
#include "runtime/gadget/metadata.h"

#include "runtime/error.h"

#include <charconv>
#include <set>
#include <yaml-cpp/yaml.h>

namespace ig {
namespace {

class Parser {
public:
    explicit Parser(const std::string& origin) : origin_(origin) {}

    [[noreturn]] void fail(const YAML::Node& node, const std::string& msg) const {
        const auto& mark = node.Mark();
        if (mark.is_null())
            throw Error(origin_ + ": " + msg);
        throw Error(origin_ + ":" + std::to_string(mark.line + 1) + ":" +
                    std::to_string(mark.column + 1) + ": " + msg);
    }

    void expect_map(const YAML::Node& node, const std::string& path) const {
        if (!node.IsMap())
            fail(node, "'" + path + "' must be a mapping");
    }

    std::string scalar(const YAML::Node& node, const std::string& path) const {
        if (node.IsNull())
            return "";
        if (!node.IsScalar())
            fail(node, "'" + path + "' must be a scalar value");
        return node.Scalar();
    }

    bool boolean(const YAML::Node& node, const std::string& path) const {
        std::string v = scalar(node, path);
        if (v == "true")
            return true;
        if (v == "false")
            return false;
        fail(node, "'" + path + "' must be true or false, not '" + v + "'");
    }

    void check_keys(const YAML::Node& node, const std::string& path,
                    const std::set<std::string>& allowed) const {
        for (const auto& kv : node) {
            std::string key = kv.first.Scalar();
            if (!allowed.contains(key)) {
                std::string list;
                for (const auto& a : allowed)
                    list += (list.empty() ? "" : ", ") + a;
                fail(kv.first,
                     "unknown key '" + key + "' in " + path + " (expected one of: " + list + ")");
            }
        }
    }

    Annotations annotations(const YAML::Node& node, const std::string& path) const {
        Annotations out;
        if (node.IsNull())
            return out;
        expect_map(node, path);
        for (const auto& kv : node) {
            std::string key = kv.first.Scalar();
            std::string value = scalar(kv.second, path + "." + key);
            validate_annotation(kv.second, path + "." + key, key, value);
            out[key] = value;
        }
        return out;
    }

    void validate_annotation(const YAML::Node& node, const std::string& path,
                             const std::string& key, const std::string& value) const {
        static const std::set<std::string> int_keys = {"columns.width", "columns.minwidth",
                                                       "columns.maxwidth", "columns.precision"};
        static const std::set<std::string> bool_keys = {"columns.hidden", "columns.fixed",
                                                        "columns.hex", "json.skip"};
        if (int_keys.contains(key)) {
            if (value == "type")
                return;
            int n = 0;
            auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec != std::errc() || p != value.data() + value.size() || n < 0 || n > 1024)
                fail(node,
                     "'" + path + "' must be a width between 0 and 1024, not '" + value + "'");
        } else if (bool_keys.contains(key)) {
            if (value != "true" && value != "false")
                fail(node, "'" + path + "' must be true or false, not '" + value + "'");
        } else if (key == "columns.alignment") {
            if (value != "left" && value != "right")
                fail(node, "'" + path + "' must be left or right, not '" + value + "'");
        } else if (key == "columns.ellipsis") {
            if (value != "start" && value != "middle" && value != "end" && value != "none")
                fail(node,
                     "'" + path + "' must be start, middle, end or none, not '" + value + "'");
        }
    }

    ParamMetadata param(const YAML::Node& node, const std::string& path) const {
        expect_map(node, path);
        check_keys(node, path,
                   {"key", "defaultValue", "description", "alias", "title", "tags", "type",
                    "possibleValues", "isMandatory", "valueHint", "alternativeKey"});
        ParamMetadata p;
        if (node["key"])
            p.key = scalar(node["key"], path + ".key");
        if (node["defaultValue"]) {
            p.default_value = scalar(node["defaultValue"], path + ".defaultValue");
            p.has_default = true;
        }
        if (node["description"])
            p.description = scalar(node["description"], path + ".description");
        if (node["alias"])
            p.alias = scalar(node["alias"], path + ".alias");
        if (node["title"])
            p.title = scalar(node["title"], path + ".title");
        if (node["valueHint"])
            p.value_hint = scalar(node["valueHint"], path + ".valueHint");
        if (node["isMandatory"])
            p.mandatory = boolean(node["isMandatory"], path + ".isMandatory");
        if (const auto& pv = node["possibleValues"]) {
            if (!pv.IsSequence())
                fail(pv, "'" + path + ".possibleValues' must be a list");
            for (const auto& v : pv)
                p.possible_values.push_back(scalar(v, path + ".possibleValues"));
        }
        if (!p.key.empty() && p.key.find_first_of(" \t=") != std::string::npos)
            fail(node["key"], "'" + path + ".key' must not contain spaces or '='");
        return p;
    }

    GadgetMetadata parse(const YAML::Node& root) const {
        GadgetMetadata md;
        if (root.IsNull())
            return md;
        expect_map(root, "top level");
        check_keys(root, "top level",
                   {"name", "description", "homepageURL", "documentationURL", "sourceURL",
                    "annotations", "datasources", "params", "paramDefaults", "operator", "programs",
                    "ebpfParams"});
        if (root["name"])
            md.name = scalar(root["name"], "name");
        if (root["description"])
            md.description = scalar(root["description"], "description");
        if (root["homepageURL"])
            md.homepage_url = scalar(root["homepageURL"], "homepageURL");
        if (root["documentationURL"])
            md.documentation_url = scalar(root["documentationURL"], "documentationURL");
        if (root["sourceURL"])
            md.source_url = scalar(root["sourceURL"], "sourceURL");
        if (root["annotations"])
            md.annotations = annotations(root["annotations"], "annotations");

        if (const auto& dss = root["datasources"]; dss && !dss.IsNull()) {
            expect_map(dss, "datasources");
            for (const auto& kv : dss) {
                std::string ds_name = kv.first.Scalar();
                std::string path = "datasources." + ds_name;
                DataSourceMetadata dsm;
                if (!kv.second.IsNull()) {
                    expect_map(kv.second, path);
                    check_keys(kv.second, path, {"annotations", "fields"});
                    if (kv.second["annotations"])
                        dsm.annotations =
                            annotations(kv.second["annotations"], path + ".annotations");
                    if (const auto& fields = kv.second["fields"]; fields && !fields.IsNull()) {
                        expect_map(fields, path + ".fields");
                        for (const auto& f : fields) {
                            std::string fpath = path + ".fields." + f.first.Scalar();
                            Annotations anns;
                            if (!f.second.IsNull()) {
                                expect_map(f.second, fpath);
                                check_keys(f.second, fpath, {"annotations"});
                                if (f.second["annotations"])
                                    anns = annotations(f.second["annotations"],
                                                       fpath + ".annotations");
                            }
                            dsm.fields.emplace_back(f.first.Scalar(), std::move(anns));
                        }
                    }
                }
                md.datasources.emplace(ds_name, std::move(dsm));
            }
        }

        auto read_ebpf_params = [&](const YAML::Node& node, const std::string& path) {
            if (!node || node.IsNull())
                return;
            expect_map(node, path);
            for (const auto& kv : node)
                md.ebpf_params[kv.first.Scalar()] =
                    param(kv.second, path + "." + kv.first.Scalar());
        };
        if (const auto& params = root["params"]; params && !params.IsNull()) {
            expect_map(params, "params");
            check_keys(params, "params", {"ebpf", "wasm", "custom"});
            read_ebpf_params(params["ebpf"], "params.ebpf");
            if (params["wasm"] && !params["wasm"].IsNull())
                fail(params["wasm"], "'params.wasm': wasm modules are not supported by ig");
            if (params["custom"] && !params["custom"].IsNull())
                fail(params["custom"], "'params.custom' is not supported by ig");
        }
        // The pre-2024 spelling of params.ebpf; still found in published gadgets.
        read_ebpf_params(root["ebpfParams"], "ebpfParams");

        if (const auto& pd = root["paramDefaults"]; pd && !pd.IsNull()) {
            expect_map(pd, "paramDefaults");
            for (const auto& kv : pd)
                md.param_defaults[kv.first.Scalar()] =
                    scalar(kv.second, "paramDefaults." + kv.first.Scalar());
        }
        return md;
    }

private:
    std::string origin_;
};

} // namespace

GadgetMetadata parse_metadata(std::string_view text, const std::string& origin) {
    if (text.size() > kMaxMetadataBytes)
        throw Error(origin + ": file is larger than " + std::to_string(kMaxMetadataBytes) +
                    " bytes");
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        throw Error(origin + ":" + std::to_string(e.mark.line + 1) + ":" +
                    std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
    }
    try {
        return Parser(origin).parse(root);
    } catch (const YAML::Exception& e) {
        throw Error(origin + ": invalid gadget metadata: " + e.msg);
    }
}

} // namespace ig
