// SPDX-License-Identifier: Apache-2.0
// --filter: drops records (events, or rows of tables) whose fields do not match.
#pragma once

#include "operators/operator.h"

#include <memory>

namespace ig {

std::unique_ptr<Operator> make_filter_operator();

} // namespace ig
