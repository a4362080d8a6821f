// SPDX-License-Identifier: Apache-2.0
// Operators in stage order: started in order with rollback of the started ones if one fails,
// stopped in reverse. The pipeline is the record handler of the run loop.
#pragma once

#include "operators/operator.h"
#include "runtime/run/event_loop.h"

#include <memory>
#include <vector>

namespace ig {

class Pipeline : public RecordHandler {
public:
    explicit Pipeline(std::vector<std::unique_ptr<Operator>> operators);
    ~Pipeline() override;

    const std::vector<std::unique_ptr<Operator>>& operators() const { return operators_; }

    void init(GadgetContext& ctx);
    void pre_load(GadgetContext& ctx);
    void post_load(GadgetContext& ctx);
    void start(GadgetContext& ctx); // rolls back on failure, then rethrows
    void stop() noexcept;

    void on_record(const Record& record) override;
    void on_array(const DataSource& source, std::vector<Record>& records) override;
    void on_lost(const DataSource& source, std::uint64_t count) override;
    void on_batch_end() override;

private:
    std::vector<std::unique_ptr<Operator>> operators_;
    std::size_t started_ = 0;
};

} // namespace ig
