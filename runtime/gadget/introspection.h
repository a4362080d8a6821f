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

struct Introspection {
    std::vector<DataSource> datasources;
    std::vector<ParamSpec> params;
    std::vector<std::string> tracer_maps; // maps declared with GADGET_TRACER_MAP
    std::vector<std::string> warnings;
};

// Reads the markers and types of an opened (not yet loaded) object. Throws ig::Error if the
// object has no BTF, or a marker names a map or struct that does not exist.
Introspection introspect_object(bpf_object* obj);

// Builds the flattened field table of `struct_name` (exposed for tests and tools).
std::vector<Field> fields_from_btf_struct(const btf* btf, const std::string& struct_name,
                                          std::uint32_t* record_size = nullptr);

} // namespace ig
