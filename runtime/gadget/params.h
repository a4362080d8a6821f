// SPDX-License-Identifier: Apache-2.0
// Gadget parameters: `const volatile` globals marked with GADGET_PARAM. Their BTF type decides
// how a command-line value is parsed; the value is written into .rodata before the load.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ig {

// IntList/UintList: arrays of integers, given as "80,443"; unused elements are zero.
enum class ParamType { Bool, Int, Uint, String, IntList, UintList };

struct ParamSpec {
    std::string var_name; // the BPF global, e.g. accept_only
    std::string key;      // the flag, e.g. accept-only
    std::string description;
    std::string default_value; // as text, from gadget.yaml or the object's initial value
    ParamType type = ParamType::Bool;
    std::uint32_t size = 0;          // bytes in .rodata
    std::uint32_t elem_size = 0;     // for lists: bytes per element
    std::uint32_t rodata_offset = 0; // offset in the .rodata section
    std::vector<std::string> possible_values;
};

// Parses `text` for `param` into its .rodata byte representation. Throws ig::Error naming the
// flag and the expected type on a bad value.
std::vector<std::uint8_t> encode_param_value(const ParamSpec& param, const std::string& text);

// Renders the bytes of a parameter as text (used for defaults read from the object).
std::string decode_param_value(const ParamSpec& param, const std::uint8_t* bytes);

const char* param_type_name(ParamType t);

} // namespace ig
