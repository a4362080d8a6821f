// SPDX-License-Identifier: Apache-2.0
// The `Link: <url>; rel="next"` header (RFC 8288) that paginates tag lists and referrers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ig::registry::remote {

// The target of the first link with rel="next" (rel may list several types), or nullopt.
// Throws RegistryError if the header is malformed.
std::optional<std::string> next_link(std::string_view header);

} // namespace ig::registry::remote
