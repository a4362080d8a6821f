// SPDX-License-Identifier: Apache-2.0
// Where `ig run` gets a gadget from: a directory holding gadget.yaml and the object, or an image
// reference resolved in the local OCI store, pulled from its registry first when the pull policy
// asks for it.
#pragma once

#include "runtime/gadget/package.h"
#include "tools/ig/trust_flags.h"

#include <string>
#include <vector>

namespace ig::cli {

struct SourceOptions {
    std::string pull = "missing"; // always | missing | never
    // Registry access for pulls (see tools/ig/registry_access.h).
    std::vector<std::string> insecure_registries;
    std::string ca_file;
    int pull_timeout_seconds = 30;
    std::string authfile;
    // Allowlist, pulling and signature verification, merged with the host config (see
    // tools/ig/image_trust.h).
    TrustFlags trust;
};

GadgetPackage obtain_gadget(const std::string& image, const SourceOptions& options);

} // namespace ig::cli
