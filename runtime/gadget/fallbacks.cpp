// SPDX-License-Identifier: Apache-2.0
#include "runtime/gadget/fallbacks.h"

#include "runtime/error.h"

#include <algorithm>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <map>

namespace ig {
namespace {

constexpr std::string_view kPrefix = "gadget_fallback_";
constexpr std::string_view kSeparator = "___";

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

} // namespace

std::vector<FallbackGroup> read_fallback_groups(bpf_object* obj) {
    const btf* b = bpf_object__btf(obj);
    if (!b)
        return {};
    std::vector<std::pair<std::string, std::string>> pairs;
    for (std::uint32_t id = 1; id < btf__type_cnt(b); ++id) {
        const btf_type* t = btf__type_by_id(b, id);
        if (!t || !btf_is_var(t))
            continue;
        const char* raw = btf__name_by_offset(b, t->name_off);
        std::string_view name = raw ? raw : "";
        if (name.substr(0, kPrefix.size()) != kPrefix)
            continue;
        std::string_view rest = name.substr(kPrefix.size());
        std::size_t sep = rest.find(kSeparator);
        if (sep == std::string_view::npos || sep == 0 || sep + kSeparator.size() >= rest.size())
            throw Error("malformed fallback marker '" + std::string(name) + "'");
        std::string prog(rest.substr(0, sep)), fallback(rest.substr(sep + kSeparator.size()));
        for (const auto& p : {prog, fallback})
            if (!bpf_object__find_program_by_name(obj, p.c_str()))
                throw Error("fallback marker '" + std::string(name) + "' names program '" + p +
                            "', which the object does not define");
        pairs.emplace_back(prog, fallback);
    }

    // Union-find over program names: markers sharing a program join one group.
    std::map<std::string, std::string> parent;
    auto find = [&](std::string p) {
        while (parent.at(p) != p)
            p = parent.at(p);
        return p;
    };
    for (const auto& [p, f] : pairs) {
        parent.emplace(p, p);
        parent.emplace(f, f);
        parent[find(p)] = find(f);
    }
    std::map<std::string, FallbackGroup> by_root;
    for (const auto& [p, f] : pairs) {
        FallbackGroup& g = by_root[find(p)];
        if (!contains(g.preferred, p))
            g.preferred.push_back(p);
        if (!contains(g.fallbacks, f))
            g.fallbacks.push_back(f);
    }
    std::vector<FallbackGroup> groups;
    for (auto& [root, g] : by_root) {
        for (const auto& p : g.preferred)
            if (contains(g.fallbacks, p))
                throw Error("program '" + p +
                            "' is both a preferred program and a fallback (GADGET_FALLBACK "
                            "chains are not supported)");
        groups.push_back(std::move(g));
    }
    return groups;
}

void apply_fallback_autoload(bpf_object* obj, const std::vector<FallbackGroup>& groups) {
    auto set = [obj](const std::string& name, bool on) {
        bpf_program* prog = bpf_object__find_program_by_name(obj, name.c_str());
        if (!prog)
            throw Error("program " + name + " is missing");
        int err = bpf_program__set_autoload(prog, on);
        if (err)
            throw Error(errno_message("choosing whether to load program " + name, err));
    };
    for (const auto& g : groups) {
        for (const auto& p : g.preferred)
            set(p, !g.fell_back);
        for (const auto& f : g.fallbacks)
            set(f, g.fell_back);
    }
}

FallbackGroup* group_preferring(std::vector<FallbackGroup>& groups, const std::string& program) {
    for (auto& g : groups)
        if (!g.fell_back && contains(g.preferred, program))
            return &g;
    return nullptr;
}

} // namespace ig
