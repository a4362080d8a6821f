// SPDX-License-Identifier: Apache-2.0
#include "tools/ig/gadget_source.h"

#include "runtime/error.h"

#include <filesystem>

#ifdef IG_HAVE_REGISTRY
#include "registry/local_store.h"
#include "registry/reference.h"
#include "tools/ig/registry_access.h"
#endif

namespace ig::cli {

GadgetPackage obtain_gadget(const std::string& image, const SourceOptions& options) {
    if (options.pull != "always" && options.pull != "missing" && options.pull != "never")
        throw Error("invalid value '" + options.pull +
                    "' for --pull: expected always, missing or never");
    // A path (contains '/' and exists, or starts with '.' or '/') is a gadget directory.
    std::error_code ec;
    if (std::filesystem::is_directory(image, ec) &&
        (image.find('/') != std::string::npos || image.starts_with(".")))
        return load_package_from_dir(image);
#ifdef IG_HAVE_REGISTRY
    auto ref = registry::Reference::parse(image);
    registry::LocalStore store(registry::LocalStore::default_path());
    // "missing" is keyed by what the reference names: a pinned digest present and complete in
    // the store is never fetched again, a tag is fetched only if the store has no such tag.
    bool pull =
        options.pull == "always" || (options.pull == "missing" && !store.resolve(ref).has_value());
    if (pull) {
        RemoteFlags flags;
        flags.insecure_registries = split_registry_list(options.insecure_registries);
        flags.ca_file = options.ca_file;
        flags.timeout_seconds = options.pull_timeout_seconds;
        flags.authfile = options.authfile;
        pull_reference(ref, store, flags);
    }
    auto gadget = store.load_gadget(ref, host_architecture());
    if (!gadget)
        throw Error("image " + ref.str() + " is not in the local store " + store.root().string() +
                    (options.pull == "never" ? " and --pull=never forbids pulling it"
                                             : " (pull it with `ig image pull`)"));
    return make_package(ref.str(), std::move(gadget->metadata_yaml), std::move(gadget->bpf_object));
#else
    throw Error("'" + image + "' is not a gadget directory");
#endif
}

} // namespace ig::cli
