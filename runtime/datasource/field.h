// SPDX-License-Identifier: Apache-2.0
// A field of a data source: where its bytes are in a record, what type they have, what the
// gadget says about it (annotations), and how it renders. Built once from BTF at load time.
#pragma once

#include "runtime/datasource/value_sink.h"
#include "runtime/gadget/metadata.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ig {

enum class FieldType {
    Bool,
    Int,    // signed integer, size 1/2/4/8
    Uint,   // unsigned integer, size 1/2/4/8
    Float,  // size 4/8
    Enum,   // integer with names from BTF
    String, // NUL-terminated char array
    Bytes,  // opaque bytes (unions, 128-bit integers), rendered as hex
    Array,  // array of scalars (elem_type, elem_size)
    Struct, // a parent of flattened children; has no value of its own
};

struct EnumNames {
    std::string type_name; // the C enum's name; one ending in "_set" is a set of flag bits
    bool is_signed = false;
    std::vector<std::pair<std::int64_t, std::string>> values;
    // The enumerator's name, or "unknown#<v>" for values the enum does not define.
    std::string name_of(std::int64_t v) const;
};

struct Field;
// Renders a computed field from the raw record bytes.
using FieldRenderer = std::function<void(const std::uint8_t* record, ValueSink& out)>;

struct Field {
    std::string name;   // full dotted name: "src.port", "proc.comm"
    std::string member; // last component: "port"
    int parent = -1;    // index of the parent Struct field, -1 at top level
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
    FieldType type = FieldType::Uint;
    FieldType elem_type = FieldType::Uint; // for Array
    std::uint32_t elem_size = 0;           // for Array
    // Every typedef and struct name met while resolving the member's type, outermost first:
    // "gadget_errno", "gadget_l4endpoint_t", ... Operators find fields by these tags.
    std::vector<std::string> tags;
    std::shared_ptr<const EnumNames> enum_names;
    Annotations annotations;
    // Set for fields computed from others (error from error_raw, src.addr from src.addr_raw...).
    FieldRenderer renderer;
    // For a Struct: an optional one-line text form used by columns (endpoint "ip:port").
    FieldRenderer text_renderer;
    bool derived = false;
    // Where a derived field is shown: right after this field (its raw sibling), or at the end.
    int display_after = -1;
    // Shown before every other field (container and pod names lead, as in Inspektor Gadget).
    bool display_first = false;

    bool has_tag(std::string_view tag) const;
    std::string annotation(const std::string& key, const std::string& fallback = "") const;
    bool annotation_true(const std::string& key) const;
    bool hidden() const { return annotation_true("columns.hidden"); }
    bool json_skip() const { return annotation_true("json.skip"); }
};

// Writes the value of `field` in `record` (at least field.offset + field.size bytes) to `out`.
void render_field(const Field& field, const std::uint8_t* record, ValueSink& out);

} // namespace ig
