// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "operators/operator.h"

#include <memory>
#include <vector>

namespace ig {

// Every built-in operator, in no particular order (the pipeline sorts them by stage).
std::vector<std::unique_ptr<Operator>> builtin_operators();

} // namespace ig
