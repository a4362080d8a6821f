// SPDX-License-Identifier: Apache-2.0
#include "tools/ig/gadget_source.h"

#include "runtime/error.h"

#include <filesystem>

#ifdef IG_HAVE_REGISTRY
#include "registry/local_store.h"
#include "registry/reference.h"
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
    auto gadget = store.load_gadget(ref, host_architecture());
    if (!gadget)
        throw Error("image " + ref.str() + " is not in the local store " +
                    registry::LocalStore::default_path().string() +
                    " (pull it with `ig image pull`)");
    return make_package(ref.str(), std::move(gadget->metadata_yaml), std::move(gadget->bpf_object));
#else
    throw Error("'" + image + "' is not a gadget directory");
#endif
}

} // namespace ig::cli
