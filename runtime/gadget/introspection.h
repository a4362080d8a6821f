// SPDX-License-Identifier: Apache-2.0
// What a gadget object declares, read from its BTF: data sources (GADGET_TRACER, GADGET_ITER,
// GADGET_MAPITER markers) with their field tables, and parameters (GADGET_PARAM).
#pragma once

#include "runtime/datasource/data_source.h"
#include "runtime/gadget/params.h"

#include <string>
#include <vector>

struct bpf_object;
struct btf;

namespace ig {

// Largest record (event struct, iterator row, map key + value) a data source may declare: the
// event loop pads short records to this size, so a corrupt object must not choose it freely.
inline constexpr std::uint32_t kMaxRecordBytes = 1u << 20;

struct Introspection {
    std::vector<DataSource> datasources;
    std::vector<ParamSpec> params;
    std::vector<std::string> tracer_maps; // maps declared with GADGET_TRACER_MAP
    std::vector<std::string> warnings;
};

// Reads the markers and types of an opened (not yet loaded) object. Throws ig::Error if the
// object has no BTF, a marker names a map or struct that does not exist, or a record is larger
// than kMaxRecordBytes or has a field outside it.
Introspection introspect_object(bpf_object* obj);

// Builds the flattened field table of `struct_name` (exposed for tests and tools).
std::vector<Field> fields_from_btf_struct(const btf* btf, const std::string& struct_name,
                                          std::uint32_t* record_size = nullptr);

} // namespace ig
