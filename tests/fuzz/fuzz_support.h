// SPDX-License-Identifier: Apache-2.0
// Shared by the fuzz targets: the fixture gadget they bind expressions and metadata to, and a
// sink that consumes rendered values (so ASan sees every byte a field reads).
#pragma once

#include "runtime/datasource/value_sink.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace ig::fuzz {

class DiscardSink final : public ValueSink {
public:
    void null_value() override { ++values; }
    void bool_value(bool v) override { checksum += v; }
    void int_value(std::int64_t v) override { checksum += static_cast<std::uint64_t>(v); }
    void uint_value(std::uint64_t v) override { checksum += v; }
    void float_value(double v) override { checksum += v == v; }
    void string_value(std::string_view v) override {
        for (char c : v)
            checksum += static_cast<unsigned char>(c);
    }
    void begin_array() override { ++values; }
    void end_array() override { ++values; }

    std::uint64_t values = 0;
    std::uint64_t checksum = 0;
};

inline std::string fixture_dir(const std::string& name) {
    return std::string(IG_FIXTURES_DIR) + "/" + name;
}

} // namespace ig::fuzz
