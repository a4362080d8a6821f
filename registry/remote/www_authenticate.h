// SPDX-License-Identifier: Apache-2.0
// WWW-Authenticate challenges (RFC 7235 §4.1): several challenges per header, case-insensitive
// scheme and parameter names, quoted strings with backslash escapes. Registries send
// `Bearer realm="…",service="…",scope="…"` (token auth) or `Basic realm="…"`.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ig::registry::remote {

struct Challenge {
    std::string scheme;                        // lower case: "bearer", "basic", …
    std::map<std::string, std::string> params; // names in lower case
    std::string param(const std::string& name) const {
        auto it = params.find(name);
        return it == params.end() ? std::string() : it->second;
    }
};

// Throws RegistryError on malformed input (unbalanced quotes, a parameter without a name).
std::vector<Challenge> parse_www_authenticate(std::string_view header);

} // namespace ig::registry::remote
