// SPDX-License-Identifier: Apache-2.0
// The "containers" operator (Inspektor Gadget's LocalManager): discovers containers, narrows
// the gadget to the selected ones in the kernel (gadget_filter_by_mntns and
// gadget_mntns_filter_map) and adds runtime.* and k8s.* fields next to every field of kind
// gadget_mntns_id. `--containers=false` switches all of it off.
#pragma once

#include "operators/operator.h"

#include <memory>

namespace ig {

std::unique_ptr<Operator> make_containers_operator();

} // namespace ig
