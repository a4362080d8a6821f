// SPDX-License-Identifier: Apache-2.0
// Value sinks that append text to a reused buffer: plain text (columns) and JSON literals.
#pragma once

#include "runtime/datasource/value_sink.h"

#include <string>
#include <string_view>

namespace ig {

// Appends `s` as a JSON string literal. Invalid UTF-8 is replaced (U+FFFD), control characters
// escaped: event strings come from the kernel and may hold anything.
void append_json_string(std::string& out, std::string_view s);

class TextSink final : public ValueSink {
public:
    explicit TextSink(std::string& out) : out_(out) {}
    void null_value() override {}
    void bool_value(bool v) override;
    void int_value(std::int64_t v) override;
    void uint_value(std::uint64_t v) override;
    void float_value(double v) override;
    void string_value(std::string_view v) override;
    void begin_array() override;
    void end_array() override;

private:
    std::string& out_;
    int depth_ = 0;
    bool first_ = true;
    void separate();
};

class JsonSink final : public ValueSink {
public:
    explicit JsonSink(std::string& out) : out_(out) {}
    void null_value() override;
    void bool_value(bool v) override;
    void int_value(std::int64_t v) override;
    void uint_value(std::uint64_t v) override;
    void float_value(double v) override;
    void string_value(std::string_view v) override;
    void begin_array() override;
    void end_array() override;

private:
    std::string& out_;
    bool first_ = true;
    int depth_ = 0;
    void separate();
};

} // namespace ig
