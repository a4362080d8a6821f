// SPDX-License-Identifier: Apache-2.0
// Output encoders: one record in, text appended to a reused buffer. Columns are computed once
// per data source; per record only values are rendered.
#pragma once

#include "runtime/datasource/data_source.h"

#include <memory>
#include <string>
#include <vector>

namespace ig {

class Encoder {
public:
    virtual ~Encoder() = default;
    virtual void header(std::string&) {}
    // True if each table prints its own header (a table redrawn in place).
    virtual bool repeats_header() const { return false; }
    virtual void encode(const Record& record, std::string& out) = 0;
    // A whole table (array data sources): JSON prints one array, columns one block of rows.
    virtual void encode_array(const std::vector<Record>& records, std::string& out) = 0;
};

enum class Ellipsis { None, Start, Middle, End };

struct ColumnsOptions {
    std::string fields;    // --fields spec
    bool truncate = false; // shorten values wider than their column (only on a terminal)
};

std::unique_ptr<Encoder> make_columns_encoder(const DataSource& ds, const ColumnsOptions& opts);

enum class StructuredFormat { Json, JsonPretty, Yaml };
// --fields restricts the keys; the default includes hidden fields, as JSON is for machines.
std::unique_ptr<Encoder> make_structured_encoder(const DataSource& ds, StructuredFormat format,
                                                 const std::string& fields);

} // namespace ig
