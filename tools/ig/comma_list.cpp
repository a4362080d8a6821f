// SPDX-License-Identifier: Apache-2.0
#include "tools/ig/comma_list.h"

namespace ig::cli {

std::vector<std::string> split_commas(const std::vector<std::string>& values) {
    std::vector<std::string> out;
    for (const auto& v : values) {
        std::size_t start = 0;
        while (start <= v.size()) {
            std::size_t comma = v.find(',', start);
            std::string item =
                v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!item.empty())
                out.push_back(item);
            if (comma == std::string::npos)
                break;
            start = comma + 1;
        }
    }
    return out;
}

} // namespace ig::cli
