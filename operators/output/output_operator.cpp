// SPDX-License-Identifier: Apache-2.0
#include "operators/output/output_operator.h"

#include "operators/output/encoders.h"
#include "runtime/error.h"

#include <map>
#include <set>
#include <unistd.h>

namespace ig {
namespace {

constexpr std::size_t kFlushBytes = 64 * 1024;

class OutputOperator final : public Operator {
public:
    OutputOperator(std::FILE* out, std::FILE* err) : out_(out), err_(err) {}

    std::string_view name() const override { return "output"; }
    Stage stage() const override { return Stage::Sink; }
    std::string_view description() const override { return "prints records"; }

    std::vector<FlagSpec> flags() const override {
        return {
            {"output", "o", "Output mode: columns, json, jsonpretty, yaml, none", "columns"},
            {"fields", "", "Columns to show: a,b,c replaces the defaults, +a,-b edits them", ""},
        };
    }

    void configure(const FlagValues& values) override {
        if (auto it = values.find("output"); it != values.end())
            mode_ = it->second;
        if (mode_ != "columns" && mode_ != "json" && mode_ != "jsonpretty" && mode_ != "yaml" &&
            mode_ != "none")
            throw Error("invalid value '" + mode_ +
                        "' for --output: expected columns, json, jsonpretty, yaml or none");
        if (auto it = values.find("fields"); it != values.end())
            fields_ = it->second;
    }

    void init(GadgetContext& ctx) override {
        if (mode_ == "none")
            return;
        bool tty = isatty(fileno(out_)) == 1;
        for (const auto& ds : ctx.datasources()) {
            if (!ds.enabled)
                continue;
            std::unique_ptr<Encoder> enc;
            if (mode_ == "columns")
                enc = make_columns_encoder(ds, {fields_, tty});
            else
                enc = make_structured_encoder(ds,
                                              mode_ == "json"         ? StructuredFormat::Json
                                              : mode_ == "jsonpretty" ? StructuredFormat::JsonPretty
                                                                      : StructuredFormat::Yaml,
                                              fields_);
            encoders_[&ds] = std::move(enc);
        }
    }

    void start(GadgetContext&) override {
        // One data source: its header right away, as users expect. Several: each header just
        // before that source's first output, so headers sit on top of their rows.
        if (encoders_.size() == 1)
            for (auto& [ds, enc] : encoders_)
                header_once(*ds, *enc);
        flush();
    }

    void stop() noexcept override { flush(); }

    bool on_record(const Record& r) override {
        auto it = encoders_.find(r.source);
        if (it != encoders_.end()) {
            header_once(*r.source, *it->second);
            it->second->encode(r, buffer_);
            if (buffer_.size() >= kFlushBytes)
                flush();
        }
        return true;
    }

    void on_array(const DataSource& ds, std::vector<Record>& records) override {
        auto it = encoders_.find(&ds);
        if (it != encoders_.end()) {
            header_once(ds, *it->second);
            it->second->encode_array(records, buffer_);
        }
        flush();
    }

    void on_lost(const DataSource& ds, std::uint64_t count) override {
        flush();
        std::fprintf(err_, "WARNING: %llu events of data source %s were lost (buffer full)\n",
                     static_cast<unsigned long long>(count), ds.name.c_str());
    }

    void on_batch_end() override { flush(); }

private:
    void header_once(const DataSource& ds, Encoder& enc) {
        if (!enc.repeats_header() && headed_.insert(&ds).second)
            enc.header(buffer_);
    }

    void flush() noexcept {
        if (!buffer_.empty()) {
            std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
            std::fflush(out_);
            buffer_.clear();
        }
    }

    std::FILE* out_;
    std::FILE* err_;
    std::string mode_ = "columns";
    std::string fields_;
    std::map<const DataSource*, std::unique_ptr<Encoder>> encoders_;
    std::string buffer_;
    std::set<const DataSource*> headed_;
};

} // namespace

std::unique_ptr<Operator> make_output_operator(std::FILE* out, std::FILE* err) {
    return std::make_unique<OutputOperator>(out, err);
}

} // namespace ig
