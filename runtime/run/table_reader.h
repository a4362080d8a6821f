// SPDX-License-Identifier: Apache-2.0
// Reads the tables of array data sources: the output of iter/ programs (snapshots) and the
// entries of maps (tops), into one buffer of records laid out as the data source describes.
#pragma once

#include "runtime/datasource/data_source.h"
#include "runtime/gadget/instance.h"

#include <cstdint>
#include <vector>

namespace ig {

struct Table {
    std::vector<std::uint8_t> storage;
    std::vector<Record> records;
};

// Largest iterator output accepted in one read.
inline constexpr std::size_t kMaxIteratorBytes = 64u << 20;

// Runs every iter/ program of `ds` once and splits the output into records.
void read_iterator(GadgetInstance& instance, const DataSource& ds, Table& out);

// Reads every entry of the map of `ds`; with `reset`, each entry read is removed (hash maps) or
// zeroed (arrays), so the next read covers only the next interval.
void read_map(GadgetInstance& instance, const DataSource& ds, bool reset, Table& out);

} // namespace ig
