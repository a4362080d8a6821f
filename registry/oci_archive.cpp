// SPDX-License-Identifier: Apache-2.0
#include "registry/oci_archive.h"

#include "registry/atomic_file.h"
#include "registry/error.h"
#include "registry/tar.h"
#include "registry/unique_fd.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unistd.h>

namespace ig::registry {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";
constexpr std::string_view kBlobPrefix = "blobs/sha256/";

bool is_index_type(std::string_view mt) {
    return mt == media::kImageIndex || mt == media::kDockerManifestList;
}
bool is_manifest_type(std::string_view mt) {
    return mt == media::kImageManifest || mt == media::kDockerManifest;
}

// Removes staged temp files unless committed.
struct Staged {
    std::map<Digest, fs::path> files;
    bool committed = false;
    ~Staged() {
        if (committed)
            return;
        std::error_code ec;
        for (const auto& [d, p] : files)
            fs::remove(p, ec);
    }
};

} // namespace

void export_images(const LocalStore& store, const std::vector<Reference>& refs,
                   const fs::path& output) {
    if (refs.empty())
        throw RegistryError("nothing to export");
    Index index;
    std::map<Digest, Descriptor> blobs; // sorted by digest
    for (const auto& ref : refs) {
        auto d = store.resolve(ref);
        if (!d)
            throw RegistryError("image " + ref.str() + " is not in the local store");
        for (const auto& b : store.image_blobs(*d))
            blobs.emplace(b.digest, b);
        Descriptor entry = *d;
        entry.annotations[std::string(kRefNameAnnotation)] = LocalStore::ref_name(ref);
        index.manifests.push_back(entry);
    }
    std::sort(index.manifests.begin(), index.manifests.end(), [](const auto& a, const auto& b) {
        return a.annotations.at(std::string(kRefNameAnnotation)) <
               b.annotations.at(std::string(kRefNameAnnotation));
    });

    fs::path dir = output.parent_path().empty() ? fs::path(".") : output.parent_path();
    fs::path temp = create_temp_file(dir, "." + output.filename().string() + ".tmp-");
    try {
        Fd fd(::open(temp.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
        if (!fd)
            throw RegistryError("cannot open " + temp.string() + ": " + std::strerror(errno));
        TarWriter tar(fd.get());
        tar.add_file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})", 0);
        tar.add_file("index.json", serialize(index), 0);
        tar.add_directory("blobs", 0);
        tar.add_directory("blobs/sha256", 0);
        for (const auto& [digest, desc] : blobs) {
            fs::path path = store.blob_path(digest);
            std::error_code ec;
            auto size = fs::file_size(path, ec);
            if (ec)
                throw RegistryError("blob " + digest.str() + " is missing from the store");
            Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
            if (!in)
                throw RegistryError("cannot open " + path.string() + ": " + std::strerror(errno));
            Sha256 hash;
            tar.add_file(std::string(kBlobPrefix) + std::string(digest.hex()), size, 0,
                         [&](const auto& sink) {
                             std::array<char, 1 << 16> buf;
                             for (;;) {
                                 ssize_t n = ::read(in.get(), buf.data(), buf.size());
                                 if (n < 0 && errno == EINTR)
                                     continue;
                                 if (n < 0)
                                     throw RegistryError("reading " + path.string() + ": " +
                                                         std::strerror(errno));
                                 if (n == 0)
                                     break;
                                 hash.update(buf.data(), static_cast<std::size_t>(n));
                                 sink(buf.data(), static_cast<std::size_t>(n));
                             }
                         });
            // Never export a corrupt blob: the importer would refuse it anyway.
            if (hash.finish() != digest)
                throw RegistryError("blob " + digest.str() + " in the store is corrupt");
        }
        tar.finish();
        if (::fsync(fd.get()) != 0 || fd.close() != 0)
            throw RegistryError("writing " + temp.string() + ": " + std::strerror(errno));
        if (::rename(temp.c_str(), output.c_str()) != 0)
            throw RegistryError("cannot create " + output.string() + ": " + std::strerror(errno));
    } catch (...) {
        std::error_code ec;
        fs::remove(temp, ec);
        throw;
    }
}

std::vector<ImportedImage> import_images(LocalStore& store, const fs::path& input) {
    const std::string origin = input.string();
    Fd fd(::open(input.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        throw RegistryError("cannot open " + origin + ": " + std::strerror(errno));
    TarLimits limits;
    limits.max_entry_size = kMaxBlobBytes;
    TarReader tar(fd.get(), origin, limits);

    Staged staged;
    std::optional<std::string> layout, index_json;
    while (auto e = tar.next()) {
        if (e->is_directory)
            continue;
        if (e->name == "oci-layout") {
            if (layout)
                throw RegistryError(origin + ": oci-layout appears twice");
            layout = tar.read_data_string(4096);
        } else if (e->name == "index.json") {
            if (index_json)
                throw RegistryError(origin + ": index.json appears twice");
            index_json = tar.read_data_string(kMaxManifestBytes);
        } else if (e->name.starts_with(kBlobPrefix)) {
            Digest digest = Digest::of("");
            try {
                digest = Digest::parse("sha256:" + e->name.substr(kBlobPrefix.size()));
            } catch (const RegistryError& err) {
                throw RegistryError(origin + ": tar entry " + e->name + ": " + err.what());
            }
            if (staged.files.contains(digest))
                throw RegistryError(origin + ": " + e->name + " appears twice");
            fs::path temp = store.make_temp_path();
            staged.files.emplace(digest, temp);
            Fd out(::open(temp.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
            if (!out)
                throw RegistryError("cannot open " + temp.string() + ": " + std::strerror(errno));
            Sha256 hash;
            tar.read_data([&](const char* data, std::size_t n) {
                hash.update(data, n);
                while (n) {
                    ssize_t w = ::write(out.get(), data, n);
                    if (w < 0 && errno == EINTR)
                        continue;
                    if (w < 0)
                        throw RegistryError("writing " + temp.string() + ": " +
                                            std::strerror(errno));
                    data += w;
                    n -= static_cast<std::size_t>(w);
                }
            });
            if (out.close() != 0)
                throw RegistryError("writing " + temp.string() + ": " + std::strerror(errno));
            Digest actual = hash.finish();
            if (actual != digest)
                throw RegistryError(origin + ": " + e->name + " does not match its digest (its " +
                                    "content has " + actual.str() + ")");
        }
        // Anything else is ignored: the image layout spec allows unknown files.
    }
    if (!layout)
        throw RegistryError(origin + ": not an OCI layout archive (no oci-layout file)");
    try {
        auto j = nlohmann::json::parse(*layout);
        if (!j.is_object() || !j.contains("imageLayoutVersion") ||
            !j["imageLayoutVersion"].is_string())
            throw RegistryError("missing imageLayoutVersion");
    } catch (const nlohmann::json::exception&) {
        throw RegistryError(origin + ": oci-layout is not valid JSON");
    } catch (const RegistryError& e) {
        throw RegistryError(origin + ": oci-layout: " + e.what());
    }
    if (!index_json)
        throw RegistryError(origin + ": no index.json in the archive");
    Index index;
    try {
        index = parse_index(*index_json);
    } catch (const RegistryError& e) {
        throw RegistryError(origin + ": index.json: " + e.what());
    }

    // Read a document from the archive (staged) or, if the archive lacks it, from the store.
    auto read_doc = [&](const Descriptor& d) {
        std::string bytes;
        if (auto it = staged.files.find(d.digest); it != staged.files.end())
            bytes = read_file_limited(it->second, kMaxManifestBytes);
        else
            bytes = store.read_blob(d.digest, kMaxManifestBytes);
        return bytes;
    };
    auto check_blob = [&](const Descriptor& d) {
        std::error_code ec;
        std::uint64_t size = 0;
        if (auto it = staged.files.find(d.digest); it != staged.files.end())
            size = fs::file_size(it->second, ec);
        else if (fs::is_regular_file(store.blob_path(d.digest), ec))
            size = fs::file_size(store.blob_path(d.digest), ec);
        else
            throw RegistryError(origin + ": blob " + d.digest.str() + " is missing");
        if (size != d.size)
            throw RegistryError(origin + ": blob " + d.digest.str() + " has " +
                                std::to_string(size) + " bytes, its descriptor says " +
                                std::to_string(d.size));
    };

    std::vector<ImportedImage> images;
    std::vector<std::pair<Reference, Descriptor>> refs;
    for (std::size_t i = 0; i < index.manifests.size(); ++i) {
        Descriptor d = index.manifests[i];
        auto it = d.annotations.find(std::string(kRefNameAnnotation));
        if (it == d.annotations.end())
            throw RegistryError(origin + ": index.json entry " + std::to_string(i) + " has no " +
                                std::string(kRefNameAnnotation));
        Reference ref;
        try {
            ref = Reference::parse(it->second);
        } catch (const RegistryError& e) {
            throw RegistryError(origin + ": index.json entry " + std::to_string(i) + ": " +
                                e.what());
        }
        if (ref.tag.empty())
            throw RegistryError(origin + ": index.json entry " + std::to_string(i) +
                                ": reference '" + it->second + "' has no tag");
        d.annotations.erase(it);
        // Walk index -> manifests -> config and layers: every blob present, sizes right.
        check_blob(d);
        std::vector<Descriptor> manifests;
        if (is_index_type(d.media_type)) {
            for (const auto& m : parse_index(read_doc(d)).manifests) {
                if (!is_manifest_type(m.media_type))
                    throw RegistryError(origin + ": " + ref.str() +
                                        ": nested indexes are not supported");
                check_blob(m);
                manifests.push_back(m);
            }
        } else if (is_manifest_type(d.media_type)) {
            manifests.push_back(d);
        } else {
            throw RegistryError(origin + ": " + ref.str() + ": unsupported media type " +
                                d.media_type);
        }
        for (const auto& m : manifests) {
            Manifest mf;
            try {
                mf = parse_manifest(read_doc(m));
            } catch (const RegistryError& e) {
                throw RegistryError(origin + ": " + ref.str() + ": " + e.what());
            }
            check_blob(mf.config);
            for (const auto& l : mf.layers)
                check_blob(l);
        }
        images.push_back({LocalStore::ref_name(ref), d});
        refs.emplace_back(ref, d);
    }
    if (refs.empty())
        throw RegistryError(origin + ": the archive holds no images");

    for (auto& [digest, path] : staged.files)
        store.commit_blob(path, digest);
    staged.committed = true;
    store.set_references(refs);
    return images;
}

} // namespace ig::registry
