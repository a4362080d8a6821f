// SPDX-License-Identifier: Apache-2.0
#include "registry/remote/push.h"

#include "registry/error.h"

#include <map>
#include <set>

namespace ig::registry::remote {
namespace {

bool is_index(std::string_view t) {
    return t == media::kImageIndex || t == media::kDockerManifestList;
}

std::string media_type_of(const Descriptor& d, std::string_view bytes) {
    std::string declared = document_media_type(bytes);
    return declared.empty() ? d.media_type : declared;
}

// digest → other repositories of the same registry whose images (in our store) hold it: the
// candidates for a cross-repository mount instead of an upload.
std::map<Digest, std::vector<std::string>> mount_sources(const LocalStore& store,
                                                         const Reference& ref) {
    std::map<Digest, std::vector<std::string>> out;
    for (const auto& entry : store.list()) {
        Reference other;
        try {
            other = Reference::parse(entry.reference);
        } catch (const RegistryError&) {
            continue;
        }
        if (other.registry != ref.registry || other.repository == ref.repository)
            continue;
        for (const auto& d : image_graph(store, entry.descriptor)) {
            auto& repos = out[d];
            if (std::find(repos.begin(), repos.end(), other.repository) == repos.end())
                repos.push_back(other.repository);
        }
    }
    return out;
}

void push_manifest_blobs(RegistryClient& client, const Reference& ref, LocalStore& store,
                         const Manifest& manifest,
                         const std::map<Digest, std::vector<std::string>>& sources,
                         PushResult& result) {
    std::vector<const Descriptor*> blobs{&manifest.config};
    for (const auto& l : manifest.layers)
        blobs.push_back(&l);
    for (const Descriptor* b : blobs) {
        std::string bytes = store.read_blob(b->digest);
        auto it = sources.find(b->digest);
        static const std::vector<std::string> none;
        switch (client.push_blob(ref.repository, b->digest, bytes,
                                 it == sources.end() ? none : it->second)) {
        case BlobPush::Existed:
            ++result.blobs_existing;
            break;
        case BlobPush::Mounted:
            ++result.blobs_mounted;
            break;
        case BlobPush::Uploaded:
            ++result.blobs_uploaded;
            result.bytes_uploaded += bytes.size();
            break;
        }
    }
}

} // namespace

std::vector<Digest> image_graph(const LocalStore& store, const Descriptor& top) {
    std::vector<Digest> out{top.digest};
    if (!store.has_blob(top.digest))
        return out;
    auto add_manifest = [&](const Digest& d) {
        out.push_back(d);
        if (!store.has_blob(d))
            return;
        Manifest m = parse_manifest(store.read_blob(d, kMaxManifestBytes));
        out.push_back(m.config.digest);
        for (const auto& l : m.layers)
            out.push_back(l.digest);
    };
    std::string bytes = store.read_blob(top.digest, kMaxManifestBytes);
    if (is_index(media_type_of(top, bytes))) {
        for (const auto& m : parse_index(bytes).manifests)
            if (!is_index(m.media_type))
                add_manifest(m.digest);
    } else {
        out.pop_back();
        add_manifest(top.digest);
    }
    return out;
}

PushResult push_image(RegistryClient& client, const Reference& ref, LocalStore& store) {
    auto top = store.resolve(ref);
    if (!top)
        throw RegistryError("image " + ref.str() + " is not in the local store");
    auto sources = mount_sources(store, ref);
    PushResult result;
    result.descriptor = *top;
    std::string bytes = store.read_blob(top->digest, kMaxManifestBytes);
    std::string type = media_type_of(*top, bytes);
    if (is_index(type)) {
        for (const auto& m : parse_index(bytes).manifests) {
            if (!store.has_blob(m.digest))
                throw RegistryError("image " + ref.str() + ": manifest " + m.digest.str() + " (" +
                                    (m.platform ? m.platform->architecture : std::string("?")) +
                                    ") is missing from the local store");
            std::string mbytes = store.read_blob(m.digest, kMaxManifestBytes);
            push_manifest_blobs(client, ref, store, parse_manifest(mbytes), sources, result);
            client.put_manifest(ref.repository, m.digest.str(), media_type_of(m, mbytes), mbytes);
        }
    } else {
        push_manifest_blobs(client, ref, store, parse_manifest(bytes), sources, result);
    }
    // The tag last: it must never name an image whose parts are not all there.
    std::string target = !ref.tag.empty() ? ref.tag : top->digest.str();
    client.put_manifest(ref.repository, target, type, bytes);
    return result;
}

} // namespace ig::registry::remote
