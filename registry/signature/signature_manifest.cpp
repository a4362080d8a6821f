// SPDX-License-Identifier: Apache-2.0
#include "registry/signature/signature_manifest.h"

#include "registry/error.h"
#include "registry/remote/base64.h"
#include "registry/signature/simple_signing.h"

#include <nlohmann/json.hpp>

namespace ig::registry::signature {

namespace {

// What cosign's go-containerregistry writes as the config of a signature image: no platform, one
// diff_id per payload layer (payloads are not compressed, so diff_id = layer digest).
std::string make_config(const std::vector<Digest>& layer_digests) {
    nlohmann::ordered_json config;
    config["architecture"] = "";
    config["created"] = "0001-01-01T00:00:00Z";
    config["history"] = nlohmann::ordered_json::array({{{"created", "0001-01-01T00:00:00Z"}}});
    config["os"] = "";
    nlohmann::ordered_json diff_ids = nlohmann::ordered_json::array();
    for (const auto& d : layer_digests)
        diff_ids.push_back(d.str());
    config["rootfs"] = {{"type", "layers"}, {"diff_ids", diff_ids}};
    config["config"] = nlohmann::ordered_json::object();
    return config.dump();
}

} // namespace

SignatureArtifact build_signature_artifact(const std::vector<SignedPayload>& signatures) {
    if (signatures.empty())
        throw RegistryError("a signature artifact needs at least one signature");
    if (signatures.size() > kMaxSignatureLayers)
        throw RegistryError("more than " + std::to_string(kMaxSignatureLayers) +
                            " signatures for one image");
    SignatureArtifact out;
    Manifest manifest;
    std::vector<Digest> digests;
    for (const auto& s : signatures) {
        Descriptor layer;
        layer.media_type = kSimpleSigningMediaType;
        layer.digest = Digest::of(s.payload);
        layer.size = s.payload.size();
        layer.annotations[std::string(kSignatureAnnotation)] = remote::base64_encode(s.signature);
        digests.push_back(layer.digest);
        manifest.layers.push_back(std::move(layer));
        out.payloads.push_back(s.payload);
    }
    out.config = make_config(digests);
    manifest.config.media_type = kOciImageConfig;
    manifest.config.digest = Digest::of(out.config);
    manifest.config.size = out.config.size();
    out.manifest = serialize(manifest);
    return out;
}

std::vector<SignatureLayer> parse_signature_manifest(std::string_view bytes) {
    Manifest manifest;
    try {
        manifest = parse_manifest(bytes);
    } catch (const RegistryError& e) {
        throw RegistryError(std::string("signature manifest: ") + e.what());
    }
    if (manifest.layers.size() > kMaxSignatureLayers)
        throw RegistryError("signature manifest has " + std::to_string(manifest.layers.size()) +
                            " layers, more than the limit of " +
                            std::to_string(kMaxSignatureLayers));
    std::vector<SignatureLayer> out;
    for (const auto& layer : manifest.layers) {
        if (layer.media_type != kSimpleSigningMediaType)
            continue;
        if (layer.size > kMaxPayloadBytes)
            throw RegistryError("signature payload " + layer.digest.str() + " has " +
                                std::to_string(layer.size) + " bytes, more than the limit of " +
                                std::to_string(kMaxPayloadBytes));
        SignatureLayer parsed;
        parsed.payload = layer;
        auto it = layer.annotations.find(std::string(kSignatureAnnotation));
        if (it == layer.annotations.end()) {
            parsed.problem = "layer " + layer.digest.str() + " has no " +
                             std::string(kSignatureAnnotation) + " annotation";
        } else if (it->second.size() > 4 * kMaxSignatureBytes / 3 + 4) {
            parsed.problem = "layer " + layer.digest.str() + ": signature is too long";
        } else {
            try {
                parsed.signature = remote::base64_decode(it->second, "signature annotation");
                if (parsed.signature.empty())
                    parsed.problem = "layer " + layer.digest.str() + ": empty signature";
            } catch (const RegistryError& e) {
                parsed.problem = "layer " + layer.digest.str() + ": " + e.what();
            }
        }
        out.push_back(std::move(parsed));
    }
    if (out.empty())
        throw RegistryError("signature manifest has no " + std::string(kSimpleSigningMediaType) +
                            " layer");
    return out;
}

} // namespace ig::registry::signature
