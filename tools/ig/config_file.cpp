// SPDX-License-Identifier: Apache-2.0
#include "tools/ig/config_file.h"

#include "runtime/error.h"
#include "tools/ig/comma_list.h"

#include <cstdlib>
#include <yaml-cpp/yaml.h>

namespace ig::cli {

namespace {

std::string where(const std::filesystem::path& path, const std::string& key) {
    return path.string() + ": operator.oci." + key;
}

std::vector<std::string> string_list(const YAML::Node& node, const std::filesystem::path& path,
                                     const std::string& key) {
    std::vector<std::string> out;
    if (node.IsScalar()) // a single value or a comma-separated string
        return split_commas({node.as<std::string>()});
    if (!node.IsSequence())
        throw Error(where(path, key) + ": expected a list of strings");
    for (const auto& item : node) {
        if (!item.IsScalar())
            throw Error(where(path, key) + ": expected a list of strings");
        out.push_back(item.as<std::string>());
    }
    return out;
}

bool boolean(const YAML::Node& node, const std::filesystem::path& path, const std::string& key) {
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
        throw Error(where(path, key) + ": expected true or false");
    return value;
}

} // namespace

std::filesystem::path default_config_path() {
    if (const char* env = std::getenv("IG_CONFIG"); env && *env)
        return env;
    return "/etc/ig/config.yaml";
}

HostConfig load_host_config(const std::filesystem::path& path) {
    HostConfig config;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return config;
    config.source = path;
    YAML::Node root;
    try {
        root = YAML::LoadFile(path.string());
    } catch (const YAML::Exception& e) {
        throw Error(path.string() + ": invalid YAML: " + e.msg);
    }
    if (root.IsNull())
        return config;
    if (!root.IsMap())
        throw Error(path.string() + ": expected a mapping at the top level");
    for (const auto& top : root) {
        const auto name = top.first.as<std::string>();
        if (name != "operator")
            throw Error(path.string() + ": unknown key '" + name + "'");
        if (!top.second.IsMap())
            throw Error(path.string() + ": operator: expected a mapping");
        for (const auto& op : top.second) {
            const auto op_name = op.first.as<std::string>();
            if (op_name != "oci")
                throw Error(path.string() + ": unknown key 'operator." + op_name + "'");
            if (!op.second.IsMap())
                throw Error(path.string() + ": operator.oci: expected a mapping");
            for (const auto& kv : op.second) {
                const auto key = kv.first.as<std::string>();
                if (key == "allowed-gadgets")
                    config.allowed_gadgets = string_list(kv.second, path, key);
                else if (key == "disallow-pulling")
                    config.disallow_pulling = boolean(kv.second, path, key);
                else if (key == "verify-image")
                    config.verify_image = boolean(kv.second, path, key);
                else if (key == "public-keys")
                    config.public_keys = string_list(kv.second, path, key);
                else if (key == "insecure-registries")
                    config.insecure_registries = string_list(kv.second, path, key);
                else
                    throw Error(path.string() + ": unknown key 'operator.oci." + key + "'");
            }
        }
    }
    return config;
}

} // namespace ig::cli
