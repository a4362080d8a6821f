// SPDX-License-Identifier: Apache-2.0
// A small argument parser for `ig image …` subcommands: flags with or without values ("--tag X",
// "--tag=X", "-t X"), the rest positional. Paths and references may contain commas, which is
// why this is not cxxopts (its vector values split on commas).
#pragma once

#include "runtime/error.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace ig::cli {

struct ImageArgs {
    std::map<std::string, std::string> values; // long flag name -> value ("true" for switches)
    std::vector<std::string> positional;
    bool has(const std::string& flag) const { return values.contains(flag); }
    std::string get(const std::string& flag, const std::string& fallback = "") const {
        auto it = values.find(flag);
        return it == values.end() ? fallback : it->second;
    }
};

struct ImageFlag {
    std::string name; // long name without "--"
    char short_name;  // 0 if none
    bool takes_value;
};

inline ImageArgs parse_image_args(const std::string& command, const std::vector<std::string>& args,
                                  const std::vector<ImageFlag>& specs) {
    ImageArgs out;
    auto find = [&](const std::string& arg) -> const ImageFlag* {
        for (const auto& s : specs)
            if (arg == "--" + s.name || (s.short_name && arg == std::string("-") + s.short_name))
                return &s;
        return nullptr;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            out.positional.insert(out.positional.end(), args.begin() + i + 1, args.end());
            break;
        }
        if (a.size() < 2 || a[0] != '-') {
            out.positional.push_back(a);
            continue;
        }
        std::string flag = a, value;
        bool inline_value = false;
        if (auto eq = a.find('='); a.starts_with("--") && eq != std::string::npos) {
            flag = a.substr(0, eq);
            value = a.substr(eq + 1);
            inline_value = true;
        }
        const ImageFlag* spec = find(flag);
        if (!spec)
            throw Error("unknown flag '" + flag + "' for ig image " + command + " (see ig image " +
                        command + " --help)");
        if (spec->takes_value && !inline_value) {
            if (i + 1 >= args.size())
                throw Error("flag --" + spec->name + " needs a value");
            value = args[++i];
        } else if (!spec->takes_value) {
            if (inline_value)
                throw Error("flag --" + spec->name + " takes no value");
            value = "true";
        }
        out.values[spec->name] = value;
    }
    return out;
}

} // namespace ig::cli
