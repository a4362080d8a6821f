// SPDX-License-Identifier: Apache-2.0
// --filter expressions: `field==v`, `!=`, `<`, `<=`, `>`, `>=`, `~` (regular expression),
// `!~`; several conditions joined by commas must all hold (`\,` is a literal comma). Values
// are typed by the field: numbers compare numerically, text as text.
#pragma once

#include "operators/field_value.h"
#include "runtime/datasource/data_source.h"

#include <memory>
#include <regex>
#include <string>
#include <vector>

namespace ig {

enum class FilterOp { Eq, Ne, Lt, Le, Gt, Ge, Match, NotMatch };

struct Condition {
    std::string field_name;
    FilterOp op = FilterOp::Eq;
    std::string text; // the value as typed
};

// Parses the syntax only; throws ig::Error pointing at the bad condition.
std::vector<Condition> parse_filter(const std::string& expr);

// The conditions bound to a data source's fields and typed values.
class CompiledFilter {
public:
    // Throws ig::Error for unknown fields, a value of the wrong type (x>abc on a number), an
    // invalid regular expression or an ordering on a non-comparable field.
    CompiledFilter(const DataSource& ds, const std::vector<Condition>& conditions);
    bool matches(const Record& r);

private:
    struct Bound {
        const Field* field;
        FilterOp op;
        FieldValue want;
        std::shared_ptr<std::regex> re;
    };
    std::vector<Bound> bound_;
    FieldValue scratch_;
};

} // namespace ig
