// SPDX-License-Identifier: Apache-2.0
#include "operators/containers/selector.h"

#include "runtime/error.h"

#include <algorithm>

namespace ig::containers {
namespace {

std::string trim(std::string_view s) {
    auto b = s.find_first_not_of(" \t");
    auto e = s.find_last_not_of(" \t");
    return b == std::string_view::npos ? "" : std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split_items(std::string_view list, const std::string& flag) {
    std::vector<std::string> items;
    if (trim(list).empty())
        return items;
    std::size_t start = 0;
    while (true) {
        std::size_t end = list.find(',', start);
        std::string item = trim(list.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (item.empty() || item == "!")
            throw Error("--" + flag + ": empty item in '" + std::string(list) + "'");
        items.push_back(item);
        if (end == std::string_view::npos)
            return items;
        start = end + 1;
    }
}

} // namespace

NameMatcher NameMatcher::parse(std::string_view list, const std::string& flag) {
    NameMatcher m;
    for (auto& item : split_items(list, flag)) {
        if (item[0] == '!')
            m.exclude_.push_back(item.substr(1));
        else
            m.include_.push_back(item);
    }
    return m;
}

bool NameMatcher::matches(std::string_view value) const {
    if (std::find(exclude_.begin(), exclude_.end(), value) != exclude_.end())
        return false;
    return include_.empty() || std::find(include_.begin(), include_.end(), value) != include_.end();
}

LabelSelector LabelSelector::parse(std::string_view list, const std::string& flag) {
    LabelSelector s;
    for (auto& item : split_items(list, flag)) {
        Term t;
        std::string body = item;
        if (body[0] == '!') {
            t.negate = true;
            body = body.substr(1);
        }
        auto eq = body.find('=');
        t.key = trim(body.substr(0, eq));
        if (eq != std::string::npos) {
            t.has_value = true;
            t.value = trim(body.substr(eq + 1));
            if (!t.value.empty() && t.value[0] == '!') {
                if (t.negate)
                    throw Error("--" + flag + ": '" + item + "' negates twice");
                t.negate = true;
                t.value = t.value.substr(1);
            }
        }
        if (t.key.empty())
            throw Error("--" + flag + ": '" + item + "' has no label key");
        s.terms_.push_back(std::move(t));
    }
    return s;
}

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const {
    for (const auto& t : terms_) {
        auto it = labels.find(t.key);
        bool hit = it != labels.end() && (!t.has_value || it->second == t.value);
        if (hit == t.negate)
            return false;
    }
    return true;
}

bool ContainerSelector::matches(const Container& c) const {
    return names.matches(c.name) && runtimes.matches(c.runtime) &&
           (pod_names.empty() || pod_names.matches(c.k8s.pod_name)) &&
           (namespaces.empty() || namespaces.matches(c.k8s.namespace_name)) &&
           labels.matches(c.labels);
}

} // namespace ig::containers
