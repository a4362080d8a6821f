// SPDX-License-Identifier: Apache-2.0
#include "runtime/datasource/data_source.h"

namespace ig {

std::optional<std::size_t> DataSource::find(std::string_view field_name) const {
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == field_name)
            return i;
    return std::nullopt;
}

std::size_t DataSource::add_field(Field f) {
    fields.push_back(std::move(f));
    return fields.size() - 1;
}

std::vector<std::size_t> DataSource::children_of(int parent) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i].parent == parent)
            out.push_back(i);
    return out;
}

} // namespace ig
