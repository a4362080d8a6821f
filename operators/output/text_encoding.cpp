// SPDX-License-Identifier: Apache-2.0
#include "operators/output/text_encoding.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace ig {
namespace {

template <typename T> void append_number(std::string& out, T v) {
    char buf[32];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<std::size_t>(p - buf)); // not (first, last): that goes via replace
}

bool plain_ascii(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
            return false;
    return true;
}

} // namespace

void append_json_string(std::string& out, std::string_view s) {
    if (plain_ascii(s)) { // the common case (comm, addresses, names): no escaping needed
        out += '"';
        out += s;
        out += '"';
        return;
    }
    // nlohmann_json escapes correctly and replaces invalid UTF-8 instead of emitting it.
    out += nlohmann::json(std::string(s))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void TextSink::separate() {
    if (depth_ > 0 && !first_)
        out_ += ',';
    first_ = false;
}
void TextSink::bool_value(bool v) {
    separate();
    out_ += v ? "true" : "false";
}
void TextSink::int_value(std::int64_t v) {
    separate();
    append_number(out_, v);
}
void TextSink::uint_value(std::uint64_t v) {
    separate();
    append_number(out_, v);
}
void TextSink::float_value(double v) {
    separate();
    append_number(out_, v);
}
void TextSink::string_value(std::string_view v) {
    separate();
    for (char c : v) // keep one event on one line, and no terminal escapes from the kernel
        out_ += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
}
void TextSink::begin_array() {
    separate();
    out_ += '[';
    ++depth_;
    first_ = true;
}
void TextSink::end_array() {
    out_ += ']';
    --depth_;
    first_ = false;
}

void JsonSink::separate() {
    if (depth_ > 0 && !first_)
        out_ += ',';
    first_ = false;
}
void JsonSink::null_value() {
    separate();
    out_ += "null";
}
void JsonSink::bool_value(bool v) {
    separate();
    out_ += v ? "true" : "false";
}
void JsonSink::int_value(std::int64_t v) {
    separate();
    append_number(out_, v);
}
void JsonSink::uint_value(std::uint64_t v) {
    separate();
    append_number(out_, v);
}
void JsonSink::float_value(double v) {
    separate();
    if (std::isfinite(v))
        append_number(out_, v);
    else
        out_ += "null";
}
void JsonSink::string_value(std::string_view v) {
    separate();
    append_json_string(out_, v);
}
void JsonSink::begin_array() {
    separate();
    out_ += '[';
    ++depth_;
    first_ = true;
}
void JsonSink::end_array() {
    out_ += ']';
    --depth_;
    first_ = false;
}

} // namespace ig
