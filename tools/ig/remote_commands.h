// SPDX-License-Identifier: Apache-2.0
// `ig image push|pull|sign` and `ig login|logout`: the commands that talk to a registry.
#pragma once

#include <string>
#include <vector>

namespace ig::cli {

int run_image_push(const std::vector<std::string>& args);
int run_image_pull(const std::vector<std::string>& args);
int run_image_sign(const std::vector<std::string>& args);
int run_login_command(const std::vector<std::string>& args, bool logout);

} // namespace ig::cli
