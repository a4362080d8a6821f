// SPDX-License-Identifier: Apache-2.0
// The local store: an OCI image layout (oci-layout, index.json, blobs/sha256/<hex>) at
// /var/lib/ig/oci-store (root) or ~/.ig/oci-store. Every write goes to a temp file in the store,
// is verified against its digest, fsynced and renamed into place; index.json changes happen under
// an exclusive flock on <root>/.lock, so concurrent ig processes and a crash or Ctrl-C at any
// point leave a valid store. index.json entries carry the reference in the annotation
// "org.opencontainers.image.ref.name" (the normalised Reference::str() without digest).
#pragma once

#include "registry/file_lock.h"
#include "registry/oci.h"
#include "registry/reference.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ig::registry {

// What a run needs from an image, for one platform.
struct StoredGadget {
    Digest index_digest = Digest::of("");    // what the reference points at (index or manifest)
    Digest manifest_digest = Digest::of(""); // the platform's manifest
    std::string metadata_yaml;
    std::vector<std::uint8_t> bpf_object;
};

struct StoreEntry {
    std::string reference;        // normalised, e.g. "localhost:5000/trace_tcp:v1"
    Descriptor descriptor;        // the index (or single manifest) the reference points at
    std::string created;          // org.opencontainers.image.created of the image, if any
    std::uint64_t total_size = 0; // index + manifests + blobs
};

class LocalStore {
public:
    explicit LocalStore(std::filesystem::path root); // creates the layout if missing
    static std::filesystem::path default_path();
    const std::filesystem::path& root() const { return root_; }

    // Blobs (manifests and indexes are blobs too).
    bool has_blob(const Digest& digest) const;
    std::filesystem::path blob_path(const Digest& digest) const;
    // Reads and verifies the digest; throws RegistryError if missing or corrupt.
    std::string read_blob(const Digest& digest, std::uint64_t max_size = kMaxBlobBytes) const;
    // Atomically stores bytes and returns their digest.
    Digest write_blob(std::string_view bytes);
    // A temp file inside the store (same filesystem) for streaming downloads; commit_blob verifies
    // its digest (and size when known), then renames it into place. Removed on failure.
    std::filesystem::path make_temp_path() const;
    void commit_blob(const std::filesystem::path& temp, const Digest& expected,
                     std::optional<std::uint64_t> expected_size = std::nullopt);

    // References.
    std::optional<Descriptor> resolve(const Reference& ref) const; // by tag, or by digest if pinned
    void set_reference(const Reference& ref, const Descriptor& descriptor);
    bool remove_reference(const Reference& ref); // false if absent
    std::vector<StoreEntry> list() const;
    // Deletes blobs no reference reaches any more; returns bytes freed.
    std::uint64_t collect_garbage();

    // The gadget for one architecture ("amd64"); nullopt if the reference is not in the store.
    // Throws RegistryError if present but unusable (no manifest for the architecture, bad blob).
    std::optional<StoredGadget> load_gadget(const Reference& ref,
                                            const std::string& architecture) const;

    // Added by the local side (not used by the remote side's contract):
    // Every descriptor reachable from `root` (root first, then per manifest its config and
    // layers), each once. Throws RegistryError if a blob is missing or not a valid document.
    std::vector<Descriptor> image_blobs(const Descriptor& root) const;
    // True if every blob reachable from `root` is present (a complete image).
    bool is_complete(const Descriptor& root) const;
    // Sets several references in one index.json update (import: all or nothing).
    void set_references(const std::vector<std::pair<Reference, Descriptor>>& refs);
    // The key index.json uses for a reference: Reference::str() without the digest.
    static std::string ref_name(const Reference& ref);

private:
    // Blob writers hold a shared lock on <root>/.gc.lock from their first blob until the
    // reference that makes those blobs reachable is set; garbage collection takes it exclusively,
    // so it never deletes a blob another process has just written but not yet tagged.
    void hold_writer_lock() const;
    void ensure_layout();
    Index read_index_json() const;
    void write_index_json(const Index& index);

    std::filesystem::path root_;
    mutable std::optional<FileLock> writer_lock_;
};

} // namespace ig::registry
