// SPDX-License-Identifier: Apache-2.0
// The cosign "simple signing" payload: what a signature actually signs.
//   {"critical":{"identity":{"docker-reference":"<registry/repository>"},
//                "image":{"docker-manifest-digest":"sha256:<hex>"},
//                "type":"cosign container image signature"},
//    "optional":null | {…}}
// Written byte for byte as cosign writes it; read strictly (size cap, duplicate keys refused even
// when they differ only in case, since Go's decoder matches keys case-insensitively).
#pragma once

#include "registry/digest.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace ig::registry::signature {

inline constexpr std::string_view kSimpleSigningType = "cosign container image signature";
inline constexpr std::size_t kMaxPayloadBytes = 256 * 1024;

struct SimpleSigningClaims {
    std::string docker_reference; // "registry/repository" as signed (cosign: no tag)
    Digest manifest_digest = Digest::of("");
};

std::string make_payload(const std::string& docker_reference, const Digest& digest);
// Throws RegistryError ("signature payload: …") on anything but a well-formed payload.
SimpleSigningClaims parse_payload(std::string_view bytes);

} // namespace ig::registry::signature
