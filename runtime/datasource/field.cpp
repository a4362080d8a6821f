// SPDX-License-Identifier: Apache-2.0
#include "runtime/datasource/field.h"

#include <algorithm>
#include <cstring>

namespace ig {
namespace {

template <typename T> T load(const std::uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

std::int64_t load_signed(const std::uint8_t* p, std::uint32_t size) {
    switch (size) {
    case 1:
        return load<std::int8_t>(p);
    case 2:
        return load<std::int16_t>(p);
    case 4:
        return load<std::int32_t>(p);
    default:
        return load<std::int64_t>(p);
    }
}

std::uint64_t load_unsigned(const std::uint8_t* p, std::uint32_t size) {
    switch (size) {
    case 1:
        return load<std::uint8_t>(p);
    case 2:
        return load<std::uint16_t>(p);
    case 4:
        return load<std::uint32_t>(p);
    default:
        return load<std::uint64_t>(p);
    }
}

void render_scalar(FieldType type, const std::uint8_t* p, std::uint32_t size,
                   const EnumNames* names, ValueSink& out) {
    switch (type) {
    case FieldType::Bool:
        out.bool_value(load_unsigned(p, size) != 0);
        return;
    case FieldType::Int:
        out.int_value(load_signed(p, size));
        return;
    case FieldType::Uint:
        out.uint_value(load_unsigned(p, size));
        return;
    case FieldType::Float:
        out.float_value(size == 4 ? load<float>(p) : load<double>(p));
        return;
    case FieldType::Enum: {
        std::int64_t v = names && names->is_signed
                             ? load_signed(p, size)
                             : static_cast<std::int64_t>(load_unsigned(p, size));
        if (names)
            out.string_value(names->name_of(v));
        else
            out.int_value(v);
        return;
    }
    default:
        out.null_value();
    }
}

} // namespace

std::string EnumNames::name_of(std::int64_t v) const {
    for (const auto& [value, name] : values)
        if (value == v)
            return name;
    return "unknown#" + std::to_string(v);
}

bool Field::has_tag(std::string_view tag) const {
    return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

std::string Field::annotation(const std::string& key, const std::string& fallback) const {
    auto it = annotations.find(key);
    return it == annotations.end() ? fallback : it->second;
}

bool Field::annotation_true(const std::string& key) const {
    auto it = annotations.find(key);
    return it != annotations.end() && it->second == "true";
}

void render_field(const Field& field, const std::uint8_t* record, ValueSink& out) {
    if (field.renderer) {
        field.renderer(record, out);
        return;
    }
    const std::uint8_t* p = record + field.offset;
    switch (field.type) {
    case FieldType::String: {
        const char* s = reinterpret_cast<const char*>(p);
        out.string_value(std::string_view(s, strnlen(s, field.size)));
        return;
    }
    case FieldType::Bytes: {
        static constexpr char hex[] = "0123456789abcdef";
        char buf[2 * 64];
        std::uint32_t n = std::min<std::uint32_t>(field.size, 64);
        for (std::uint32_t i = 0; i < n; ++i) {
            buf[2 * i] = hex[p[i] >> 4];
            buf[2 * i + 1] = hex[p[i] & 0xf];
        }
        out.string_value(std::string_view(buf, 2 * n));
        return;
    }
    case FieldType::Array: {
        out.begin_array();
        for (std::uint32_t off = 0; field.elem_size && off + field.elem_size <= field.size;
             off += field.elem_size)
            render_scalar(field.elem_type, p + off, field.elem_size, field.enum_names.get(), out);
        out.end_array();
        return;
    }
    case FieldType::Struct:
        out.null_value();
        return;
    default:
        render_scalar(field.type, p, field.size, field.enum_names.get(), out);
    }
}

} // namespace ig
