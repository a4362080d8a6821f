// SPDX-License-Identifier: Apache-2.0
// The trust flags of `ig run` and `ig image pull`, as given on the command line (before the host
// config in /etc/ig/config.yaml is merged in; see tools/ig/image_trust.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ig::cli {

struct TrustFlags {
    std::optional<bool> verify_image;         // --verify-image[=true|false]; unset: the default
    std::vector<std::string> public_keys;     // --public-keys FILE[,FILE…]
    std::vector<std::string> allowed_gadgets; // --allowed-gadgets ENTRY[,ENTRY…]
    bool disallow_pulling = false;            // --disallow-pulling
};

} // namespace ig::cli
