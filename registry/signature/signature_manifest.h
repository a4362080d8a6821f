// SPDX-License-Identifier: Apache-2.0
// The cosign signature artifact (cosign's SIGNATURE_SPEC, the legacy `sha256-<hex>.sig` tag): an
// OCI image manifest whose config is a minimal image config and whose layers are simple-signing
// payloads (application/vnd.dev.cosign.simplesigning.v1+json), each carrying its signature as
// base64 in the annotation dev.cosignproject.cosign/signature. Several signatures (several keys)
// are several layers of the one manifest.
#pragma once

#include "registry/oci.h"

#include <string>
#include <string_view>
#include <vector>

namespace ig::registry::signature {

inline constexpr std::string_view kSimpleSigningMediaType =
    "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr std::string_view kSignatureAnnotation = "dev.cosignproject.cosign/signature";
inline constexpr std::string_view kOciImageConfig = "application/vnd.oci.image.config.v1+json";
// cosign caps a .sig manifest at 1000 layers; a gadget has a handful of signers.
inline constexpr std::size_t kMaxSignatureLayers = 64;
// A DER ECDSA P-256 signature is at most 72 bytes, an RSA-4096 one 512.
inline constexpr std::size_t kMaxSignatureBytes = 1024;

struct SignedPayload {
    std::string payload;   // the exact bytes signed
    std::string signature; // raw (DER) signature bytes
};

struct SignatureArtifact {
    std::string manifest; // serialised manifest bytes
    std::string config;   // config blob bytes
    // Payload blobs, in layer order.
    std::vector<std::string> payloads;
};

// Builds the artifact for these signatures (one layer each, in order).
SignatureArtifact build_signature_artifact(const std::vector<SignedPayload>& signatures);

struct SignatureLayer {
    Descriptor payload;    // the payload blob (digest, size)
    std::string signature; // decoded; empty if the annotation was missing or not base64
    std::string problem;   // why `signature` is empty
};

// Parses a .sig manifest strictly: an image manifest, at most kMaxSignatureLayers layers, every
// simple-signing payload at most kMaxPayloadBytes. Layers of other types are not signatures and
// are left out. Throws RegistryError if none is left.
std::vector<SignatureLayer> parse_signature_manifest(std::string_view bytes);

} // namespace ig::registry::signature
