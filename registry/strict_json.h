// SPDX-License-Identifier: Apache-2.0
// Parsing JSON we did not write (manifests, indexes, signature payloads): a size cap, a nesting
// cap, and duplicate keys refused, because JSON parsers disagree on which duplicate wins, which
// lets two tools see two different documents in the same bytes.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ig::registry {

struct StrictJsonLimits {
    std::size_t max_bytes;
    int max_depth;
    // Keys differing only in case count as duplicates (Go's encoding/json matches them so).
    bool case_insensitive_keys = false;
};

// The top-level object; throws RegistryError "<what>: <reason>" on anything else.
nlohmann::json parse_strict_json(std::string_view text, const std::string& what,
                                 const StrictJsonLimits& limits);

} // namespace ig::registry
