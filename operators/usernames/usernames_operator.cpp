// SPDX-License-Identifier: Apache-2.0
#include "operators/usernames/usernames_operator.h"

#include <cstring>
#include <fstream>

namespace ig {
namespace {

using IdNames = std::unordered_map<std::uint32_t, std::string>;

// "proc.creds.uid" -> "proc.creds.user"; a field not ending in uid/gid gets "_name".
std::string sibling_name(const std::string& name, bool user) {
    const char* suffix = user ? "uid" : "gid";
    if (name.ends_with(suffix))
        return name.substr(0, name.size() - 3) + (user ? "user" : "group");
    return name + "_name";
}

class UsernamesOperator final : public Operator {
public:
    std::string_view name() const override { return "usernames"; }
    Stage stage() const override { return Stage::Enrich; }
    std::string_view description() const override {
        return "user and group names for uid and gid fields";
    }
    std::vector<FlagSpec> flags() const override {
        return {{"usernames", "", "Add user and group name columns next to uid and gid", "", true}};
    }
    void configure(const FlagValues& v) override {
        auto it = v.find("usernames");
        enabled_ = it != v.end() && it->second == "true";
    }

    void init(GadgetContext& ctx) override {
        if (!enabled_)
            return;
        std::ifstream passwd("/etc/passwd"), group("/etc/group");
        auto users = std::make_shared<const IdNames>(parse_id_names(passwd));
        auto groups = std::make_shared<const IdNames>(parse_id_names(group));
        for (auto& ds : ctx.datasources()) {
            std::size_t n = ds.fields.size();
            for (std::size_t i = 0; i < n; ++i) {
                const Field raw = ds.fields[i];
                bool is_uid = raw.has_tag("gadget_uid"), is_gid = raw.has_tag("gadget_gid");
                if ((!is_uid && !is_gid) || raw.derived || raw.size > 4 ||
                    (raw.type != FieldType::Uint && raw.type != FieldType::Int))
                    continue;
                Field f;
                f.name = sibling_name(raw.name, is_uid);
                if (ds.find(f.name))
                    continue;
                auto dot = f.name.rfind('.');
                f.member = dot == std::string::npos ? f.name : f.name.substr(dot + 1);
                f.parent = raw.parent;
                f.type = FieldType::String;
                f.derived = true;
                f.display_after = static_cast<int>(i);
                f.annotations["columns.width"] = "12";
                auto table = is_uid ? users : groups;
                std::uint32_t off = raw.offset, size = raw.size;
                f.renderer = [table, off, size](const std::uint8_t* rec, ValueSink& out) {
                    std::uint32_t id = 0;
                    std::memcpy(&id, rec + off, size);
                    auto it = table->find(id);
                    out.string_value(it != table->end() ? it->second : std::to_string(id));
                };
                ds.add_field(std::move(f));
            }
        }
    }

private:
    bool enabled_ = false;
};

} // namespace

std::unordered_map<std::uint32_t, std::string> parse_id_names(std::istream& file) {
    IdNames out;
    std::string line;
    while (std::getline(file, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        auto c1 = line.find(':');
        auto c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
        auto c3 = c2 == std::string::npos ? c2 : line.find(':', c2 + 1);
        if (c3 == std::string::npos || c1 == 0)
            continue;
        try {
            std::size_t used = 0;
            unsigned long id = std::stoul(line.substr(c2 + 1, c3 - c2 - 1), &used);
            if (used == c3 - c2 - 1 && id <= 0xffffffffUL)
                out.emplace(static_cast<std::uint32_t>(id), line.substr(0, c1)); // first wins
        } catch (const std::exception&) {
            continue; // a non-numeric id: not a passwd/group line
        }
    }
    return out;
}

std::unique_ptr<Operator> make_usernames_operator() {
    return std::make_unique<UsernamesOperator>();
}

} // namespace ig
