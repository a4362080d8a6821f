// SPDX-License-Identifier: Apache-2.0
// Readable siblings for raw fields, found by semantic type, never by field name:
// gadget_timestamp -> wall-clock time, gadget_errno -> "ECONNREFUSED", BTF enums -> their
// names, gadget_l4endpoint_t -> "addr" and "ip:port". The raw field stays (hidden) for JSON.
#pragma once

#include "operators/operator.h"

#include <memory>

namespace ig {

std::unique_ptr<Operator> make_formatters_operator();

// Exposed for tests.
std::string format_ip(const std::uint8_t* addr16, std::uint8_t version);
// Boot-time nanoseconds to "2006-01-02T15:04:05.000000000+07:00" in local time.
std::string format_boot_timestamp(std::uint64_t boot_ns);

} // namespace ig
