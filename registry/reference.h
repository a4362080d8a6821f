// SPDX-License-Identifier: Apache-2.0
// Image references: "name", "name:tag", "host[:port]/path/name:tag", "…@sha256:<hex>",
// "…:tag@sha256:…". Short names resolve to ghcr.io/inspektor-gadget/gadget/<name>:latest.
#pragma once

#include "registry/digest.h"

#include <optional>
#include <string>
#include <string_view>

namespace ig::registry {

inline constexpr std::string_view kDefaultRegistry = "ghcr.io";
inline constexpr std::string_view kDefaultRepositoryPrefix = "inspektor-gadget/gadget/";

struct Reference {
    std::string registry;   // "ghcr.io", "localhost:5000"
    std::string repository; // "inspektor-gadget/gadget/trace_tcp"
    std::string tag; // "latest" when neither tag nor digest was given; may be empty if pinned
    std::optional<Digest> digest;

    // Throws RegistryError naming the offending part ("invalid tag 'x y' in reference '…'").
    static Reference parse(std::string_view text);

    // "registry/repository[:tag][@digest]", the normalised form.
    std::string str() const;
    // "registry/repository", the key the local store and credentials use.
    std::string name() const;
    bool pinned() const { return digest.has_value(); }
};

} // namespace ig::registry
