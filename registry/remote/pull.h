// SPDX-License-Identifier: Apache-2.0
// Pulling an image into the local store: resolve the reference (a pinned digest is fetched by
// digest, never through its tag), fetch every manifest of the index and every blob not already
// stored, verify each digest and size, and only then point the reference at it.
#pragma once

#include "registry/local_store.h"
#include "registry/reference.h"
#include "registry/remote/registry_client.h"

#include <cstdint>

namespace ig::registry::remote {

struct PullResult {
    Descriptor descriptor; // what the reference now points at
    std::size_t blobs_fetched = 0;
    std::size_t blobs_present = 0;
    std::uint64_t bytes_fetched = 0;
};

PullResult pull_image(RegistryClient& client, const Reference& ref, LocalStore& store);

} // namespace ig::registry::remote
