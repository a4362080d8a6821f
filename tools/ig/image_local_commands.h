// SPDX-License-Identifier: Apache-2.0
// The `ig image` subcommands that work on the local store only. Each returns an exit code and
// throws (ig::Error or registry::RegistryError) with a one-line message on bad input.
#pragma once

#include <string>
#include <vector>

namespace ig::cli {

int image_build(const std::vector<std::string>& args);
int image_list(const std::vector<std::string>& args);
int image_tag(const std::vector<std::string>& args);
int image_remove(const std::vector<std::string>& args);
int image_inspect(const std::vector<std::string>& args);
int image_export(const std::vector<std::string>& args);
int image_import(const std::vector<std::string>& args);

} // namespace ig::cli
