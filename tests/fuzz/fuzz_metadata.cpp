// SPDX-License-Identifier: Apache-2.0
// gadget.yaml from an untrusted image: parsed, validated, then its annotations applied to the
// fixture gadget's fields, as `ig run` does. Rejection is ig::Error; nothing else may escape.
#include "fuzz_support.h"
#include "operators/formatters/formatters.h"
#include "operators/instance_context.h"
#include "runtime/bpf/log.h"
#include "runtime/error.h"
#include "runtime/gadget/annotations.h"
#include "runtime/gadget/instance.h"
#include "runtime/gadget/metadata.h"

#include <memory>

namespace {

// The fixture's data sources after the formatters added their derived fields, as the annotate
// operator sees them.
const std::vector<ig::DataSource>& fixture_datasources() {
    static std::vector<ig::DataSource> sources = [] {
        auto inst = ig::GadgetInstance::open(
            ig::load_package_from_dir(ig::fuzz::fixture_dir("types_gadget")));
        ig::InstanceContext ctx(*inst);
        ig::make_formatters_operator()->init(ctx);
        return ctx.datasources();
    }();
    return sources;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ig::bpf::install_libbpf_logger(false);
    fixture_datasources();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > ig::kMaxMetadataBytes)
        return 0; // load_package_from_dir and the store refuse larger files before parsing
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        ig::GadgetMetadata md = ig::parse_metadata(text, "fuzz/gadget.yaml");
        for (ig::DataSource ds : fixture_datasources()) {
            auto it = md.datasources.find(ds.name);
            ig::apply_field_annotations(ds, it == md.datasources.end() ? nullptr : &it->second,
                                        "fuzz/gadget.yaml");
        }
    } catch (const ig::Error&) {
        // A rejected gadget.yaml is a correct outcome.
    }
    return 0;
}
