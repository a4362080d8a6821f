// SPDX-License-Identifier: Apache-2.0
// The value model between decoding and encoding: a field renders itself into a sink, and each
// output format (columns, JSON, YAML) is a sink. No value is materialised as an object.
#pragma once

#include <cstdint>
#include <string_view>

namespace ig {

class ValueSink {
public:
    virtual ~ValueSink() = default;
    virtual void null_value() = 0;
    virtual void bool_value(bool v) = 0;
    virtual void int_value(std::int64_t v) = 0;
    virtual void uint_value(std::uint64_t v) = 0;
    virtual void float_value(double v) = 0;
    virtual void string_value(std::string_view v) = 0;
    // Arrays: begin, then each element as a value, then end.
    virtual void begin_array() = 0;
    virtual void end_array() = 0;
};

} // namespace ig
