// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace ig::cli {

// `ig run IMAGE|DIR [flags]`: args are everything after "run".
int run_command(const std::vector<std::string>& args);

} // namespace ig::cli
