// SPDX-License-Identifier: Apache-2.0
#include "registry/signature/image_signatures.h"

#include "registry/error.h"
#include "registry/signature/signature_manifest.h"
#include "registry/signature/simple_signing.h"

#include <algorithm>
#include <optional>

namespace ig::registry::signature {
namespace {

std::string pinned_name(const Reference& image, const Digest& digest) {
    return image.name() + "@" + digest.str();
}

// The signatures already in the store's artifact, with their payloads; empty if none.
std::vector<SignedPayload> stored_signatures(const LocalStore& store, const Reference& sig_ref) {
    std::vector<SignedPayload> out;
    auto desc = store.resolve(sig_ref);
    if (!desc)
        return out;
    for (const auto& layer :
         parse_signature_manifest(store.read_blob(desc->digest, kMaxManifestBytes))) {
        if (layer.signature.empty())
            continue;
        out.push_back({store.read_blob(layer.payload.digest, kMaxPayloadBytes), layer.signature});
    }
    return out;
}

} // namespace

bool is_signature_tag(std::string_view tag) {
    constexpr std::string_view prefix = "sha256-", suffix = ".sig";
    if (tag.size() != prefix.size() + 64 + suffix.size() || !tag.starts_with(prefix) ||
        !tag.ends_with(suffix))
        return false;
    auto hex = tag.substr(prefix.size(), 64);
    return std::ranges::all_of(
        hex, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string signature_tag(const Digest& digest) {
    return "sha256-" + std::string(digest.hex()) + ".sig";
}

Reference signature_reference(const Reference& image, const Digest& digest) {
    Reference ref;
    ref.registry = image.registry;
    ref.repository = image.repository;
    ref.tag = signature_tag(digest);
    return ref;
}

SignResult sign_image(LocalStore& store, const Reference& image, const Digest& digest,
                      const PrivateKey& key) {
    if (!store.has_blob(digest))
        throw RegistryError("cannot sign " + pinned_name(image, digest) +
                            ": it is not in the local store");
    SignResult result;
    result.signature_ref = signature_reference(image, digest);
    const std::string payload = make_payload(image.name(), digest);
    auto signatures = stored_signatures(store, result.signature_ref);
    // ECDSA signatures are randomised, so "already signed" means: an existing signature of this
    // very payload verifies under this key.
    PublicKey own = PublicKey::from_pem(key.public_key_pem(), key.source());
    for (const auto& s : signatures)
        if (s.payload == payload && own.verify(s.payload, s.signature))
            result.already_signed = true;
    if (!result.already_signed)
        signatures.push_back({payload, key.sign(payload)});
    SignatureArtifact artifact = build_signature_artifact(signatures);
    for (const auto& p : artifact.payloads)
        store.write_blob(p);
    store.write_blob(artifact.config);
    result.descriptor.media_type = media::kImageManifest;
    result.descriptor.digest = store.write_blob(artifact.manifest);
    result.descriptor.size = artifact.manifest.size();
    store.set_reference(result.signature_ref, result.descriptor);
    result.signatures = signatures.size();
    return result;
}

void verify_image(const LocalStore& store, const Reference& image, const Digest& digest,
                  const std::vector<PublicKey>& keys) {
    const std::string name = pinned_name(image, digest);
    if (keys.empty())
        throw RegistryError("cannot verify " + name +
                            ": no public keys (give --public-keys, or --verify-image=false)");
    const Reference sig_ref = signature_reference(image, digest);
    auto desc = store.resolve(sig_ref);
    if (!desc)
        throw RegistryError("image " + name + " has no signature (" +
                            LocalStore::ref_name(sig_ref) + " not found)");
    std::vector<SignatureLayer> layers;
    try {
        layers = parse_signature_manifest(store.read_blob(desc->digest, kMaxManifestBytes));
    } catch (const RegistryError& e) {
        throw RegistryError("signature of " + name + ": " + e.what());
    }
    // Reasons a layer failed, most telling first: a valid signature over the wrong claims says
    // more than a signature that does not verify.
    std::optional<std::string> wrong_digest, wrong_repository, bad_payload, other;
    for (const auto& layer : layers) {
        if (layer.signature.empty()) {
            other = other.value_or(layer.problem);
            continue;
        }
        std::string payload;
        try {
            payload = store.read_blob(layer.payload.digest, kMaxPayloadBytes);
        } catch (const RegistryError& e) {
            other = other.value_or(e.what());
            continue;
        }
        if (payload.size() != layer.payload.size) {
            other = other.value_or("payload " + layer.payload.digest.str() + " has the wrong size");
            continue;
        }
        bool verified = false;
        for (const auto& key : keys)
            verified = verified || key.verify(payload, layer.signature);
        if (!verified)
            continue;
        // Claims are only believed once the signature over them is known to be good.
        SimpleSigningClaims claims;
        try {
            claims = parse_payload(payload);
        } catch (const RegistryError& e) {
            bad_payload = bad_payload.value_or(e.what());
            continue;
        }
        if (claims.manifest_digest != digest) {
            wrong_digest = wrong_digest.value_or(
                "signature payload names " + claims.manifest_digest.str() + ", not the image's " +
                digest.str() + " (" + image.name() + ")");
            continue;
        }
        std::string signed_repo;
        try {
            signed_repo = Reference::parse(claims.docker_reference).name();
        } catch (const RegistryError&) {
            signed_repo = claims.docker_reference;
        }
        if (signed_repo != image.name()) {
            wrong_repository = wrong_repository.value_or("signature payload names repository " +
                                                         claims.docker_reference.substr(0, 200) +
                                                         ", not " + image.name());
            continue;
        }
        return; // one good signature is enough
    }
    if (wrong_digest)
        throw RegistryError(*wrong_digest);
    if (wrong_repository)
        throw RegistryError(*wrong_repository);
    if (bad_payload)
        throw RegistryError("signature of " + name + ": " + *bad_payload);
    std::string listing;
    for (const auto& key : keys)
        listing += (listing.empty() ? "" : ", ") + key.source();
    throw RegistryError("signature of " + name + " does not verify with any of the public keys (" +
                        listing + ")" + (other ? "; " + *other : ""));
}

} // namespace ig::registry::signature
