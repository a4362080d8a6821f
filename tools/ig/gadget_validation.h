// SPDX-License-Identifier: Apache-2.0
// `ig image build` validates gadget.yaml against the object it just compiled, with the same code
// `ig run` uses: BTF introspection, the formatters that derive fields, and the annotation step
// that refuses unknown data sources, fields and parameters. It lives here, not in registry/,
// because the registry library must not depend on the runtime.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ig::cli {

// Throws ig::Error naming gadget.yaml's offending key if the metadata describes a parameter,
// data source or field the object does not have (or is otherwise invalid).
void validate_gadget(const std::string& origin, const std::string& architecture,
                     const std::string& metadata_yaml, const std::vector<std::uint8_t>& object);

} // namespace ig::cli
