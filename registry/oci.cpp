// SPDX-License-Identifier: Apache-2.0
// Manifests and indexes come from registries, tarballs and store files we did not write, so the
// parser is strict: a size cap, a nesting cap, duplicate keys refused (JSON parsers disagree on
// which one wins, which lets two tools see two different documents), exact types for every field.
#include "registry/oci.h"

#include "registry/error.h"
#include "registry/strict_json.h"

#include <nlohmann/json.hpp>
#include <set>

namespace ig::registry {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxLayers = 1000;
constexpr std::size_t kMaxManifests = 20000;
constexpr std::size_t kMaxAnnotations = 1000;

json parse_strict(std::string_view text, const std::string& what) {
    return parse_strict_json(text, what, {kMaxManifestBytes, kMaxDepth});
}

const json* field(const json& obj, const char* key) {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

std::string get_string(const json& obj, const char* key, const std::string& what, bool required) {
    const json* v = field(obj, key);
    if (!v) {
        if (required)
            throw RegistryError(what + ": missing '" + key + "'");
        return {};
    }
    if (!v->is_string())
        throw RegistryError(what + ": '" + key + "' is not a string");
    return v->get<std::string>();
}

void check_schema_version(const json& obj, const std::string& what) {
    const json* v = field(obj, "schemaVersion");
    if (!v)
        throw RegistryError(what + ": missing 'schemaVersion'");
    if (!v->is_number_unsigned() || v->get<std::uint64_t>() != 2)
        throw RegistryError(what + ": 'schemaVersion' must be 2");
}

std::map<std::string, std::string> get_annotations(const json& obj, const std::string& what) {
    std::map<std::string, std::string> out;
    const json* v = field(obj, "annotations");
    if (!v || v->is_null())
        return out;
    if (!v->is_object())
        throw RegistryError(what + ": 'annotations' is not an object");
    if (v->size() > kMaxAnnotations)
        throw RegistryError(what + ": more than " + std::to_string(kMaxAnnotations) +
                            " annotations");
    for (const auto& [k, val] : v->items()) {
        if (!val.is_string())
            throw RegistryError(what + ": annotation '" + k + "' is not a string");
        out.emplace(k, val.get<std::string>());
    }
    return out;
}

Descriptor parse_descriptor(const json& j, const std::string& what) {
    if (!j.is_object())
        throw RegistryError(what + ": not a JSON object");
    Descriptor d;
    d.media_type = get_string(j, "mediaType", what, true);
    if (d.media_type.empty())
        throw RegistryError(what + ": empty 'mediaType'");
    try {
        d.digest = Digest::parse(get_string(j, "digest", what, true));
    } catch (const RegistryError& e) {
        throw RegistryError(what + ": " + e.what());
    }
    const json* size = field(j, "size");
    if (!size)
        throw RegistryError(what + ": missing 'size'");
    if (!size->is_number_unsigned())
        throw RegistryError(what + ": 'size' must be a non-negative integer");
    d.size = size->get<std::uint64_t>();
    if (d.size > static_cast<std::uint64_t>(INT64_MAX))
        throw RegistryError(what + ": 'size' is out of range");
    d.artifact_type = get_string(j, "artifactType", what, false);
    if (const json* p = field(j, "platform"); p && !p->is_null()) {
        if (!p->is_object())
            throw RegistryError(what + ": 'platform' is not an object");
        Platform platform;
        platform.architecture = get_string(*p, "architecture", what + ": platform", true);
        platform.os = get_string(*p, "os", what + ": platform", true);
        platform.variant = get_string(*p, "variant", what + ": platform", false);
        d.platform = platform;
    }
    d.annotations = get_annotations(j, what);
    return d;
}

json to_json(const Descriptor& d) {
    json j = json::object();
    j["mediaType"] = d.media_type;
    j["digest"] = d.digest.str();
    j["size"] = d.size;
    if (!d.artifact_type.empty())
        j["artifactType"] = d.artifact_type;
    if (d.platform) {
        json p = json::object();
        p["architecture"] = d.platform->architecture;
        p["os"] = d.platform->os;
        if (!d.platform->variant.empty())
            p["variant"] = d.platform->variant;
        j["platform"] = p;
    }
    if (!d.annotations.empty())
        j["annotations"] = d.annotations;
    return j;
}

std::string dump(const json& j, const std::string& what) {
    try {
        return j.dump(); // std::map-backed objects: keys sorted, no whitespace
    } catch (const json::exception& e) {
        throw RegistryError("cannot serialise " + what + ": " + e.what());
    }
}

} // namespace

Manifest parse_manifest(std::string_view text) {
    const std::string what = "manifest";
    json j = parse_strict(text, what);
    check_schema_version(j, what);
    Manifest m;
    std::string mt = get_string(j, "mediaType", what, false);
    if (!mt.empty()) {
        if (mt == media::kImageIndex || mt == media::kDockerManifestList)
            throw RegistryError(what + ": is an image index (" + mt + "), not a manifest");
        if (mt != media::kImageManifest && mt != media::kDockerManifest)
            throw RegistryError(what + ": unsupported mediaType '" + mt + "'");
        m.media_type = mt;
    }
    m.artifact_type = get_string(j, "artifactType", what, false);
    const json* config = field(j, "config");
    if (!config)
        throw RegistryError(what + ": missing 'config'");
    m.config = parse_descriptor(*config, what + ": config");
    const json* layers = field(j, "layers");
    if (!layers)
        throw RegistryError(what + ": missing 'layers'");
    if (!layers->is_array())
        throw RegistryError(what + ": 'layers' is not an array");
    if (layers->size() > kMaxLayers)
        throw RegistryError(what + ": more than " + std::to_string(kMaxLayers) + " layers");
    for (std::size_t i = 0; i < layers->size(); ++i)
        m.layers.push_back(parse_descriptor((*layers)[i], what + ": layer " + std::to_string(i)));
    m.annotations = get_annotations(j, what);
    return m;
}

Index parse_index(std::string_view text) {
    const std::string what = "index";
    json j = parse_strict(text, what);
    check_schema_version(j, what);
    Index idx;
    // An OCI layout's index.json may omit mediaType (skopeo writes it without).
    std::string mt = get_string(j, "mediaType", what, false);
    if (!mt.empty()) {
        if (mt == media::kImageManifest || mt == media::kDockerManifest)
            throw RegistryError(what + ": is an image manifest (" + mt + "), not an index");
        if (mt != media::kImageIndex && mt != media::kDockerManifestList)
            throw RegistryError(what + ": unsupported mediaType '" + mt + "'");
        idx.media_type = mt;
    }
    const json* manifests = field(j, "manifests");
    if (!manifests)
        throw RegistryError(what + ": missing 'manifests'");
    if (!manifests->is_array())
        throw RegistryError(what + ": 'manifests' is not an array");
    if (manifests->size() > kMaxManifests)
        throw RegistryError(what + ": more than " + std::to_string(kMaxManifests) + " manifests");
    for (std::size_t i = 0; i < manifests->size(); ++i)
        idx.manifests.push_back(
            parse_descriptor((*manifests)[i], what + ": manifest " + std::to_string(i)));
    idx.annotations = get_annotations(j, what);
    return idx;
}

std::string document_media_type(std::string_view text) {
    json j = parse_strict(text, "document");
    return get_string(j, "mediaType", "document", false);
}

std::string serialize(const Manifest& manifest) {
    json j = json::object();
    j["schemaVersion"] = 2;
    j["mediaType"] = manifest.media_type;
    if (!manifest.artifact_type.empty())
        j["artifactType"] = manifest.artifact_type;
    j["config"] = to_json(manifest.config);
    j["layers"] = json::array();
    for (const auto& l : manifest.layers)
        j["layers"].push_back(to_json(l));
    if (!manifest.annotations.empty())
        j["annotations"] = manifest.annotations;
    return dump(j, "manifest");
}

std::string serialize(const Index& index) {
    json j = json::object();
    j["schemaVersion"] = 2;
    j["mediaType"] = index.media_type;
    j["manifests"] = json::array();
    for (const auto& m : index.manifests)
        j["manifests"].push_back(to_json(m));
    if (!index.annotations.empty())
        j["annotations"] = index.annotations;
    return dump(j, "index");
}

} // namespace ig::registry
