// SPDX-License-Identifier: Apache-2.0
#include "operators/output/encoders.h"
#include "operators/output/field_selection.h"
#include "operators/output/text_encoding.h"

#include <charconv>

namespace ig {
namespace {

int parse_int(const std::string& s, int fallback) {
    int v = fallback;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

// Counts UTF-8 code points: column widths are in characters, not bytes.
std::size_t display_width(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

// Byte offset of the `chars`-th code point.
std::size_t byte_offset(std::string_view s, std::size_t chars) {
    std::size_t i = 0;
    for (; i < s.size() && chars > 0; ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 &&
            (i + 1 >= s.size() || (static_cast<unsigned char>(s[i + 1]) & 0xC0) != 0x80))
            --chars;
    return i;
}

struct Column {
    const Field* field;
    std::size_t width;
    bool right;
    Ellipsis ellipsis;
};

class ColumnsEncoder final : public Encoder {
public:
    ColumnsEncoder(const DataSource& ds, const ColumnsOptions& opts)
        : truncate_(opts.truncate),
          // Top-like tables redraw in place on a terminal; in a pipe they are appended.
          redraw_(opts.truncate && ds.annotations.count("cli.clear-screen-before") &&
                  ds.annotations.at("cli.clear-screen-before") == "true") {
        for (std::size_t idx : select_columns(ds, opts.fields)) {
            const Field& f = ds.fields[idx];
            Column c{&f, 0, f.annotation("columns.alignment") == "right", Ellipsis::End};
            c.width = static_cast<std::size_t>(parse_int(f.annotation("columns.width"), 16));
            c.width = std::max(c.width, column_header(f).size());
            std::string e = f.annotation("columns.ellipsis", "end");
            c.ellipsis = e == "start"    ? Ellipsis::Start
                         : e == "middle" ? Ellipsis::Middle
                         : e == "none"   ? Ellipsis::None
                                         : Ellipsis::End;
            columns_.push_back(c);
        }
    }

    void header(std::string& out) override {
        for (std::size_t i = 0; i < columns_.size(); ++i)
            put(out, column_header(*columns_[i].field), columns_[i], i + 1 == columns_.size());
        out += '\n';
    }

    void encode(const Record& r, std::string& out) override {
        for (std::size_t i = 0; i < columns_.size(); ++i) {
            const Field& f = *columns_[i].field;
            value_.clear();
            TextSink sink(value_);
            if (f.text_renderer)
                f.text_renderer(r.data, sink);
            else
                render_field(f, r.data, sink);
            put(out, value_, columns_[i], i + 1 == columns_.size());
        }
        out += '\n';
    }

    void encode_array(const std::vector<Record>& records, std::string& out) override {
        if (redraw_) {
            out += "\033[H\033[2J";
            header(out);
        }
        for (const auto& r : records)
            encode(r, out);
        if (!redraw_ && !records.empty())
            out += '\n'; // tables of successive intervals stay apart in a log
    }

    bool repeats_header() const override { return redraw_; }

private:
    void put(std::string& out, std::string_view v, const Column& c, bool last) {
        std::size_t w = display_width(v);
        if (truncate_ && w > c.width && c.ellipsis != Ellipsis::None && c.width > 1) {
            std::size_t keep = c.width - 1; // room for "…"
            switch (c.ellipsis) {
            case Ellipsis::Start:
                out += "…";
                out.append(v.substr(byte_offset(v, w - keep)));
                break;
            case Ellipsis::Middle: {
                std::size_t head = (keep + 1) / 2, tail = keep - head;
                out.append(v.substr(0, byte_offset(v, head)));
                out += "…";
                out.append(v.substr(byte_offset(v, w - tail)));
                break;
            }
            default:
                out.append(v.substr(0, byte_offset(v, keep)));
                out += "…";
            }
            w = c.width;
        } else {
            if (c.right && w < c.width)
                out.append(c.width - w, ' ');
            out.append(v);
        }
        if (!last) {
            if (!c.right && w < c.width)
                out.append(c.width - w, ' ');
            out += ' ';
        }
    }

    std::vector<Column> columns_;
    bool truncate_;
    bool redraw_;
    std::string value_;
};

} // namespace

std::unique_ptr<Encoder> make_columns_encoder(const DataSource& ds, const ColumnsOptions& opts) {
    return std::make_unique<ColumnsEncoder>(ds, opts);
}

} // namespace ig
