// SPDX-License-Identifier: Apache-2.0
#include "registry/signature/simple_signing.h"

#include "registry/error.h"
#include "registry/strict_json.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

namespace ig::registry::signature {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 16;
const std::string kWhat = "signature payload";

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

json parse_strict(std::string_view text) {
    return parse_strict_json(text, kWhat, {kMaxPayloadBytes, kMaxDepth, true});
}

// The member named `key` (case-insensitively, as cosign's Go decoder matches), of the given type.
const json& member(const json& obj, const std::string& key, json::value_t type,
                   const std::string& path) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        if (lower(it.key()) != key)
            continue;
        if (it.value().type() != type)
            throw RegistryError(kWhat + ": '" + path + key + "' has the wrong type");
        return it.value();
    }
    throw RegistryError(kWhat + ": missing '" + path + key + "'");
}

} // namespace

std::string make_payload(const std::string& docker_reference, const Digest& digest) {
    // Member order and "optional":null are what cosign (Go's encoding/json) writes.
    return R"({"critical":{"identity":{"docker-reference":)" + json(docker_reference).dump() +
           R"(},"image":{"docker-manifest-digest":)" + json(digest.str()).dump() + R"(},"type":)" +
           json(std::string(kSimpleSigningType)).dump() + R"(},"optional":null})";
}

SimpleSigningClaims parse_payload(std::string_view bytes) {
    json j = parse_strict(bytes);
    const json& critical = member(j, "critical", json::value_t::object, "");
    const json& type = member(critical, "type", json::value_t::string, "critical.");
    if (type.get<std::string>() != kSimpleSigningType)
        throw RegistryError(kWhat + ": type is '" + type.get<std::string>() + "', not '" +
                            std::string(kSimpleSigningType) + "'");
    const json& identity = member(critical, "identity", json::value_t::object, "critical.");
    const json& image = member(critical, "image", json::value_t::object, "critical.");
    SimpleSigningClaims claims;
    claims.docker_reference =
        member(identity, "docker-reference", json::value_t::string, "critical.identity.")
            .get<std::string>();
    const auto& digest =
        member(image, "docker-manifest-digest", json::value_t::string, "critical.image.")
            .get<std::string>();
    try {
        claims.manifest_digest = Digest::parse(digest);
    } catch (const RegistryError&) {
        throw RegistryError(kWhat + ": docker-manifest-digest '" + digest.substr(0, 80) +
                            "' is not a sha256 digest");
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
        std::string k = lower(it.key());
        if (k == "optional" && !it.value().is_null() && !it.value().is_object())
            throw RegistryError(kWhat + ": 'optional' must be null or an object");
    }
    return claims;
}

} // namespace ig::registry::signature
