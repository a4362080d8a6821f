// SPDX-License-Identifier: Apache-2.0
#include "runtime/error.h"

#include <cstring>

namespace ig {

std::string errno_message(const std::string& what, int err) {
    if (err < 0)
        err = -err;
    return what + ": " + std::strerror(err);
}

} // namespace ig
