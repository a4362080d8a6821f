// SPDX-License-Identifier: Apache-2.0
#include "operators/sort/sort_operator.h"

#include "operators/field_value.h"
#include "runtime/error.h"

#include <algorithm>
#include <charconv>
#include <map>

namespace ig {
namespace {

struct SortKey {
    const Field* field;
    bool descending;
};

class SortOperator final : public Operator {
public:
    std::string_view name() const override { return "sort"; }
    Stage stage() const override { return Stage::Aggregate; }
    std::string_view description() const override { return "orders and limits the rows of tables"; }
    std::vector<FlagSpec> flags() const override {
        return {{"sort", "",
                 "Order table rows by fields: a,-b (a ascending, then b descending); default "
                 "from the gadget",
                 ""},
                {"max-entries", "", "Print at most N rows per table (0: all)", "0"}};
    }

    void configure(const FlagValues& values) override {
        if (auto it = values.find("sort"); it != values.end())
            spec_ = it->second;
        if (auto it = values.find("max-entries"); it != values.end()) {
            const std::string& v = it->second;
            auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), max_entries_);
            if (ec != std::errc() || p != v.data() + v.size())
                throw Error("invalid value '" + v + "' for --max-entries: expected a number");
        }
    }

    void init(GadgetContext& ctx) override {
        bool any_table = false;
        std::string first_error;
        for (const auto& ds : ctx.datasources()) {
            if (!ds.enabled || !ds.is_array())
                continue;
            any_table = true;
            if (!spec_.empty()) {
                // --sort applies to every table that has its fields.
                try {
                    keys_[&ds] = parse(ds, spec_);
                } catch (const Error& e) {
                    if (first_error.empty())
                        first_error = e.what();
                }
            } else if (auto it = ds.annotations.find("sort.default"); it != ds.annotations.end()) {
                keys_[&ds] = parse(ds, it->second);
            }
        }
        if (!any_table && (!spec_.empty() || max_entries_ > 0))
            throw Error("--sort and --max-entries apply to tables (snapshot and top gadgets); "
                        "this gadget only streams events");
        if (!spec_.empty() && keys_.empty())
            throw Error(first_error);
    }

    void on_array(const DataSource& ds, std::vector<Record>& records) override {
        if (auto it = keys_.find(&ds); it != keys_.end())
            sort(it->second, records);
        if (max_entries_ > 0 && records.size() > max_entries_)
            records.resize(max_entries_);
    }

private:
    std::vector<SortKey> parse(const DataSource& ds, const std::string& spec) {
        std::vector<SortKey> keys;
        std::size_t start = 0;
        while (start <= spec.size()) {
            std::size_t end = spec.find(',', start);
            if (end == std::string::npos)
                end = spec.size();
            std::string item = spec.substr(start, end - start);
            start = end + 1;
            if (item.empty())
                continue;
            bool desc = item[0] == '-';
            if (item[0] == '-' || item[0] == '+')
                item.erase(0, 1);
            auto idx = ds.find(item);
            if (!idx)
                throw Error("--sort: data source '" + ds.name + "' has no field '" + item + "'");
            keys.push_back({&ds.fields[*idx], desc});
        }
        return keys;
    }

    void sort(const std::vector<SortKey>& keys, std::vector<Record>& records) {
        // Capture each row's key values once, then sort indexes: comparisons stay cheap.
        std::size_t n = records.size();
        values_.resize(n * keys.size());
        for (std::size_t r = 0; r < n; ++r)
            for (std::size_t k = 0; k < keys.size(); ++k)
                values_[r * keys.size() + k].capture(*keys[k].field, records[r].data);
        std::vector<std::size_t> order(n);
        for (std::size_t i = 0; i < n; ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            for (std::size_t k = 0; k < keys.size(); ++k) {
                int c = compare_values(values_[a * keys.size() + k], values_[b * keys.size() + k]);
                if (c != 0)
                    return keys[k].descending ? c > 0 : c < 0;
            }
            return false;
        });
        std::vector<Record> sorted;
        sorted.reserve(n);
        for (std::size_t i : order)
            sorted.push_back(records[i]);
        records.swap(sorted);
    }

    std::string spec_;
    std::size_t max_entries_ = 0;
    std::map<const DataSource*, std::vector<SortKey>> keys_;
    std::vector<FieldValue> values_;
};

} // namespace

std::unique_ptr<Operator> make_sort_operator() {
    return std::make_unique<SortOperator>();
}

} // namespace ig
