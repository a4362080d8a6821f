// SPDX-License-Identifier: Apache-2.0
// --filter expressions, as a user types them: the first line is the expression, the rest of the
// input fills a record of the fixture gadget (every field type: numbers, strings, enums,
// endpoints, errno). Parsing and binding may reject with ig::Error; nothing else may escape.
#include "fuzz_support.h"
#include "operators/annotate/annotate_operator.h"
#include "operators/filter/expression.h"
#include "operators/formatters/formatters.h"
#include "operators/instance_context.h"
#include "runtime/bpf/log.h"
#include "runtime/error.h"
#include "runtime/gadget/instance.h"

#include <algorithm>
#include <cstring>
#include <memory>

namespace {

struct Fixture {
    std::unique_ptr<ig::GadgetInstance> instance;
    std::unique_ptr<ig::InstanceContext> context;
};

Fixture& fixture() {
    static Fixture f = [] {
        Fixture fx;
        fx.instance = ig::GadgetInstance::open(
            ig::load_package_from_dir(ig::fuzz::fixture_dir("types_gadget")));
        fx.context = std::make_unique<ig::InstanceContext>(*fx.instance);
        ig::make_formatters_operator()->init(*fx.context);
        ig::make_annotate_operator()->init(*fx.context);
        return fx;
    }();
    return f;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ig::bpf::install_libbpf_logger(false);
    fixture();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::size_t eol = input.find('\n');
    std::string expr(input.substr(0, eol));
    std::string_view rest = eol == std::string_view::npos ? "" : input.substr(eol + 1);

    const ig::DataSource& ds = fixture().context->datasources().at(0);
    // Exactly record_size bytes on the heap, so ASan flags any read past the record.
    std::vector<std::uint8_t> bytes(ds.record_size);
    std::memcpy(bytes.data(), rest.data(), std::min(rest.size(), bytes.size()));
    ig::Record record{&ds, bytes.data(), bytes.size()};
    try {
        ig::CompiledFilter filter(ds, ig::parse_filter(expr));
        (void)filter.matches(record);
    } catch (const ig::Error&) {
        // A rejected expression is a correct outcome.
    }
    return 0;
}
