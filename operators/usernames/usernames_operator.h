// SPDX-License-Identifier: Apache-2.0
// Opt-in (--usernames): a `user` / `group` column next to every field of kind gadget_uid /
// gadget_gid, resolved from the host's /etc/passwd and /etc/group (read once at start).
#pragma once

#include "operators/operator.h"

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <unordered_map>

namespace ig {

// name:x:id:... lines of a passwd or group file -> id to name. Malformed lines are skipped.
std::unordered_map<std::uint32_t, std::string> parse_id_names(std::istream& file);

std::unique_ptr<Operator> make_usernames_operator();

} // namespace ig
