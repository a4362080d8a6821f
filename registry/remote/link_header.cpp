// SPDX-License-Identifier: Apache-2.0
#include "registry/remote/link_header.h"

#include "registry/error.h"

#include <cctype>

namespace ig::registry::remote {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

[[noreturn]] void malformed(std::string_view header) {
    throw RegistryError("malformed Link header: '" + std::string(header.substr(0, 200)) + "'");
}

} // namespace

std::optional<std::string> next_link(std::string_view header) {
    std::size_t i = 0;
    while (i < header.size()) {
        while (i < header.size() && (header[i] == ' ' || header[i] == ',' || header[i] == '\t'))
            ++i;
        if (i >= header.size())
            break;
        if (header[i] != '<')
            malformed(header);
        std::size_t close = header.find('>', i);
        if (close == std::string_view::npos)
            malformed(header);
        std::string target(header.substr(i + 1, close - i - 1));
        i = close + 1;
        bool is_next = false;
        // Parameters: ;name=value or ;name="value" up to the next ',' outside quotes.
        while (i < header.size() && header[i] != ',') {
            if (header[i] == ' ' || header[i] == '\t') {
                ++i;
                continue;
            }
            if (header[i] != ';')
                malformed(header);
            ++i;
            std::size_t eq = header.find_first_of("=;,", i);
            std::string_view name = trim(
                header.substr(i, eq == std::string_view::npos ? std::string_view::npos : eq - i));
            std::string value;
            i = eq == std::string_view::npos ? header.size() : eq;
            if (i < header.size() && header[i] == '=') {
                ++i;
                while (i < header.size() && header[i] == ' ')
                    ++i;
                if (i < header.size() && header[i] == '"') {
                    std::size_t end = header.find('"', i + 1);
                    if (end == std::string_view::npos)
                        malformed(header);
                    value = header.substr(i + 1, end - i - 1);
                    i = end + 1;
                } else {
                    std::size_t end = header.find_first_of(";,", i);
                    value = trim(header.substr(
                        i, end == std::string_view::npos ? std::string_view::npos : end - i));
                    i = end == std::string_view::npos ? header.size() : end;
                }
            }
            if (iequals(name, "rel")) {
                // rel may hold several space-separated relation types.
                std::size_t p = 0;
                while (p < value.size()) {
                    std::size_t sp = value.find(' ', p);
                    std::string_view type = std::string_view(value).substr(
                        p, sp == std::string::npos ? std::string::npos : sp - p);
                    if (iequals(type, "next"))
                        is_next = true;
                    if (sp == std::string::npos)
                        break;
                    p = sp + 1;
                }
            }
        }
        if (is_next)
            return target;
    }
    return std::nullopt;
}

} // namespace ig::registry::remote
