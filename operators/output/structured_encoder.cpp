// SPDX-License-Identifier: Apache-2.0
#include "operators/output/encoders.h"
#include "operators/output/field_selection.h"
#include "operators/output/text_encoding.h"

#include <set>

namespace ig {
namespace {

// The nesting of fields: "src.port" is key "port" inside object "src".
struct Node {
    const Field* field;
    std::vector<Node> children;
    std::string json_key; // the quoted member name, escaped once here rather than per record
};

class StructuredEncoder final : public Encoder {
public:
    StructuredEncoder(const DataSource& ds, StructuredFormat format, const std::string& fields)
        : format_(format) {
        std::set<std::size_t> wanted;
        if (!fields.empty()) {
            // Reuse the column parser for names; a struct name selects its whole subtree.
            for (std::size_t idx : select_columns(ds, fields))
                wanted.insert(idx);
        }
        auto order = display_order(ds);
        roots_ = build(ds, order, -1, wanted, wanted.empty());
    }

    void encode(const Record& r, std::string& out) override {
        switch (format_) {
        case StructuredFormat::Json:
            object(r, roots_, out, -1);
            out += '\n';
            break;
        case StructuredFormat::JsonPretty:
            object(r, roots_, out, 0);
            out += '\n';
            break;
        case StructuredFormat::Yaml:
            out += "---\n";
            yaml(r, roots_, out, 0);
            break;
        }
    }

    void encode_array(const std::vector<Record>& records, std::string& out) override {
        switch (format_) {
        case StructuredFormat::Json:
        case StructuredFormat::JsonPretty: {
            bool pretty = format_ == StructuredFormat::JsonPretty;
            out += '[';
            for (std::size_t i = 0; i < records.size(); ++i) {
                if (i)
                    out += ',';
                if (pretty)
                    out += "\n  ";
                object(records[i], roots_, out, pretty ? 1 : -1);
            }
            if (pretty && !records.empty())
                out += '\n';
            out += "]\n";
            break;
        }
        case StructuredFormat::Yaml:
            out += "---\n";
            if (records.empty())
                out += "[]\n";
            for (const auto& r : records) {
                std::size_t mark = out.size();
                yaml(r, roots_, out, 1);
                out[mark] = '-'; // "  key: v" -> "- key: v": a sequence of mappings
            }
            break;
        }
    }

private:
    std::vector<Node> build(const DataSource& ds, const std::vector<std::size_t>& order, int parent,
                            const std::set<std::size_t>& wanted, bool all) {
        std::vector<Node> nodes;
        for (std::size_t idx : order) {
            const Field& f = ds.fields[idx];
            if (f.parent != parent || f.json_skip())
                continue;
            bool selected = all || wanted.contains(idx);
            Node n{&f, {}, {}};
            append_json_string(n.json_key, f.member);
            if (f.type == FieldType::Struct) {
                n.children = build(ds, order, static_cast<int>(idx), wanted, selected);
                if (n.children.empty())
                    continue;
            } else if (!selected) {
                continue;
            }
            nodes.push_back(std::move(n));
        }
        return nodes;
    }

    static void indent(std::string& out, int level) { out.append(2 * level, ' '); }

    // level < 0: compact JSON; otherwise pretty-printed at that depth.
    void object(const Record& r, const std::vector<Node>& nodes, std::string& out, int level) {
        out += '{';
        bool first = true;
        for (const auto& n : nodes) {
            if (!first)
                out += ',';
            first = false;
            if (level >= 0) {
                out += '\n';
                indent(out, level + 1);
            }
            out += n.json_key;
            out += level >= 0 ? ": " : ":";
            if (!n.children.empty()) {
                object(r, n.children, out, level >= 0 ? level + 1 : -1);
            } else {
                JsonSink sink(out);
                render_field(*n.field, r.data, sink);
            }
        }
        if (level >= 0 && !nodes.empty()) {
            out += '\n';
            indent(out, level);
        }
        out += '}';
    }

    void yaml(const Record& r, const std::vector<Node>& nodes, std::string& out, int level) {
        for (const auto& n : nodes) {
            indent(out, level);
            out += n.field->member; // BTF member names are C identifiers: plain YAML keys
            if (!n.children.empty()) {
                out += ":\n";
                yaml(r, n.children, out, level + 1);
            } else {
                out += ": ";
                JsonSink sink(out); // JSON scalars and flow arrays are valid YAML
                render_field(*n.field, r.data, sink);
                out += '\n';
            }
        }
    }

    StructuredFormat format_;
    std::vector<Node> roots_;
};

} // namespace

std::unique_ptr<Encoder> make_structured_encoder(const DataSource& ds, StructuredFormat format,
                                                 const std::string& fields) {
    return std::make_unique<StructuredEncoder>(ds, format, fields);
}

} // namespace ig
