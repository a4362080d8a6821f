// SPDX-License-Identifier: Apache-2.0
// Pushing an image from the local store: blobs first (skipping those the registry has,
// mounting those another repository of the same registry has), then each platform manifest by
// digest, then the index under the tag.
#pragma once

#include "registry/local_store.h"
#include "registry/reference.h"
#include "registry/remote/registry_client.h"

#include <cstdint>

namespace ig::registry::remote {

struct PushResult {
    Descriptor descriptor;
    std::size_t blobs_uploaded = 0;
    std::size_t blobs_existing = 0;
    std::size_t blobs_mounted = 0;
    std::uint64_t bytes_uploaded = 0;
};

PushResult push_image(RegistryClient& client, const Reference& ref, LocalStore& store);

// The digests an image's graph reaches in the store: the top document, its manifests, their
// config and layers. Missing documents are skipped (an OCI layout may lack some platforms).
std::vector<Digest> image_graph(const LocalStore& store, const Descriptor& top);

} // namespace ig::registry::remote
