// SPDX-License-Identifier: Apache-2.0
// Column presentation of fields: templates chosen by semantic type (gadget_pid -> right-aligned,
// min width 7, ...) merged with the gadget author's annotations from gadget.yaml.
#pragma once

#include "runtime/datasource/data_source.h"
#include "runtime/gadget/metadata.h"

namespace ig {

// The annotations a named template stands for ("l4endpoint", "pid", ...); empty if unknown.
const Annotations* template_annotations(const std::string& name);

// Copies the data source's gadget.yaml annotations onto its fields. With `all_fields_known`
// false, names of fields not (yet) in `ds` are skipped; otherwise they are an error.
void apply_metadata_annotations(DataSource& ds, const DataSourceMetadata* md,
                                const std::string& origin, bool all_fields_known);

// Applies automatic templates (by type tags) and the data source's gadget.yaml section to `ds`.
// Explicit annotations win over template ones. Throws ig::Error if gadget.yaml names a field the
// data source does not have, or an unknown template.
void apply_field_annotations(DataSource& ds, const DataSourceMetadata* md,
                             const std::string& origin);

} // namespace ig
