// SPDX-License-Identifier: Apache-2.0
// gadget.yaml: the gadget's name, docs links, per-field annotations and parameter descriptions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ig {

using Annotations = std::map<std::string, std::string>;

struct ParamMetadata {
    std::string key;
    std::string default_value;
    bool has_default = false;
    std::string description;
    std::string alias;
    std::string title;
    std::string value_hint;
    std::vector<std::string> possible_values;
    bool mandatory = false;
};

struct DataSourceMetadata {
    Annotations annotations;
    // In file order, so error messages and generated docs follow the author's order.
    std::vector<std::pair<std::string, Annotations>> fields;
};

struct GadgetMetadata {
    std::string name;
    std::string description;
    std::string homepage_url;
    std::string documentation_url;
    std::string source_url;
    Annotations annotations;
    std::map<std::string, DataSourceMetadata> datasources;
    std::map<std::string, ParamMetadata> ebpf_params; // keyed by the BPF variable name
    std::map<std::string, std::string> param_defaults;
};

// Largest gadget.yaml accepted; real ones are a few KiB.
inline constexpr std::size_t kMaxMetadataBytes = 1 << 20;

// Parses and validates gadget.yaml. Throws ig::Error naming the file, line and key on unknown
// keys, wrong types or invalid annotation values.
GadgetMetadata parse_metadata(std::string_view text, const std::string& origin);

} // namespace ig
