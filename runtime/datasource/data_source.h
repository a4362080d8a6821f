// SPDX-License-Identifier: Apache-2.0
// A data source: a stream (tracer) or table (iterator, map iterator) of records sharing one
// field table. Records are views over bytes produced by the BPF program.
#pragma once

#include "runtime/datasource/field.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ig {

// Tracer: a stream of events. Iterator and MapIterator: tables (arrays of records) produced by
// reading an iter/ program or a map, once (snapshots) or every interval (tops).
enum class DataSourceKind { Tracer, Iterator, MapIterator };

struct DataSource {
    std::string name;
    DataSourceKind kind = DataSourceKind::Tracer;
    std::string map_name;    // the ring buffer / perf array (tracers) or the map (map iterators)
    std::string struct_name; // BTF struct of one record (tracers, iterators)
    std::vector<std::string> programs; // iter/ programs feeding an iterator
    // Map iterators: a record is the key bytes, then the value bytes at value_offset.
    std::uint32_t key_size = 0;
    std::uint32_t value_offset = 0;
    std::uint32_t value_size = 0;
    std::uint32_t record_size = 0;
    std::vector<Field> fields;
    Annotations annotations;
    // False when gadget.yaml ties the data source to a parameter that is off (for example a
    // count mode that replaces the event stream); disabled sources are neither read nor printed.
    bool enabled = true;

    bool is_array() const { return kind != DataSourceKind::Tracer; }

    std::optional<std::size_t> find(std::string_view field_name) const;
    // Appends a field; returns its index. Field references stay valid only until the next add.
    std::size_t add_field(Field f);
    std::vector<std::size_t> children_of(int parent) const;
};

// One event or row: a view over record bytes, padded to the data source's record size.
struct Record {
    const DataSource* source = nullptr;
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
};

} // namespace ig
