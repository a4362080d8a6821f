// SPDX-License-Identifier: Apache-2.0
#include "tools/ig/image_trust.h"

#include "registry/error.h"
#include "registry/policy.h"
#include "registry/remote/pull.h"
#include "registry/signature/image_signatures.h"
#include "tools/ig/comma_list.h"

#include <cstdio>
#include <filesystem>

namespace ig::cli {

using registry::RegistryError;
namespace signature = registry::signature;

void add_trust_flags(cxxopts::Options& opts) {
    opts.add_options("Trust")(
        "verify-image",
        "Verify the image's cosign signature with --public-keys (default: on for references "
        "with a registry host; --verify-image=false skips it)",
        cxxopts::value<bool>()->implicit_value("true"))(
        "public-keys", "PEM public keys (comma-separated files) a signature must verify with",
        cxxopts::value<std::vector<std::string>>())(
        "allowed-gadgets",
        "Only these images (comma-separated: registry/repo:tag, …@sha256:…, sha256:…, prefix*)",
        cxxopts::value<std::vector<std::string>>())(
        "disallow-pulling", "Never contact a registry: only images already in the local store",
        cxxopts::value<bool>()->implicit_value("true")->default_value("false"));
}

TrustFlags read_trust_flags(const cxxopts::ParseResult& parsed) {
    TrustFlags f;
    if (parsed.count("verify-image"))
        f.verify_image = parsed["verify-image"].as<bool>();
    if (parsed.count("public-keys"))
        f.public_keys = split_commas(parsed["public-keys"].as<std::vector<std::string>>());
    if (parsed.count("allowed-gadgets"))
        f.allowed_gadgets = split_commas(parsed["allowed-gadgets"].as<std::vector<std::string>>());
    f.disallow_pulling = parsed["disallow-pulling"].as<bool>();
    return f;
}

bool names_registry_host(const std::string& typed) {
    auto slash = typed.find('/');
    if (slash == std::string::npos)
        return false;
    std::string first = typed.substr(0, slash);
    return first.find('.') != std::string::npos || first.find(':') != std::string::npos ||
           first == "localhost";
}

ImageTrust::ImageTrust(TrustFlags flags, HostConfig config)
    : flags_(std::move(flags)), config_(std::move(config)) {
    flags_.public_keys = split_commas(flags_.public_keys);
    flags_.allowed_gadgets = split_commas(flags_.allowed_gadgets);
    if (config_.disallow_pulling) {
        disallow_pulling_ = true;
        disallow_source_ = "operator.oci.disallow-pulling in " + config_.source.string();
    } else if (flags_.disallow_pulling) {
        disallow_pulling_ = true;
        disallow_source_ = "--disallow-pulling";
    }
    // Invalid allowlist entries are reported now, before anything is pulled.
    registry::GadgetAllowlist config_list(config_.allowed_gadgets);
    registry::GadgetAllowlist flag_list(flags_.allowed_gadgets);
}

void ImageTrust::refuse_pull(const registry::Reference& ref) const {
    throw RegistryError("pulling is disallowed (" + disallow_source_ + "): image " + ref.str() +
                        " is not in the local store");
}

std::vector<std::string>
ImageTrust::insecure_registries(std::vector<std::string> from_flags) const {
    for (const auto& r : config_.insecure_registries)
        from_flags.push_back(r);
    return from_flags;
}

void ImageTrust::check_directory_allowed(const std::string& dir) const {
    if (!config_.allowed_gadgets.empty())
        throw RegistryError("gadget directory " + dir +
                            " cannot be run: the host allows only listed images "
                            "(operator.oci.allowed-gadgets in " +
                            config_.source.string() + ")");
    if (!flags_.allowed_gadgets.empty())
        throw RegistryError("gadget directory " + dir +
                            " cannot be run with --allowed-gadgets: it has no image name or "
                            "digest to check");
}

void ImageTrust::check_allowed(const registry::Reference& ref,
                               const registry::Digest& digest) const {
    // Both lists must allow the image: the command line can narrow the host's list, not widen it.
    registry::GadgetAllowlist config_list(config_.allowed_gadgets);
    if (!config_list.empty()) {
        try {
            config_list.check(ref, digest);
        } catch (const RegistryError& e) {
            throw RegistryError(std::string(e.what()) + " (operator.oci.allowed-gadgets in " +
                                config_.source.string() + ")");
        }
    }
    registry::GadgetAllowlist flag_list(flags_.allowed_gadgets);
    if (!flag_list.empty())
        flag_list.check(ref, digest);
}

void ImageTrust::check_allowed_before_pull(const registry::Reference& ref) const {
    if (ref.pinned())
        check_allowed(ref, *ref.digest);
}

bool ImageTrust::verification_wanted(const std::string& typed) const {
    if (flags_.verify_image)
        return *flags_.verify_image;
    if (config_.verify_image)
        return *config_.verify_image;
    return names_registry_host(typed);
}

std::vector<signature::PublicKey> ImageTrust::load_keys() const {
    std::vector<signature::PublicKey> keys;
    for (const auto& path : config_.public_keys)
        keys.push_back(signature::PublicKey::load(path));
    for (const auto& path : flags_.public_keys)
        keys.push_back(signature::PublicKey::load(path));
    return keys;
}

void ImageTrust::admit(registry::LocalStore& store, const registry::Reference& ref,
                       const std::string& typed,
                       registry::remote::RegistryClient* fetch_client) const {
    auto desc = store.resolve(ref);
    if (!desc)
        throw RegistryError("image " + ref.str() + " is not in the local store");
    check_allowed(ref, desc->digest);
    if (!verification_wanted(typed)) {
        bool explicitly_off = flags_.verify_image.has_value() || config_.verify_image.has_value();
        if (explicitly_off)
            std::fprintf(stderr, "WARNING: signature verification of %s@%s is disabled (%s)\n",
                         ref.name().c_str(), desc->digest.str().c_str(),
                         flags_.verify_image
                             ? "--verify-image=false"
                             : ("operator.oci.verify-image in " + config_.source.string()).c_str());
        return;
    }
    auto keys = load_keys();
    // Offline first: the store's signature. Only if it has none, and pulling is allowed, ask the
    // registry (signatures made after the image was pulled).
    if (fetch_client && pulling_allowed() &&
        !store.resolve(signature::signature_reference(ref, desc->digest))) {
        auto fetched = fetch_signature(*fetch_client, ref, desc->digest, store);
        if (!fetched.problem.empty())
            std::fprintf(stderr, "WARNING: %s\n", fetched.problem.c_str());
    }
    signature::verify_image(store, ref, desc->digest, keys);
}

SignatureFetch fetch_signature(registry::remote::RegistryClient& client,
                               const registry::Reference& ref, const registry::Digest& digest,
                               registry::LocalStore& store) {
    SignatureFetch result;
    auto sig_ref = signature::signature_reference(ref, digest);
    try {
        if (!client.head_manifest(sig_ref.repository, sig_ref.tag))
            return result;
        registry::remote::pull_image(client, sig_ref, store);
        result.found = true;
    } catch (const std::exception& e) {
        result.problem =
            "fetching the signature " + registry::LocalStore::ref_name(sig_ref) + ": " + e.what();
    }
    return result;
}

} // namespace ig::cli
