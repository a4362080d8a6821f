// SPDX-License-Identifier: Apache-2.0
#include "registry/remote/pull.h"

#include "registry/error.h"

#include <type_traits>

namespace ig::registry::remote {
namespace {

// Bounds on what one index may make us fetch (fan-out bombs).
constexpr std::size_t kMaxManifestsPerIndex = 64;
constexpr std::size_t kMaxLayersPerManifest = 64;

// Parse errors of untrusted documents, with the document they came from.
template <typename T> T parse_document(std::string_view bytes, const std::string& what) {
    try {
        if constexpr (std::is_same_v<T, Index>)
            return parse_index(bytes);
        else
            return parse_manifest(bytes);
    } catch (const RegistryError& e) {
        throw RegistryError((std::is_same_v<T, Index> ? "index " : "manifest ") + what + ": " +
                            e.what());
    }
}

bool is_index(std::string_view t) {
    return t == media::kImageIndex || t == media::kDockerManifestList;
}
bool is_manifest(std::string_view t) {
    return t == media::kImageManifest || t == media::kDockerManifest;
}

void pull_blobs(RegistryClient& client, const std::string& repository, const Manifest& manifest,
                LocalStore& store, PullResult& result) {
    if (manifest.layers.size() > kMaxLayersPerManifest)
        throw RegistryError("manifest has " + std::to_string(manifest.layers.size()) +
                            " layers, more than the limit of " +
                            std::to_string(kMaxLayersPerManifest));
    std::vector<const Descriptor*> blobs{&manifest.config};
    for (const auto& l : manifest.layers)
        blobs.push_back(&l);
    for (const Descriptor* b : blobs) {
        if (store.has_blob(b->digest)) {
            ++result.blobs_present;
            continue;
        }
        client.fetch_blob(repository, *b, store);
        ++result.blobs_fetched;
        result.bytes_fetched += b->size;
    }
}

// Fetches (or reads from the store) one platform manifest and its blobs; returns its bytes for
// storing once everything below it is in place.
std::string pull_manifest(RegistryClient& client, const std::string& repository,
                          const Descriptor& desc, LocalStore& store, PullResult& result) {
    std::string bytes;
    if (store.has_blob(desc.digest)) {
        bytes = store.read_blob(desc.digest, kMaxManifestBytes);
    } else {
        auto fetched = client.get_manifest(repository, desc.digest.str());
        if (fetched.bytes.size() != desc.size)
            throw RegistryError("manifest " + desc.digest.str() + " has " +
                                std::to_string(fetched.bytes.size()) +
                                " bytes, its descriptor says " + std::to_string(desc.size));
        if (!is_manifest(fetched.media_type))
            throw RegistryError("index entry " + desc.digest.str() + " is a '" +
                                fetched.media_type + "', not an image manifest");
        bytes = std::move(fetched.bytes);
        result.bytes_fetched += bytes.size();
    }
    pull_blobs(client, repository, parse_document<Manifest>(bytes, desc.digest.str()), store,
               result);
    return bytes;
}

} // namespace

PullResult pull_image(RegistryClient& client, const Reference& ref, LocalStore& store) {
    PullResult result;
    const std::string target = ref.pinned() ? ref.digest->str() : ref.tag;
    auto top = client.get_manifest(ref.repository, target);
    result.bytes_fetched += top.bytes.size();

    if (is_index(top.media_type)) {
        Index index = parse_document<Index>(top.bytes, ref.str());
        if (index.manifests.size() > kMaxManifestsPerIndex)
            throw RegistryError(
                "index of " + ref.str() + " lists " + std::to_string(index.manifests.size()) +
                " manifests, more than the limit of " + std::to_string(kMaxManifestsPerIndex));
        std::size_t usable = 0;
        for (const auto& m : index.manifests) {
            // Unknown entry types are legal in an index and simply not ours to fetch.
            if (!is_manifest(m.media_type))
                continue;
            std::string bytes = pull_manifest(client, ref.repository, m, store, result);
            if (store.write_blob(bytes) != m.digest)
                throw RegistryError("manifest " + m.digest.str() + " changed while storing");
            ++usable;
        }
        if (usable == 0)
            throw RegistryError("index of " + ref.str() + " lists no image manifest");
    } else {
        pull_blobs(client, ref.repository, parse_document<Manifest>(top.bytes, ref.str()), store,
                   result);
    }
    // Everything the document reaches is stored and verified: now it may be stored and named.
    if (store.write_blob(top.bytes) != top.digest)
        throw RegistryError("manifest " + top.digest.str() + " changed while storing");
    result.descriptor.media_type = top.media_type;
    result.descriptor.digest = top.digest;
    result.descriptor.size = top.bytes.size();
    store.set_reference(ref, result.descriptor);
    return result;
}

} // namespace ig::registry::remote
