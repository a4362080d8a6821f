// SPDX-License-Identifier: Apache-2.0
#include "runtime/gadget/params.h"

#include "runtime/error.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>

namespace ig {
namespace {

[[noreturn]] void bad_value(const ParamSpec& p, const std::string& text, const std::string& why) {
    throw Error("invalid value '" + text + "' for --" + p.key + ": " + why);
}

template <typename T> std::vector<std::uint8_t> bytes_of(T v, std::uint32_t size) {
    std::vector<std::uint8_t> out(size, 0);
    std::memcpy(out.data(), &v, std::min<std::size_t>(size, sizeof v));
    return out;
}

} // namespace

const char* param_type_name(ParamType t) {
    switch (t) {
    case ParamType::Bool:
        return "bool";
    case ParamType::Int:
        return "int";
    case ParamType::Uint:
        return "uint";
    case ParamType::String:
        return "string";
    case ParamType::IntList:
        return "int list";
    case ParamType::UintList:
        return "uint list";
    }
    return "?";
}

std::vector<std::uint8_t> encode_scalar(const ParamSpec& p, const std::string& text, ParamType type,
                                        std::uint32_t size);

std::vector<std::uint8_t> encode_list(const ParamSpec& p, const std::string& text) {
    std::vector<std::uint8_t> out(p.size, 0);
    if (text.empty())
        return out;
    std::uint32_t count = p.elem_size ? p.size / p.elem_size : 0;
    ParamType elem = p.type == ParamType::IntList ? ParamType::Int : ParamType::Uint;
    std::size_t start = 0;
    std::uint32_t i = 0;
    while (start <= text.size()) {
        std::size_t end = text.find(',', start);
        if (end == std::string::npos)
            end = text.size();
        if (i >= count)
            bad_value(p, text, "more than " + std::to_string(count) + " values");
        auto bytes = encode_scalar(p, text.substr(start, end - start), elem, p.elem_size);
        std::memcpy(out.data() + i * p.elem_size, bytes.data(), p.elem_size);
        ++i;
        start = end + 1;
    }
    return out;
}

std::vector<std::uint8_t> encode_param_value(const ParamSpec& p, const std::string& text) {
    if (!p.possible_values.empty() && std::find(p.possible_values.begin(), p.possible_values.end(),
                                                text) == p.possible_values.end()) {
        std::string list;
        for (const auto& v : p.possible_values)
            list += (list.empty() ? "" : ", ") + v;
        bad_value(p, text, "expected one of: " + list);
    }
    if (p.type == ParamType::IntList || p.type == ParamType::UintList)
        return encode_list(p, text);
    return encode_scalar(p, text, p.type, p.size);
}

std::vector<std::uint8_t> encode_scalar(const ParamSpec& p, const std::string& text, ParamType type,
                                        std::uint32_t size) {
    switch (type) {
    case ParamType::Bool:
        if (text == "true" || text == "1")
            return bytes_of<std::uint8_t>(1, size);
        if (text == "false" || text == "0" || text.empty())
            return bytes_of<std::uint8_t>(0, size);
        bad_value(p, text, "expected true or false");
    case ParamType::Int: {
        std::int64_t v = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || ptr != text.data() + text.size())
            bad_value(p, text, "expected a signed integer");
        std::int64_t lo = size >= 8 ? std::numeric_limits<std::int64_t>::min()
                                    : -(std::int64_t{1} << (8 * size - 1));
        std::int64_t hi = size >= 8 ? std::numeric_limits<std::int64_t>::max()
                                    : (std::int64_t{1} << (8 * size - 1)) - 1;
        if (v < lo || v > hi)
            bad_value(p, text,
                      "out of range for a " + std::to_string(8 * size) + "-bit signed integer");
        return bytes_of(v, size);
    }
    case ParamType::Uint: {
        std::uint64_t v = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || ptr != text.data() + text.size())
            bad_value(p, text, "expected an unsigned integer");
        if (size < 8 && v > (std::uint64_t{1} << (8 * size)) - 1)
            bad_value(p, text,
                      "out of range for a " + std::to_string(8 * size) + "-bit unsigned integer");
        return bytes_of(v, size);
    }
    case ParamType::String: {
        // The BPF side reads a NUL-terminated char array: keep room for the terminator.
        if (text.size() >= size)
            bad_value(p, text, "longer than " + std::to_string(size - 1) + " characters");
        std::vector<std::uint8_t> out(size, 0);
        std::memcpy(out.data(), text.data(), text.size());
        return out;
    }
    default:
        break;
    }
    bad_value(p, text, "unsupported parameter type");
}

std::string decode_param_value(const ParamSpec& p, const std::uint8_t* bytes) {
    if (p.type == ParamType::IntList || p.type == ParamType::UintList) {
        ParamSpec elem = p;
        elem.type = p.type == ParamType::IntList ? ParamType::Int : ParamType::Uint;
        elem.size = p.elem_size;
        std::string out;
        std::uint32_t count = p.elem_size ? p.size / p.elem_size : 0;
        // Trailing zeros are unused slots, not values.
        while (count > 0) {
            bool zero = true;
            for (std::uint32_t b = 0; b < p.elem_size; ++b)
                zero &= bytes[(count - 1) * p.elem_size + b] == 0;
            if (!zero)
                break;
            --count;
        }
        for (std::uint32_t i = 0; i < count; ++i)
            out += (i ? "," : "") + decode_param_value(elem, bytes + i * p.elem_size);
        return out;
    }
    switch (p.type) {
    case ParamType::Bool: {
        bool any = false;
        for (std::uint32_t i = 0; i < p.size; ++i)
            any |= bytes[i] != 0;
        return any ? "true" : "false";
    }
    case ParamType::Int: {
        std::int64_t v = 0;
        switch (p.size) {
        case 1:
            v = static_cast<std::int8_t>(bytes[0]);
            break;
        case 2: {
            std::int16_t x;
            std::memcpy(&x, bytes, 2);
            v = x;
            break;
        }
        case 4: {
            std::int32_t x;
            std::memcpy(&x, bytes, 4);
            v = x;
            break;
        }
        default:
            std::memcpy(&v, bytes, 8);
        }
        return std::to_string(v);
    }
    case ParamType::Uint: {
        std::uint64_t v = 0;
        std::memcpy(&v, bytes, std::min<std::uint32_t>(p.size, 8));
        return std::to_string(v);
    }
    case ParamType::String:
        return std::string(reinterpret_cast<const char*>(bytes),
                           strnlen(reinterpret_cast<const char*>(bytes), p.size));
    default:
        return "";
    }
}

} // namespace ig
