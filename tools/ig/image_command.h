// SPDX-License-Identifier: Apache-2.0
// `ig image SUBCOMMAND …`: build, list, tag, remove, inspect, export, import (local store), and
// push, pull, sign (forwarded to remote_commands.h).
#pragma once

#include <string>
#include <vector>

namespace ig::cli {

int run_image_command(const std::vector<std::string>& args);

} // namespace ig::cli
