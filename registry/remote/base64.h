// SPDX-License-Identifier: Apache-2.0
// Standard base64 (RFC 4648 §4, with padding), for Basic auth, docker config.json "auth" fields
// and cosign signature annotations.
#pragma once

#include <string>
#include <string_view>

namespace ig::registry::remote {

std::string base64_encode(std::string_view bytes);
// Throws RegistryError naming `what` if text is not valid padded base64.
std::string base64_decode(std::string_view text, std::string_view what);

} // namespace ig::registry::remote
