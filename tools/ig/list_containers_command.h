// SPDX-License-Identifier: Apache-2.0
// `ig list-containers`: the containers ig sees, as columns or JSON; --watch follows starts and
// exits until Ctrl-C.
#pragma once

#include <string>
#include <vector>

namespace ig::cli {

int list_containers_command(const std::vector<std::string>& args);

} // namespace ig::cli
