// SPDX-License-Identifier: Apache-2.0
#include "tools/ig/gadget_validation.h"

#include "operators/annotate/annotate_operator.h"
#include "operators/formatters/formatters.h"
#include "operators/instance_context.h"
#include "runtime/error.h"
#include "runtime/gadget/instance.h"
#include "runtime/gadget/package.h"

namespace ig::cli {

void validate_gadget(const std::string& origin, const std::string& architecture,
                     const std::string& metadata_yaml, const std::vector<std::uint8_t>& object) {
    try {
        // Parses gadget.yaml strictly and checks the ELF; then opening the object matches
        // params.ebpf.* against the GADGET_PARAM variables.
        GadgetPackage package = make_package(origin, metadata_yaml, object);
        auto instance = GadgetInstance::open(package);
        std::vector<std::string> keys;
        for (const auto& p : instance->params())
            keys.push_back(p.key);
        for (const auto& [name, ds] : package.metadata.datasources)
            for (const char* switch_key : {"enabled-by-param", "disabled-by-param"})
                if (auto it = ds.annotations.find(switch_key); it != ds.annotations.end())
                    if (std::find(keys.begin(), keys.end(), it->second) == keys.end())
                        throw Error(origin + "/gadget.yaml: datasources." + name + ": " +
                                    switch_key + " names '" + it->second +
                                    "', which is not a parameter of the gadget");
        // Fields come from BTF and from the formatters (type from type_raw, …); the annotate
        // step then refuses any data source or field gadget.yaml names that does not exist.
        InstanceContext ctx(*instance);
        make_formatters_operator()->init(ctx);
        make_annotate_operator()->init(ctx);
    } catch (const Error& e) {
        throw Error(std::string(e.what()) + " (object built for " + architecture + ")");
    }
}

} // namespace ig::cli
