// SPDX-License-Identifier: Apache-2.0
// One field's value captured from a record, typed, for operators that compare values (filter,
// sort). Reused across records: capturing allocates only for strings longer than before.
#pragma once

#include "runtime/datasource/field.h"

#include <cstdint>
#include <string>

namespace ig {

struct FieldValue {
    enum class Kind { Null, Bool, Int, Uint, Float, String };
    Kind kind = Kind::Null;
    std::int64_t i = 0;
    std::uint64_t u = 0;
    double f = 0;
    std::string s;

    // Fills this from `field` in `record`: structs with a one-line form (endpoints) and arrays
    // are captured as their text.
    void capture(const Field& field, const std::uint8_t* record);

    bool is_number() const {
        return kind == Kind::Int || kind == Kind::Uint || kind == Kind::Float;
    }
    double as_double() const;
};

// Orders two values of the same field: numbers numerically, everything else as text.
int compare_values(const FieldValue& a, const FieldValue& b);

} // namespace ig
