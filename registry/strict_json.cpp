// SPDX-License-Identifier: Apache-2.0
#include "registry/strict_json.h"

#include "registry/error.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

namespace ig::registry {

using nlohmann::json;

nlohmann::json parse_strict_json(std::string_view text, const std::string& what,
                                 const StrictJsonLimits& limits) {
    if (text.size() > limits.max_bytes)
        throw RegistryError(what + ": " + std::to_string(text.size()) +
                            " bytes is larger than the " + std::to_string(limits.max_bytes) +
                            "-byte limit");
    std::vector<std::set<std::string>> keys; // one set per open object
    auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
        switch (event) {
        case json::parse_event_t::object_start:
            keys.emplace_back();
            [[fallthrough]];
        case json::parse_event_t::array_start:
            if (depth > limits.max_depth)
                throw RegistryError(what + ": JSON nested deeper than " +
                                    std::to_string(limits.max_depth) + " levels");
            break;
        case json::parse_event_t::object_end:
            if (!keys.empty())
                keys.pop_back();
            break;
        case json::parse_event_t::key: {
            std::string key = parsed.get<std::string>();
            if (limits.case_insensitive_keys)
                std::transform(key.begin(), key.end(), key.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (!keys.empty() && !keys.back().insert(key).second)
                throw RegistryError(what + ": duplicate key '" + parsed.get<std::string>() + "'");
            break;
        }
        default:
            break;
        }
        return true;
    };
    try {
        json j = json::parse(text.begin(), text.end(), callback, true, false);
        if (!j.is_object())
            throw RegistryError(what + ": not a JSON object");
        return j;
    } catch (const json::exception& e) {
        // nlohmann's messages start with "[json.exception.parse_error.101] "; keep the reason.
        std::string msg = e.what();
        if (auto pos = msg.find("] "); pos != std::string::npos)
            msg = msg.substr(pos + 2);
        throw RegistryError(what + ": malformed JSON: " + msg);
    }
}

} // namespace ig::registry
