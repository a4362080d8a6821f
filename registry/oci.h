// SPDX-License-Identifier: Apache-2.0
// OCI descriptors, manifests and indexes as used by gadget images, with strict parsing of
// untrusted JSON (size limits, required fields, media types) and canonical serialisation.
#pragma once

#include "registry/digest.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ig::registry {

namespace media {
inline constexpr std::string_view kImageIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kImageManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kGadgetArtifact = "application/vnd.gadget.v1+binary";
inline constexpr std::string_view kGadgetConfig = "application/vnd.gadget.config.v1+yaml";
inline constexpr std::string_view kGadgetProgram = "application/vnd.gadget.ebpf.program.v1+binary";
inline constexpr std::string_view kGadgetBtfgen = "application/vnd.gadget.btfgen.v1+binary";
} // namespace media

// Largest manifest or index accepted from anywhere (the distribution spec suggests 4 MiB).
inline constexpr std::size_t kMaxManifestBytes = 4u << 20;
// Largest blob accepted (gadget objects are KiB to a few MiB).
inline constexpr std::uint64_t kMaxBlobBytes = 256ull << 20;

struct Platform {
    std::string os = "linux";
    std::string architecture; // "amd64", "arm64"
    std::string variant;
};

struct Descriptor {
    std::string media_type;
    Digest digest = Digest::of("");
    std::uint64_t size = 0;
    std::string artifact_type;
    std::optional<Platform> platform;
    std::map<std::string, std::string> annotations;
};

struct Manifest {
    std::string media_type{media::kImageManifest};
    std::string artifact_type;
    Descriptor config;
    std::vector<Descriptor> layers;
    std::map<std::string, std::string> annotations;
};

struct Index {
    std::string media_type{media::kImageIndex};
    std::vector<Descriptor> manifests;
    std::map<std::string, std::string> annotations;
};

// Parsers throw RegistryError ("manifest sha256:…: missing 'config'") on malformed input.
Manifest parse_manifest(std::string_view json);
Index parse_index(std::string_view json);
// Media type of a manifest-like document (its "mediaType" field), empty if absent.
std::string document_media_type(std::string_view json);
// Serialisation is deterministic (sorted keys, no whitespace) so digests are reproducible.
std::string serialize(const Manifest& manifest);
std::string serialize(const Index& index);

} // namespace ig::registry
