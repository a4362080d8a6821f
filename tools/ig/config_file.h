// SPDX-License-Identifier: Apache-2.0
// Host-wide settings an administrator fixes in /etc/ig/config.yaml (or the file named by
// $IG_CONFIG): which gadgets may run, whether ig may pull, signature checks, plain-HTTP
// registries. Same keys as Inspektor Gadget's `operator.oci.*` settings:
//
//   operator:
//     oci:
//       allowed-gadgets: [ghcr.io/inspektor-gadget/gadget/*, "sha256:…"]
//       disallow-pulling: true
//       verify-image: true
//       public-keys: [/etc/ig/cosign.pub]
//       insecure-registries: [localhost:5000]
//
// Command-line flags add to lists and override booleans, except that a config file's
// allowed-gadgets and disallow-pulling cannot be loosened from the command line.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ig::cli {

struct HostConfig {
    std::filesystem::path source; // the file read, empty if none
    std::vector<std::string> allowed_gadgets;
    bool disallow_pulling = false;
    std::optional<bool> verify_image;
    std::vector<std::string> public_keys;
    std::vector<std::string> insecure_registries;
};

std::filesystem::path default_config_path();
// A missing file gives defaults; an unreadable or invalid one throws ig::Error naming the key.
HostConfig load_host_config(const std::filesystem::path& path);

} // namespace ig::cli
