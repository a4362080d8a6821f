// SPDX-License-Identifier: Apache-2.0
// OCI-layout tarballs (`ig image export` / `ig image import`): oci-layout, index.json with one
// entry per reference (org.opencontainers.image.ref.name), blobs/sha256/<hex>. Inspektor Gadget
// and skopeo (oci-archive:) read and write the same layout.
#pragma once

#include "registry/local_store.h"

#include <filesystem>
#include <string>
#include <vector>

namespace ig::registry {

// Writes the images into `output` (atomically: temp file + rename). Deterministic: entries in
// a fixed order, mtime 0, uid/gid 0, so the same images give the same bytes.
void export_images(const LocalStore& store, const std::vector<Reference>& refs,
                   const std::filesystem::path& output);

struct ImportedImage {
    std::string reference; // normalised
    Descriptor descriptor;
};

// Reads the archive, verifies every blob against its digest and every image for completeness,
// and only then adds the blobs and references to the store: a bad archive changes nothing.
std::vector<ImportedImage> import_images(LocalStore& store, const std::filesystem::path& input);

} // namespace ig::registry
