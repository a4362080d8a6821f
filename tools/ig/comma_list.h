// SPDX-License-Identifier: Apache-2.0
// List-valued flags and config values: "a,b" and repeated flags → {a, b}; empty items dropped.
#pragma once

#include <string>
#include <vector>

namespace ig::cli {

std::vector<std::string> split_commas(const std::vector<std::string>& values);

} // namespace ig::cli
