// SPDX-License-Identifier: Apache-2.0
#include "tools/ig/image_local_commands.h"

#include "registry/error.h"
#include "registry/local_store.h"
#include "registry/oci_archive.h"
#include "registry/signature/image_signatures.h"
#include "runtime/error.h"
#include "runtime/gadget/package.h"
#include "tools/ig/image_args.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

namespace ig::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using registry::Descriptor;
using registry::LocalStore;
using registry::Reference;

constexpr std::string_view kShortPrefix = "ghcr.io/inspektor-gadget/gadget/";

// Annotations and metadata come from images we did not build: never let them drive the
// terminal (escape sequences) when printing as text.
std::string sanitize(std::string_view s) {
    std::string out;
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 && c != '\n' && c != '\t') || u == 0x7f ? '?' : c;
    }
    return out;
}

std::string human_size(std::uint64_t bytes) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1000 && u < 4) {
        v /= 1000;
        ++u;
    }
    char buf[32];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%lluB", static_cast<unsigned long long>(bytes));
    else
        std::snprintf(buf, sizeof buf, "%.3g%s", v, units[u]);
    return buf;
}

// "registry/repository:tag" -> {"registry/repository", "tag"}.
std::pair<std::string, std::string> split_reference(const std::string& ref) {
    auto slash = ref.rfind('/');
    auto colon = ref.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash))
        return {ref.substr(0, colon), ref.substr(colon + 1)};
    return {ref, ""};
}

std::string output_mode(const ImageArgs& a, const std::string& fallback,
                        std::initializer_list<const char*> allowed) {
    std::string mode = a.get("output", fallback);
    for (const char* m : allowed)
        if (mode == m)
            return mode;
    std::string list;
    for (const char* m : allowed)
        list += (list.empty() ? "" : ", ") + std::string(m);
    throw Error("invalid value '" + mode + "' for --output: expected " + list);
}

void print_json(const json& j, bool pretty) {
    std::cout << (pretty ? j.dump(2) : j.dump()) << "\n";
}

json descriptor_json(const Descriptor& d) {
    json j = json::object();
    j["mediaType"] = d.media_type;
    j["digest"] = d.digest.str();
    j["size"] = d.size;
    if (!d.artifact_type.empty())
        j["artifactType"] = d.artifact_type;
    if (d.platform)
        j["platform"] = {{"os", d.platform->os}, {"architecture", d.platform->architecture}};
    if (!d.annotations.empty())
        j["annotations"] = d.annotations;
    return j;
}

Reference parse_ref(const std::string& text) {
    return Reference::parse(text);
}

LocalStore open_store() {
    return LocalStore(LocalStore::default_path());
}

bool has_help(const ImageArgs& a, const char* usage) {
    if (!a.has("help"))
        return false;
    std::fputs(usage, stdout);
    return true;
}

} // namespace

int image_list(const std::vector<std::string>& args) {
    auto a = parse_image_args(
        "list", args,
        {{"output", 'o', true}, {"no-trunc", 0, false}, {"all", 'a', false}, {"help", 'h', false}});
    if (has_help(a, "Usage: ig image list [-o columns|json|jsonpretty] [--no-trunc] [--all]\n"
                    "  --all also lists signature artifacts (sha256-<digest>.sig tags)\n"))
        return 0;
    if (!a.positional.empty())
        throw Error("ig image list takes no arguments");
    std::string mode = output_mode(a, "columns", {"columns", "json", "jsonpretty"});
    LocalStore store = open_store();
    auto entries = store.list();
    if (!a.has("all"))
        std::erase_if(entries, [](const registry::StoreEntry& e) {
            return registry::signature::is_signature_tag(split_reference(e.reference).second);
        });
    if (mode != "columns") {
        json out = json::array();
        for (const auto& e : entries) {
            auto [repo, tag] = split_reference(e.reference);
            out.push_back({{"reference", e.reference},
                           {"repository", repo},
                           {"tag", tag},
                           {"digest", e.descriptor.digest.str()},
                           {"mediaType", e.descriptor.media_type},
                           {"created", e.created},
                           {"size", e.total_size}});
        }
        print_json(out, mode == "jsonpretty");
        return 0;
    }
    bool no_trunc = a.has("no-trunc");
    std::printf("%-50s %-16s %-14s %-22s %s\n", "REPOSITORY", "TAG", "DIGEST", "CREATED", "SIZE");
    for (const auto& e : entries) {
        auto [repo, tag] = split_reference(e.reference);
        if (!no_trunc && repo.starts_with(kShortPrefix))
            repo = repo.substr(kShortPrefix.size());
        std::string digest(e.descriptor.digest.hex());
        if (!no_trunc)
            digest = digest.substr(0, 12);
        std::printf("%-50s %-16s %-14s %-22s %s\n", sanitize(repo).c_str(), sanitize(tag).c_str(),
                    digest.c_str(), sanitize(e.created).c_str(), human_size(e.total_size).c_str());
    }
    return 0;
}

int image_tag(const std::vector<std::string>& args) {
    auto a = parse_image_args("tag", args, {{"help", 'h', false}});
    if (has_help(a, "Usage: ig image tag SRC DST\n"))
        return 0;
    if (a.positional.size() != 2)
        throw Error("ig image tag needs SRC and DST");
    Reference src = parse_ref(a.positional[0]);
    Reference dst = parse_ref(a.positional[1]);
    if (dst.pinned())
        throw Error("cannot tag as '" + a.positional[1] + "': the new name must not have a digest");
    LocalStore store = open_store();
    auto d = store.resolve(src);
    if (!d)
        throw Error("image " + src.str() + " is not in the local store " + store.root().string());
    store.set_reference(dst, *d);
    std::cout << "Tagged " << src.str() << " as " << LocalStore::ref_name(dst) << "\n";
    return 0;
}

int image_remove(const std::vector<std::string>& args) {
    auto a = parse_image_args("remove", args, {{"help", 'h', false}});
    if (has_help(a, "Usage: ig image remove REF...\n"
                    "  Removes the names, then deletes blobs no other image uses.\n"))
        return 0;
    if (a.positional.empty())
        throw Error("ig image remove needs at least one image reference");
    std::vector<Reference> refs;
    for (const auto& p : a.positional)
        refs.push_back(parse_ref(p));
    LocalStore store = open_store();
    // Every name must exist before anything is removed: a typo leaves the store untouched.
    auto entries = store.list();
    for (const auto& r : refs) {
        bool found = false;
        for (const auto& e : entries) {
            if (!r.tag.empty())
                found |= e.reference == LocalStore::ref_name(r) &&
                         (!r.digest || e.descriptor.digest == *r.digest);
            else
                found |=
                    e.reference.starts_with(r.name() + ":") && e.descriptor.digest == *r.digest;
        }
        if (!found)
            throw Error("image " + r.str() + " is not in the local store " + store.root().string());
    }
    for (const auto& r : refs)
        if (store.remove_reference(r))
            std::cout << "Removed " << r.str() << "\n";
    std::uint64_t freed = store.collect_garbage();
    std::fprintf(stderr, "Freed %s of unused blobs\n", human_size(freed).c_str());
    return 0;
}

int image_inspect(const std::vector<std::string>& args) {
    auto a = parse_image_args("inspect", args, {{"output", 'o', true}, {"help", 'h', false}});
    if (has_help(a, "Usage: ig image inspect REF [-o text|json|jsonpretty]\n"))
        return 0;
    if (a.positional.size() != 1)
        throw Error("ig image inspect needs exactly one image reference");
    std::string mode = output_mode(a, "text", {"text", "json", "jsonpretty"});
    Reference ref = parse_ref(a.positional[0]);
    LocalStore store = open_store();
    auto root = store.resolve(ref);
    if (!root)
        throw Error("image " + ref.str() + " is not in the local store " + store.root().string());

    json out = json::object();
    out["reference"] = ref.str();
    out["digest"] = root->digest.str();
    out["mediaType"] = root->media_type;
    out["size"] = root->size;
    std::string root_bytes = store.read_blob(root->digest, registry::kMaxManifestBytes);
    std::vector<Descriptor> manifest_descs;
    if (root->media_type == registry::media::kImageIndex ||
        root->media_type == registry::media::kDockerManifestList) {
        auto index = registry::parse_index(root_bytes);
        out["index"] = json::parse(root_bytes);
        out["annotations"] = index.annotations;
        manifest_descs = index.manifests;
    } else {
        manifest_descs.push_back(*root);
    }
    out["manifests"] = json::array();
    for (const auto& md : manifest_descs) {
        json m = json::object();
        m["descriptor"] = descriptor_json(md);
        std::string bytes = store.read_blob(md.digest, registry::kMaxManifestBytes);
        auto manifest = registry::parse_manifest(bytes);
        m["manifest"] = json::parse(bytes);
        m["config"] = descriptor_json(manifest.config);
        m["layers"] = json::array();
        for (const auto& l : manifest.layers)
            m["layers"].push_back(descriptor_json(l));
        if (manifest.config.media_type == registry::media::kGadgetConfig)
            m["metadata"] = store.read_blob(manifest.config.digest, registry::kMaxManifestBytes);
        if (!out.contains("annotations") || out["annotations"].empty())
            out["annotations"] = manifest.annotations;
        out["manifests"].push_back(m);
    }
    if (mode != "text") {
        print_json(out, mode == "jsonpretty");
        return 0;
    }
    std::cout << "Reference:  " << sanitize(ref.str()) << "\n"
              << "Digest:     " << root->digest.str() << "\n"
              << "Media type: " << sanitize(root->media_type) << "\n"
              << "Size:       " << root->size << " bytes\n";
    if (!out["annotations"].empty()) {
        std::cout << "Annotations:\n";
        for (const auto& [k, v] : out["annotations"].items())
            std::cout << "  " << sanitize(k) << ": " << sanitize(v.get<std::string>()) << "\n";
    }
    for (const auto& m : out["manifests"]) {
        const auto& d = m["descriptor"];
        std::string platform = d.contains("platform")
                                   ? d["platform"]["os"].get<std::string>() + "/" +
                                         d["platform"]["architecture"].get<std::string>()
                                   : "(no platform)";
        std::cout << "Platform " << sanitize(platform) << "\n"
                  << "  Manifest: " << d["digest"].get<std::string>() << " ("
                  << d["size"].get<std::uint64_t>() << " bytes)\n"
                  << "  Config:   " << sanitize(m["config"]["mediaType"].get<std::string>()) << " "
                  << m["config"]["digest"].get<std::string>() << " ("
                  << m["config"]["size"].get<std::uint64_t>() << " bytes)\n";
        for (const auto& l : m["layers"]) {
            std::string title;
            if (l.contains("annotations") &&
                l["annotations"].contains("org.opencontainers.image.title"))
                title = " " + l["annotations"]["org.opencontainers.image.title"].get<std::string>();
            std::cout << "  Layer:    " << sanitize(l["mediaType"].get<std::string>()) << " "
                      << l["digest"].get<std::string>() << " (" << l["size"].get<std::uint64_t>()
                      << " bytes)" << sanitize(title) << "\n";
        }
    }
    if (!out["manifests"].empty() && out["manifests"][0].contains("metadata")) {
        std::cout << "Metadata (gadget.yaml):\n";
        std::string md = out["manifests"][0]["metadata"].get<std::string>();
        std::size_t start = 0;
        while (start < md.size()) {
            auto nl = md.find('\n', start);
            std::cout << "  " << sanitize(md.substr(start, nl - start)) << "\n";
            if (nl == std::string::npos)
                break;
            start = nl + 1;
        }
    }
    return 0;
}

int image_export(const std::vector<std::string>& args) {
    auto a = parse_image_args("export", args, {{"help", 'h', false}});
    if (has_help(a, "Usage: ig image export REF... FILE.tar\n"
                    "  Writes the images to an OCI-layout tarball (skopeo: oci-archive:FILE).\n"))
        return 0;
    if (a.positional.size() < 2)
        throw Error("ig image export needs at least one image reference and an output file");
    fs::path output = a.positional.back();
    std::vector<Reference> refs;
    for (std::size_t i = 0; i + 1 < a.positional.size(); ++i)
        refs.push_back(parse_ref(a.positional[i]));
    LocalStore store = open_store();
    // Signatures travel with their images, so an air-gapped host can verify what it imports.
    const std::size_t images = refs.size();
    for (std::size_t i = 0; i < images; ++i) {
        auto descriptor = store.resolve(refs[i]);
        if (!descriptor)
            continue; // export_images names the missing reference
        auto sig = registry::signature::signature_reference(refs[i], descriptor->digest);
        bool listed =
            std::ranges::any_of(refs, [&](const Reference& r) { return r.str() == sig.str(); });
        if (!listed && store.resolve(sig))
            refs.push_back(sig);
    }
    registry::export_images(store, refs, output);
    std::cout << "Exported " << images << (images == 1 ? " image" : " images");
    if (refs.size() > images)
        std::cout << " and " << refs.size() - images
                  << (refs.size() - images == 1 ? " signature" : " signatures");
    std::cout << " to " << output.string() << "\n";
    return 0;
}

int image_import(const std::vector<std::string>& args) {
    auto a = parse_image_args("import", args, {{"help", 'h', false}});
    if (has_help(a, "Usage: ig image import FILE.tar\n"))
        return 0;
    if (a.positional.size() != 1)
        throw Error("ig image import needs exactly one tarball");
    LocalStore store = open_store();
    for (const auto& img : registry::import_images(store, a.positional.front()))
        std::cout << "Imported " << sanitize(img.reference) << "@" << img.descriptor.digest.str()
                  << "\n";
    return 0;
}

} // namespace ig::cli
