// SPDX-License-Identifier: Apache-2.0
#include "operators/field_value.h"

#include "operators/output/text_encoding.h"

namespace ig {
namespace {

class CaptureSink final : public ValueSink {
public:
    explicit CaptureSink(FieldValue& v) : v_(v) {}
    void null_value() override { v_.kind = FieldValue::Kind::Null; }
    void bool_value(bool b) override {
        v_.kind = FieldValue::Kind::Bool;
        v_.u = b;
    }
    void int_value(std::int64_t i) override {
        v_.kind = FieldValue::Kind::Int;
        v_.i = i;
    }
    void uint_value(std::uint64_t u) override {
        v_.kind = FieldValue::Kind::Uint;
        v_.u = u;
    }
    void float_value(double f) override {
        v_.kind = FieldValue::Kind::Float;
        v_.f = f;
    }
    void string_value(std::string_view s) override {
        v_.kind = FieldValue::Kind::String;
        v_.s.assign(s);
    }
    void begin_array() override {}
    void end_array() override {}

private:
    FieldValue& v_;
};

} // namespace

void FieldValue::capture(const Field& field, const std::uint8_t* record) {
    if (field.text_renderer || field.type == FieldType::Array) {
        s.clear();
        TextSink text(s);
        if (field.text_renderer)
            field.text_renderer(record, text);
        else
            render_field(field, record, text);
        kind = Kind::String;
        return;
    }
    CaptureSink sink(*this);
    render_field(field, record, sink);
}

double FieldValue::as_double() const {
    switch (kind) {
    case Kind::Int:
        return static_cast<double>(i);
    case Kind::Uint:
    case Kind::Bool:
        return static_cast<double>(u);
    case Kind::Float:
        return f;
    default:
        return 0;
    }
}

int compare_values(const FieldValue& a, const FieldValue& b) {
    if (a.kind == FieldValue::Kind::Int && b.kind == FieldValue::Kind::Int)
        return a.i < b.i ? -1 : a.i > b.i;
    if ((a.kind == FieldValue::Kind::Uint || a.kind == FieldValue::Kind::Bool) &&
        (b.kind == FieldValue::Kind::Uint || b.kind == FieldValue::Kind::Bool))
        return a.u < b.u ? -1 : a.u > b.u;
    if (a.is_number() && b.is_number()) {
        double x = a.as_double(), y = b.as_double();
        return x < y ? -1 : x > y;
    }
    int c = a.s.compare(b.s);
    return c < 0 ? -1 : c > 0;
}

} // namespace ig
