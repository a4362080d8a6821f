// SPDX-License-Identifier: Apache-2.0
// Applies gadget.yaml's field annotations and the column templates once the formatters have
// added their fields, so the author can annotate `type` as well as `type_raw`.
#pragma once

#include "operators/operator.h"

#include <memory>

namespace ig {

std::unique_ptr<Operator> make_annotate_operator();

} // namespace ig
