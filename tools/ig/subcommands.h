// SPDX-License-Identifier: Apache-2.0
// Commands beyond run/version: image management and registry login.
#pragma once

#include <optional>
#include <string>
#include <vector>

#define IG_EXTRA_COMMANDS_HELP                                                                     \
    "  image SUBCOMMAND        build, list, tag, remove, inspect, export, import, push, pull, "    \
    "sign\n"                                                                                       \
    "  login REGISTRY          store credentials for a registry\n"                                 \
    "  logout REGISTRY         remove stored credentials\n"

namespace ig::cli {

// Runs `cmd` if it is one of these commands; std::nullopt if it is not.
std::optional<int> run_extra_command(const std::string& cmd, const std::vector<std::string>& args);

} // namespace ig::cli
