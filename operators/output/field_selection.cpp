// SPDX-License-Identifier: Apache-2.0
#include "operators/output/field_selection.h"

#include "runtime/error.h"

#include <algorithm>
#include <cctype>

namespace ig {

std::vector<std::size_t> display_order(const DataSource& ds) {
    std::vector<std::size_t> order;
    order.reserve(ds.fields.size());
    auto emit_with_siblings = [&](auto&& self, std::size_t idx) -> void {
        order.push_back(idx);
        for (std::size_t j = 0; j < ds.fields.size(); ++j)
            if (ds.fields[j].derived && ds.fields[j].display_after == static_cast<int>(idx))
                self(self, j);
    };
    for (std::size_t i = 0; i < ds.fields.size(); ++i)
        if (ds.fields[i].display_first)
            emit_with_siblings(emit_with_siblings, i);
    for (std::size_t i = 0; i < ds.fields.size(); ++i)
        if (!ds.fields[i].display_first &&
            (!ds.fields[i].derived || ds.fields[i].display_after < 0))
            emit_with_siblings(emit_with_siblings, i);
    return order;
}

bool is_column(const Field& f) {
    return f.type != FieldType::Struct || static_cast<bool>(f.text_renderer);
}

std::vector<std::size_t> select_columns(const DataSource& ds, const std::string& spec) {
    std::vector<std::size_t> defaults;
    for (std::size_t i : display_order(ds))
        if (is_column(ds.fields[i]) && !ds.fields[i].hidden())
            defaults.push_back(i);
    if (spec.empty())
        return defaults;

    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= spec.size()) {
        std::size_t end = spec.find(',', start);
        if (end == std::string::npos)
            end = spec.size();
        std::string item = spec.substr(start, end - start);
        if (!item.empty())
            items.push_back(item);
        start = end + 1;
    }
    bool editing = !items.empty() && (items[0][0] == '+' || items[0][0] == '-');
    std::vector<std::size_t> out = editing ? defaults : std::vector<std::size_t>{};
    for (const auto& item : items) {
        char op = (item[0] == '+' || item[0] == '-') ? item[0] : 0;
        if (editing != (op != 0))
            throw Error("--fields: mix of plain names and +/- edits in '" + spec + "'");
        std::string name = op ? item.substr(1) : item;
        auto idx = ds.find(name);
        if (!idx || !is_column(ds.fields[*idx])) {
            std::string known;
            for (std::size_t i : display_order(ds))
                if (is_column(ds.fields[i]))
                    known += (known.empty() ? "" : ", ") + ds.fields[i].name;
            throw Error("--fields: data source '" + ds.name + "' has no field '" + name +
                        "' (fields: " + known + ")");
        }
        auto pos = std::find(out.begin(), out.end(), *idx);
        if (op == '-') {
            if (pos != out.end())
                out.erase(pos);
        } else if (pos == out.end()) {
            out.push_back(*idx);
        }
    }
    return out;
}

std::string column_header(const Field& f) {
    std::string h = f.annotation("columns.alias", f.name);
    for (auto& c : h)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return h;
}

} // namespace ig
