// SPDX-License-Identifier: Apache-2.0
// The sink: prints records as columns (default), json, jsonpretty, yaml, or nothing (none).
#pragma once

#include "operators/operator.h"

#include <cstdio>
#include <memory>

namespace ig {

// Writes to `out` (stdout in the CLI). Dropped-event reports go to `err`.
std::unique_ptr<Operator> make_output_operator(std::FILE* out = stdout, std::FILE* err = stderr);

} // namespace ig
