// SPDX-License-Identifier: Apache-2.0
#include "operators/annotate/annotate_operator.h"

#include "runtime/error.h"
#include "runtime/gadget/annotations.h"

namespace ig {
namespace {

class AnnotateOperator final : public Operator {
public:
    std::string_view name() const override { return "annotate"; }
    // Same stage as the formatters and registered after them: runs once their fields exist.
    Stage stage() const override { return Stage::Format; }
    std::string_view description() const override {
        return "applies gadget.yaml annotations and column templates";
    }

    void init(GadgetContext& ctx) override {
        const auto& md = ctx.metadata();
        for (const auto& [name, dsm] : md.datasources) {
            bool found = false;
            for (const auto& ds : ctx.datasources())
                found |= ds.name == name;
            if (!found)
                throw Error(ctx.origin() + "/gadget.yaml: datasources." + name +
                            ": the BPF object has no data source '" + name + "'");
        }
        for (auto& ds : ctx.datasources()) {
            auto it = md.datasources.find(ds.name);
            apply_field_annotations(ds, it == md.datasources.end() ? nullptr : &it->second,
                                    ctx.origin() + "/gadget.yaml");
        }
    }
};

} // namespace

std::unique_ptr<Operator> make_annotate_operator() {
    return std::make_unique<AnnotateOperator>();
}

} // namespace ig
