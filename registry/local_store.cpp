// SPDX-License-Identifier: Apache-2.0
#include "registry/local_store.h"

#include "registry/atomic_file.h"
#include "registry/error.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <set>
#include <unistd.h>

namespace ig::registry {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";
constexpr std::string_view kCreatedAnnotation = "org.opencontainers.image.created";
constexpr std::string_view kLayoutFile = R"({"imageLayoutVersion":"1.0.0"})";
// Nested indexes are legal but gadget images never need more than index -> manifest.
constexpr int kMaxIndexDepth = 4;

bool is_index_type(std::string_view mt) {
    return mt == media::kImageIndex || mt == media::kDockerManifestList;
}
bool is_manifest_type(std::string_view mt) {
    return mt == media::kImageManifest || mt == media::kDockerManifest;
}

std::optional<Digest> digest_from_blob_name(const std::string& name) {
    try {
        return Digest::parse("sha256:" + name);
    } catch (const RegistryError&) {
        return std::nullopt;
    }
}

} // namespace

LocalStore::LocalStore(fs::path root) : root_(std::move(root)) {
    ensure_layout();
}

fs::path LocalStore::default_path() {
    if (const char* env = std::getenv("IG_STORE"); env && *env)
        return env;
    if (::geteuid() == 0)
        return "/var/lib/ig/oci-store";
    const char* home = std::getenv("HOME");
    if (!home || !*home)
        throw RegistryError("cannot locate the local store: HOME is not set (set IG_STORE)");
    return fs::path(home) / ".ig" / "oci-store";
}

void LocalStore::ensure_layout() {
    std::error_code ec;
    if (fs::exists(root_ / "index.json", ec) && fs::exists(root_ / "oci-layout", ec) &&
        fs::is_directory(root_ / "blobs" / "sha256", ec))
        return; // an existing store may be read-only for us: touch nothing
    fs::create_directories(root_ / "blobs" / "sha256", ec);
    if (ec)
        throw RegistryError("cannot create the local store " + root_.string() + ": " +
                            ec.message());
    fs::permissions(root_, fs::perms::owner_all, ec);
    fs::create_directories(root_ / ".tmp", ec);
    FileLock lock(root_ / ".lock", FileLock::Mode::Exclusive);
    if (!fs::exists(root_ / "oci-layout"))
        write_file_atomically(create_temp_file(root_ / ".tmp", "layout-"), root_ / "oci-layout",
                              kLayoutFile);
    if (!fs::exists(root_ / "index.json"))
        write_file_atomically(create_temp_file(root_ / ".tmp", "index-"), root_ / "index.json",
                              serialize(Index{}));
}

void LocalStore::hold_writer_lock() const {
    if (writer_lock_)
        return;
    try {
        writer_lock_.emplace(root_ / ".gc.lock", FileLock::Mode::Shared);
    } catch (const RegistryError&) {
        // A store we cannot write to: we will not write blobs either, nothing to protect.
        if (::access(root_.c_str(), W_OK) == 0)
            throw;
    }
}

std::string LocalStore::ref_name(const Reference& ref) {
    Reference r = ref;
    r.digest.reset();
    return r.str();
}

bool LocalStore::has_blob(const Digest& digest) const {
    hold_writer_lock(); // a caller that checks before writing must not race the GC
    std::error_code ec;
    return fs::is_regular_file(blob_path(digest), ec);
}

fs::path LocalStore::blob_path(const Digest& digest) const {
    return root_ / "blobs" / "sha256" / std::string(digest.hex());
}

std::string LocalStore::read_blob(const Digest& digest, std::uint64_t max_size) const {
    fs::path path = blob_path(digest);
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw RegistryError("blob " + digest.str() + " is missing from the store " +
                            root_.string());
    std::string bytes = read_file_limited(path, max_size);
    Digest actual = Digest::of(bytes);
    if (actual != digest)
        throw RegistryError("blob " + digest.str() + " in the store is corrupt (its content has " +
                            actual.str() + ")");
    return bytes;
}

Digest LocalStore::write_blob(std::string_view bytes) {
    Digest digest = Digest::of(bytes);
    hold_writer_lock();
    std::error_code ec;
    fs::path path = blob_path(digest);
    if (fs::is_regular_file(path, ec) && fs::file_size(path, ec) == bytes.size())
        return digest; // content-addressed: same name, same bytes
    write_file_atomically(make_temp_path(), path, bytes);
    return digest;
}

fs::path LocalStore::make_temp_path() const {
    hold_writer_lock();
    std::error_code ec;
    fs::create_directories(root_ / ".tmp", ec);
    return create_temp_file(root_ / ".tmp", "blob-");
}

void LocalStore::commit_blob(const fs::path& temp, const Digest& expected,
                             std::optional<std::uint64_t> expected_size) {
    hold_writer_lock();
    try {
        std::error_code ec;
        auto size = fs::file_size(temp, ec);
        if (ec)
            throw RegistryError("cannot stat " + temp.string() + ": " + ec.message());
        if (expected_size && size != *expected_size)
            throw RegistryError("blob " + expected.str() + ": size " + std::to_string(size) +
                                " does not match the expected " + std::to_string(*expected_size));
        Digest actual = Digest::of_file(temp);
        if (actual != expected)
            throw RegistryError("blob digest mismatch: expected " + expected.str() + ", got " +
                                actual.str());
        if (fs::is_regular_file(blob_path(expected), ec)) {
            fs::remove(temp, ec);
            return;
        }
        rename_durably(temp, blob_path(expected));
    } catch (...) {
        std::error_code ec;
        fs::remove(temp, ec);
        throw;
    }
}

Index LocalStore::read_index_json() const {
    try {
        return parse_index(read_file_limited(root_ / "index.json", kMaxManifestBytes));
    } catch (const RegistryError& e) {
        throw RegistryError((root_ / "index.json").string() + ": " + e.what());
    }
}

void LocalStore::write_index_json(const Index& index) {
    write_file_atomically(create_temp_file(root_ / ".tmp", "index-"), root_ / "index.json",
                          serialize(index));
}

std::vector<Descriptor> LocalStore::image_blobs(const Descriptor& root) const {
    std::vector<Descriptor> out;
    std::set<Digest> seen;
    auto add = [&](const Descriptor& d) {
        if (seen.insert(d.digest).second)
            out.push_back(d);
    };
    auto walk = [&](auto&& self, const Descriptor& d, int depth) -> void {
        add(d);
        if (depth > kMaxIndexDepth)
            throw RegistryError("image " + root.digest.str() + ": indexes nested too deeply");
        if (is_index_type(d.media_type)) {
            Index idx = parse_index(read_blob(d.digest, kMaxManifestBytes));
            for (const auto& m : idx.manifests)
                if (!seen.contains(m.digest))
                    self(self, m, depth + 1);
        } else if (is_manifest_type(d.media_type)) {
            Manifest m = parse_manifest(read_blob(d.digest, kMaxManifestBytes));
            add(m.config);
            for (const auto& l : m.layers)
                add(l);
        }
    };
    walk(walk, root, 0);
    for (const auto& d : out)
        if (!fs::is_regular_file(blob_path(d.digest)))
            throw RegistryError("blob " + d.digest.str() + " of image " + root.digest.str() +
                                " is missing from the store");
    return out;
}

bool LocalStore::is_complete(const Descriptor& root) const {
    try {
        (void)image_blobs(root);
        return true;
    } catch (const RegistryError&) {
        return false;
    }
}

std::optional<Descriptor> LocalStore::resolve(const Reference& ref) const {
    if (ref.digest) {
        // A pinned reference is resolved by content only, never through its tag.
        std::error_code ec;
        fs::path path = blob_path(*ref.digest);
        if (!fs::is_regular_file(path, ec))
            return std::nullopt;
        Descriptor d;
        d.digest = *ref.digest;
        d.size = fs::file_size(path, ec);
        std::string bytes = read_blob(*ref.digest, kMaxManifestBytes);
        d.media_type = document_media_type(bytes);
        if (d.media_type.empty()) // mediaType is optional in documents: tell them apart by shape
            d.media_type = bytes.find("\"manifests\"") != std::string::npos
                               ? std::string(media::kImageIndex)
                               : std::string(media::kImageManifest);
        if (!is_complete(d))
            return std::nullopt;
        return d;
    }
    const std::string key = ref_name(ref);
    for (auto d : read_index_json().manifests) {
        auto it = d.annotations.find(std::string(kRefNameAnnotation));
        if (it == d.annotations.end() || it->second != key)
            continue;
        d.annotations.erase(it);
        return d;
    }
    return std::nullopt;
}

void LocalStore::set_reference(const Reference& ref, const Descriptor& descriptor) {
    set_references({{ref, descriptor}});
}

void LocalStore::set_references(const std::vector<std::pair<Reference, Descriptor>>& refs) {
    for (const auto& [ref, d] : refs) {
        if (ref.tag.empty())
            throw RegistryError("cannot name an image by digest only ('" + ref.str() +
                                "'): give a tag");
        if (!has_blob(d.digest))
            throw RegistryError("cannot tag " + ref_name(ref) + ": blob " + d.digest.str() +
                                " is not in the store");
    }
    {
        FileLock lock(root_ / ".lock", FileLock::Mode::Exclusive);
        Index index = read_index_json();
        for (const auto& [ref, d] : refs) {
            const std::string key = ref_name(ref);
            std::erase_if(index.manifests, [&](const Descriptor& e) {
                auto it = e.annotations.find(std::string(kRefNameAnnotation));
                return it != e.annotations.end() && it->second == key;
            });
            Descriptor entry = d;
            entry.platform.reset();
            entry.annotations[std::string(kRefNameAnnotation)] = key;
            index.manifests.push_back(std::move(entry));
        }
        // Sorted by name, so the file does not depend on the order images were added.
        std::stable_sort(index.manifests.begin(), index.manifests.end(),
                         [](const Descriptor& a, const Descriptor& b) {
                             auto name = [](const Descriptor& d) {
                                 auto it = d.annotations.find(std::string(kRefNameAnnotation));
                                 return it == d.annotations.end() ? std::string() : it->second;
                             };
                             return name(a) < name(b);
                         });
        write_index_json(index);
    }
    writer_lock_.reset(); // our blobs are reachable now
}

bool LocalStore::remove_reference(const Reference& ref) {
    FileLock lock(root_ / ".lock", FileLock::Mode::Exclusive);
    Index index = read_index_json();
    const std::string key = ref_name(ref);
    bool by_tag = !ref.tag.empty();
    auto before = index.manifests.size();
    std::erase_if(index.manifests, [&](const Descriptor& e) {
        auto it = e.annotations.find(std::string(kRefNameAnnotation));
        if (it == e.annotations.end())
            return false;
        if (by_tag && it->second != key)
            return false;
        if (ref.digest && e.digest != *ref.digest)
            return false;
        if (!by_tag) { // by digest: every tag of this repository pointing at it
            std::string name = ref.name() + ":";
            return it->second.starts_with(name);
        }
        return true;
    });
    if (index.manifests.size() == before)
        return false;
    write_index_json(index);
    return true;
}

std::vector<StoreEntry> LocalStore::list() const {
    std::vector<StoreEntry> out;
    for (const auto& d : read_index_json().manifests) {
        auto it = d.annotations.find(std::string(kRefNameAnnotation));
        if (it == d.annotations.end())
            continue;
        StoreEntry e;
        e.reference = it->second;
        e.descriptor = d;
        e.descriptor.annotations.erase(std::string(kRefNameAnnotation));
        try {
            for (const auto& b : image_blobs(d))
                e.total_size += b.size;
            std::string bytes = read_blob(d.digest, kMaxManifestBytes);
            std::map<std::string, std::string> anns;
            if (is_index_type(d.media_type)) {
                Index idx = parse_index(bytes);
                anns = idx.annotations;
                if (!anns.contains(std::string(kCreatedAnnotation)) && !idx.manifests.empty())
                    anns = idx.manifests.front().annotations;
            } else if (is_manifest_type(d.media_type)) {
                anns = parse_manifest(bytes).annotations;
            }
            if (auto c = anns.find(std::string(kCreatedAnnotation)); c != anns.end())
                e.created = c->second;
        } catch (const RegistryError&) {
            e.total_size = d.size; // incomplete image: list it anyway, `inspect` says what is wrong
        }
        out.push_back(std::move(e));
    }
    return out;
}

std::uint64_t LocalStore::collect_garbage() {
    writer_lock_.reset(); // our own shared lock would block the exclusive one below
    FileLock gc_lock(root_ / ".gc.lock", FileLock::Mode::Exclusive);
    FileLock lock(root_ / ".lock", FileLock::Mode::Exclusive);
    std::set<Digest> reachable;
    for (const auto& d : read_index_json().manifests) {
        reachable.insert(d.digest);
        try {
            for (const auto& b : image_blobs(d))
                reachable.insert(b.digest);
        } catch (const RegistryError&) {
            // An incomplete image keeps what it has: a later pull may complete it. Walk what is
            // there, best effort.
            try {
                std::string bytes = read_blob(d.digest, kMaxManifestBytes);
                if (is_index_type(d.media_type))
                    for (const auto& m : parse_index(bytes).manifests) {
                        reachable.insert(m.digest);
                        try {
                            Manifest mf = parse_manifest(read_blob(m.digest, kMaxManifestBytes));
                            reachable.insert(mf.config.digest);
                            for (const auto& l : mf.layers)
                                reachable.insert(l.digest);
                        } catch (const RegistryError&) {
                        }
                    }
            } catch (const RegistryError&) {
            }
        }
    }
    std::uint64_t freed = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root_ / "blobs" / "sha256", ec)) {
        auto digest = digest_from_blob_name(entry.path().filename().string());
        if (!digest || reachable.contains(*digest))
            continue;
        std::error_code e2;
        auto size = entry.file_size(e2);
        if (fs::remove(entry.path(), e2))
            freed += e2 ? 0 : size;
    }
    // No writer holds the shared lock, so every temp file is left over from a crash or Ctrl-C.
    for (const auto& entry : fs::directory_iterator(root_ / ".tmp", ec)) {
        std::error_code e2;
        fs::remove_all(entry.path(), e2);
    }
    fsync_directory(root_ / "blobs" / "sha256");
    return freed;
}

std::optional<StoredGadget> LocalStore::load_gadget(const Reference& ref,
                                                    const std::string& architecture) const {
    auto root = resolve(ref);
    if (!root)
        return std::nullopt;
    StoredGadget g;
    g.index_digest = root->digest;
    const std::string what = "image " + ref.str();
    Descriptor manifest_desc = *root;
    if (is_index_type(root->media_type)) {
        Index idx = parse_index(read_blob(root->digest, kMaxManifestBytes));
        auto it = std::find_if(idx.manifests.begin(), idx.manifests.end(), [&](const auto& m) {
            return m.platform && m.platform->architecture == architecture;
        });
        if (it == idx.manifests.end()) {
            std::string have;
            for (const auto& m : idx.manifests)
                if (m.platform)
                    have += (have.empty() ? "" : ", ") + m.platform->architecture;
            throw RegistryError(what + " has no manifest for architecture " + architecture +
                                " (it has: " + (have.empty() ? "none" : have) + ")");
        }
        manifest_desc = *it;
    } else if (!is_manifest_type(root->media_type)) {
        throw RegistryError(what + " is neither an image index nor a manifest (" +
                            root->media_type + ")");
    }
    g.manifest_digest = manifest_desc.digest;
    Manifest m;
    try {
        m = parse_manifest(read_blob(manifest_desc.digest, kMaxManifestBytes));
    } catch (const RegistryError& e) {
        throw RegistryError(what + ": " + e.what());
    }
    // Older Inspektor Gadget images carry no gadget.yaml: their config is the empty descriptor.
    if (m.config.media_type == media::kGadgetConfig) {
        g.metadata_yaml = read_blob(m.config.digest, kMaxManifestBytes);
        if (g.metadata_yaml.size() != m.config.size)
            throw RegistryError(what + ": gadget.yaml blob size does not match its descriptor");
    } else if (m.config.media_type != "application/vnd.oci.empty.v1+json") {
        throw RegistryError(what + ": config has media type " + m.config.media_type +
                            ", not a gadget's " + std::string(media::kGadgetConfig));
    }
    const Descriptor* program = nullptr;
    for (const auto& l : m.layers)
        if (l.media_type == media::kGadgetProgram) {
            if (program)
                throw RegistryError(what + ": more than one eBPF program layer");
            program = &l;
        }
    if (!program)
        throw RegistryError(what + ": no layer of type " + std::string(media::kGadgetProgram));
    if (program->size == 0)
        throw RegistryError(what + ": the eBPF program layer is empty");
    std::string obj = read_blob(program->digest, kMaxBlobBytes);
    if (obj.size() != program->size)
        throw RegistryError(what + ": eBPF program blob size does not match its descriptor");
    g.bpf_object.assign(obj.begin(), obj.end());
    return g;
}

} // namespace ig::registry
