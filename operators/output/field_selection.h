// SPDX-License-Identifier: Apache-2.0
// Which fields an output shows and in which order: the defaults (not hidden) or --fields.
#pragma once

#include "runtime/datasource/data_source.h"

#include <string>
#include <vector>

namespace ig {

// Fields in display order: each derived field right after the field it was derived from.
std::vector<std::size_t> display_order(const DataSource& ds);

// True if the field is printable as one column (a value, or a struct with a one-line form).
bool is_column(const Field& f);

// Applies a --fields spec to the default columns: "a,b" replaces them, "+a,-b" edits them.
// Throws ig::Error naming an unknown field.
std::vector<std::size_t> select_columns(const DataSource& ds, const std::string& spec);

// Upper-cased header: the columns.alias annotation, else the full field name.
std::string column_header(const Field& f);

} // namespace ig
