// SPDX-License-Identifier: Apache-2.0
// A BPF object from an untrusted image: validated by make_package, opened by libbpf, its BTF
// introspected (markers, params, field tables), the formatters and annotations applied as for
// `ig run`, and every field (raw and derived) rendered from a record of exactly the announced
// record size, as the event loop would. Corrupt ELF or BTF must end in ig::Error,
// never in a crash, a read outside the record, or an unbounded allocation.
#include "fuzz_support.h"
#include "operators/annotate/annotate_operator.h"
#include "operators/formatters/formatters.h"
#include "operators/instance_context.h"
#include "runtime/bpf/log.h"
#include "runtime/datasource/field.h"
#include "runtime/error.h"
#include "runtime/gadget/instance.h"
#include "runtime/gadget/package.h"

#include <vector>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ig::bpf::install_libbpf_logger(false);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        auto package =
            ig::make_package("fuzz", "name: fuzz\n", std::vector<std::uint8_t>(data, data + size));
        auto instance = ig::GadgetInstance::open(package);
        ig::InstanceContext context(*instance);
        ig::make_formatters_operator()->init(context);
        ig::make_annotate_operator()->init(context);
        ig::fuzz::DiscardSink sink;
        for (const auto& ds : context.datasources()) {
            std::vector<std::uint8_t> record(ds.record_size, 0xa5);
            for (const auto& field : ds.fields)
                if (field.type != ig::FieldType::Struct)
                    ig::render_field(field, record.data(), sink);
        }
    } catch (const ig::Error&) {
        // A rejected object is a correct outcome.
    }
    return 0;
}
