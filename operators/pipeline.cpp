// SPDX-License-Identifier: Apache-2.0
#include "operators/pipeline.h"

#include <algorithm>

namespace ig {

Pipeline::Pipeline(std::vector<std::unique_ptr<Operator>> operators)
    : operators_(std::move(operators)) {
    std::stable_sort(operators_.begin(), operators_.end(),
                     [](const auto& a, const auto& b) { return a->stage() < b->stage(); });
}

Pipeline::~Pipeline() {
    stop();
}

void Pipeline::init(GadgetContext& ctx) {
    for (auto& op : operators_)
        op->init(ctx);
}

void Pipeline::pre_load(GadgetContext& ctx) {
    for (auto& op : operators_)
        op->pre_load(ctx);
}

void Pipeline::post_load(GadgetContext& ctx) {
    for (auto& op : operators_)
        op->post_load(ctx);
}

void Pipeline::start(GadgetContext& ctx) {
    try {
        for (; started_ < operators_.size(); ++started_)
            operators_[started_]->start(ctx);
    } catch (...) {
        stop();
        throw;
    }
}

void Pipeline::stop() noexcept {
    while (started_ > 0)
        operators_[--started_]->stop();
}

void Pipeline::on_record(const Record& record) {
    for (auto& op : operators_)
        if (!op->on_record(record))
            return;
}

void Pipeline::on_array(const DataSource& source, std::vector<Record>& records) {
    for (auto& op : operators_)
        op->on_array(source, records);
}

void Pipeline::on_lost(const DataSource& source, std::uint64_t count) {
    for (auto& op : operators_)
        op->on_lost(source, count);
}

void Pipeline::on_batch_end() {
    for (auto& op : operators_)
        op->on_batch_end();
}

} // namespace ig
