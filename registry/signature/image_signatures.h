// SPDX-License-Identifier: Apache-2.0
// Signatures of images in the local store, the way cosign and Inspektor Gadget keep them: the
// signature artifact of image <registry>/<repository> with digest sha256:<hex> is tagged
// <registry>/<repository>:sha256-<hex>.sig. The digest signed is the one the image reference
// resolves to (the index of a multi-arch gadget). Verification reads only the store, so it works
// offline once the artifact was pulled, imported or made by `ig image sign`.
#pragma once

#include "registry/local_store.h"
#include "registry/reference.h"
#include "registry/signature/keys.h"

#include <string>
#include <string_view>
#include <vector>

namespace ig::registry::signature {

// "sha256-<hex>.sig"
std::string signature_tag(const Digest& digest);
// Whether a tag has that form (listings hide signature artifacts by default).
bool is_signature_tag(std::string_view tag);
// The same registry and repository as `image`, tagged signature_tag(digest).
Reference signature_reference(const Reference& image, const Digest& digest);

struct SignResult {
    Reference signature_ref;
    Descriptor descriptor;       // of the signature manifest
    std::size_t signatures = 0;  // layers in the artifact now
    bool already_signed = false; // this key had already signed this digest: nothing changed
};

// Signs `digest` (which must be in the store) as image `image`, adding a layer to the existing
// signature artifact if there is one (cosign appends too), and stores the artifact under
// signature_reference(image, digest).
SignResult sign_image(LocalStore& store, const Reference& image, const Digest& digest,
                      const PrivateKey& key);

// Throws RegistryError with a one-line reason unless a signature in the store's artifact for
// (image, digest) verifies under one of `keys` and its payload names exactly `digest` and the
// repository of `image`.
void verify_image(const LocalStore& store, const Reference& image, const Digest& digest,
                  const std::vector<PublicKey>& keys);

} // namespace ig::registry::signature
