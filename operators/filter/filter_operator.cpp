// SPDX-License-Identifier: Apache-2.0
#include "operators/filter/filter_operator.h"

#include "operators/filter/expression.h"
#include "runtime/error.h"

#include <algorithm>
#include <map>

namespace ig {
namespace {

class FilterOperator final : public Operator {
public:
    std::string_view name() const override { return "filter"; }
    Stage stage() const override { return Stage::Filter; }
    std::string_view description() const override {
        return "keeps only records whose fields match --filter";
    }
    std::vector<FlagSpec> flags() const override {
        return {{"filter", "F",
                 "Keep records matching all conditions: field==v, !=, <, <=, >, >=, ~regex, "
                 "!~regex, comma-separated",
                 ""}};
    }

    void configure(const FlagValues& values) override {
        if (auto it = values.find("filter"); it != values.end() && !it->second.empty())
            conditions_ = parse_filter(it->second);
    }

    void init(GadgetContext& ctx) override {
        if (conditions_.empty())
            return;
        // A condition must name a field of some data source; each source is filtered on the
        // conditions it can evaluate (with one data source, that is all of them).
        std::vector<bool> used(conditions_.size(), false);
        for (const auto& ds : ctx.datasources()) {
            if (!ds.enabled)
                continue;
            std::vector<Condition> mine;
            for (std::size_t i = 0; i < conditions_.size(); ++i)
                if (ds.find(conditions_[i].field_name)) {
                    mine.push_back(conditions_[i]);
                    used[i] = true;
                }
            if (!mine.empty())
                filters_.emplace(&ds, CompiledFilter(ds, mine));
        }
        for (std::size_t i = 0; i < conditions_.size(); ++i)
            if (!used[i]) {
                std::string names;
                for (const auto& ds : ctx.datasources())
                    names += (names.empty() ? "" : ", ") + ds.name;
                throw Error("--filter: no data source (" + names + ") has a field '" +
                            conditions_[i].field_name + "'");
            }
    }

    bool on_record(const Record& r) override {
        auto it = filters_.find(r.source);
        return it == filters_.end() || it->second.matches(r);
    }

    void on_array(const DataSource& ds, std::vector<Record>& records) override {
        auto it = filters_.find(&ds);
        if (it == filters_.end())
            return;
        std::erase_if(records, [&](const Record& r) { return !it->second.matches(r); });
    }

private:
    std::vector<Condition> conditions_;
    std::map<const DataSource*, CompiledFilter> filters_;
};

} // namespace

std::unique_ptr<Operator> make_filter_operator() {
    return std::make_unique<FilterOperator>();
}

} // namespace ig
