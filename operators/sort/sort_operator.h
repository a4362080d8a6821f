// SPDX-License-Identifier: Apache-2.0
// --sort and --max-entries for tables (snapshots and tops): order rows by fields, keep the
// first N. Streams of events are printed as they come and are not affected.
#pragma once

#include "operators/operator.h"

#include <memory>

namespace ig {

std::unique_ptr<Operator> make_sort_operator();

} // namespace ig
