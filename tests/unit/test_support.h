// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the unit tests: the fixture gadgets built in the tree, and records filled
// field by field through the field table (so tests never hard-code struct offsets).
#pragma once

#include "runtime/datasource/data_source.h"
#include "runtime/gadget/package.h"

#include <cstring>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace ig::test {

inline std::string fixture_dir(const std::string& name) {
    return std::string(IG_FIXTURES_DIR) + "/" + name;
}
inline std::string gadget_dir(const std::string& name) {
    return std::string(IG_GADGETS_DIR) + "/" + name;
}

class RecordBuilder {
public:
    explicit RecordBuilder(const DataSource& ds) : ds_(ds), bytes_(ds.record_size, 0) {}

    template <typename T> RecordBuilder& set(const std::string& field, T value) {
        auto idx = ds_.find(field);
        EXPECT_TRUE(idx.has_value()) << "no field " << field;
        if (idx) {
            const Field& f = ds_.fields[*idx];
            EXPECT_LE(sizeof(T), f.size) << field;
            std::memcpy(bytes_.data() + f.offset, &value, sizeof(T));
        }
        return *this;
    }
    RecordBuilder& set_bytes(const std::string& field, const void* data, std::size_t n) {
        auto idx = ds_.find(field);
        EXPECT_TRUE(idx.has_value()) << "no field " << field;
        if (idx)
            std::memcpy(bytes_.data() + ds_.fields[*idx].offset, data, n);
        return *this;
    }
    Record record() const { return Record{&ds_, bytes_.data(), bytes_.size()}; }

private:
    const DataSource& ds_;
    std::vector<std::uint8_t> bytes_;
};

} // namespace ig::test
