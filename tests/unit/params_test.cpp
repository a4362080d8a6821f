// SPDX-License-Identifier: Apache-2.0
#include "runtime/error.h"
#include "runtime/gadget/params.h"

#include <cstring>
#include <gtest/gtest.h>

namespace ig {
namespace {

ParamSpec spec(ParamType t, std::uint32_t size) {
    ParamSpec p;
    p.key = "k";
    p.var_name = "k";
    p.type = t;
    p.size = size;
    return p;
}

TEST(Params, BoolAcceptsTrueFalseAndDigits) {
    auto p = spec(ParamType::Bool, 1);
    EXPECT_EQ(encode_param_value(p, "true"), std::vector<std::uint8_t>{1});
    EXPECT_EQ(encode_param_value(p, "false"), std::vector<std::uint8_t>{0});
    EXPECT_EQ(encode_param_value(p, "1"), std::vector<std::uint8_t>{1});
    EXPECT_THROW(encode_param_value(p, "yes"), Error);
}

TEST(Params, IntegersAreRangeChecked) {
    auto u16 = spec(ParamType::Uint, 2);
    auto b = encode_param_value(u16, "65535");
    std::uint16_t v;
    std::memcpy(&v, b.data(), 2);
    EXPECT_EQ(v, 65535);
    EXPECT_THROW(encode_param_value(u16, "65536"), Error);
    EXPECT_THROW(encode_param_value(u16, "-1"), Error);
    EXPECT_THROW(encode_param_value(u16, "12abc"), Error);

    auto s8 = spec(ParamType::Int, 1);
    EXPECT_EQ(encode_param_value(s8, "-128")[0], 0x80);
    EXPECT_THROW(encode_param_value(s8, "128"), Error);
    auto u64 = spec(ParamType::Uint, 8);
    EXPECT_NO_THROW(encode_param_value(u64, "18446744073709551615"));
    EXPECT_THROW(encode_param_value(u64, "18446744073709551616"), Error);
}

TEST(Params, StringsKeepRoomForTheTerminator) {
    auto p = spec(ParamType::String, 4);
    auto b = encode_param_value(p, "abc");
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(b.data())), "abc");
    EXPECT_THROW(encode_param_value(p, "abcd"), Error);
}

TEST(Params, BadValueMessageNamesTheFlag) {
    auto p = spec(ParamType::Uint, 4);
    p.key = "pid";
    try {
        encode_param_value(p, "abc");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "invalid value 'abc' for --pid: expected an unsigned integer");
    }
}

TEST(Params, PossibleValuesAreEnforced) {
    auto p = spec(ParamType::String, 16);
    p.possible_values = {"a", "b"};
    EXPECT_NO_THROW(encode_param_value(p, "a"));
    EXPECT_THROW(encode_param_value(p, "c"), Error);
}

TEST(Params, DecodeRoundTrips) {
    auto s32 = spec(ParamType::Int, 4);
    auto b = encode_param_value(s32, "-42");
    EXPECT_EQ(decode_param_value(s32, b.data()), "-42");
    auto str = spec(ParamType::String, 8);
    b = encode_param_value(str, "web");
    EXPECT_EQ(decode_param_value(str, b.data()), "web");
}

} // namespace
} // namespace ig
