// SPDX-License-Identifier: Apache-2.0
#include "tools/ig/gadget_source.h"

#include "registry/local_store.h"
#include "registry/reference.h"
#include "runtime/error.h"
#include "tools/ig/config_file.h"
#include "tools/ig/image_trust.h"
#include "tools/ig/registry_access.h"

#include <cstdio>
#include <filesystem>
#include <memory>

namespace ig::cli {

GadgetPackage obtain_gadget(const std::string& image, const SourceOptions& options) {
    if (options.pull != "always" && options.pull != "missing" && options.pull != "never")
        throw Error("invalid value '" + options.pull +
                    "' for --pull: expected always, missing or never");
    ImageTrust trust(options.trust, load_host_config(default_config_path()));
    // A path (contains '/' and exists, or starts with '.' or '/') is a gadget directory.
    std::error_code ec;
    if (std::filesystem::is_directory(image, ec) &&
        (image.find('/') != std::string::npos || image.starts_with("."))) {
        trust.check_directory_allowed(image);
        return load_package_from_dir(image);
    }
    auto ref = registry::Reference::parse(image);
    registry::LocalStore store(registry::LocalStore::default_path());
    trust.check_allowed_before_pull(ref);
    // "missing" is keyed by what the reference names: a pinned digest present and complete in
    // the store is never fetched again, a tag is fetched only if the store has no such tag.
    const bool local = store.resolve(ref).has_value();
    bool pull = options.pull == "always" || (options.pull == "missing" && !local);
    if (pull && !trust.pulling_allowed()) {
        if (!local)
            trust.refuse_pull(ref);
        pull = false; // --pull=always on a host that forbids pulling: the local copy
    }
    RemoteFlags flags;
    flags.insecure_registries =
        trust.insecure_registries(split_registry_list(options.insecure_registries));
    flags.ca_file = options.ca_file;
    flags.timeout_seconds = options.pull_timeout_seconds;
    flags.authfile = options.authfile;
    // A client only where registry access is allowed: for the pull, or for a signature made
    // after the image was pulled (only asked for when the store has none).
    std::unique_ptr<registry::remote::RegistryClient> client;
    if (trust.pulling_allowed() && options.pull != "never")
        client = make_client(ref.registry, flags);
    if (pull) {
        auto pulled = pull_reference(ref, store, flags);
        auto sig = fetch_signature(*client, ref, pulled.descriptor.digest, store);
        if (!sig.problem.empty())
            std::fprintf(stderr, "WARNING: %s\n", sig.problem.c_str());
    }
    if (!store.resolve(ref))
        throw Error("image " + ref.str() + " is not in the local store " + store.root().string() +
                    (options.pull == "never" ? " and --pull=never forbids pulling it"
                                             : " (pull it with `ig image pull`)"));
    trust.admit(store, ref, image, client.get());
    auto gadget = store.load_gadget(ref, host_architecture());
    if (!gadget)
        throw Error("image " + ref.str() + " is not in the local store " + store.root().string());
    return make_package(ref.str(), std::move(gadget->metadata_yaml), std::move(gadget->bpf_object));
}

} // namespace ig::cli
