// SPDX-License-Identifier: Apache-2.0
// OCI manifests and indexes from a registry or a store. Each parser either throws RegistryError
// or returns a document whose deterministic serialisation parses back to the same bytes (so a
// digest computed over it is stable).
#include "registry/error.h"
#include "registry/oci.h"

#include <cstdio>
#include <cstdlib>

namespace {

template <typename Parse> void check_round_trip(std::string_view json, Parse parse) {
    std::string first;
    try {
        first = ig::registry::serialize(parse(json));
    } catch (const ig::registry::RegistryError&) {
        return; // a refused document is a correct outcome
    }
    std::string second;
    try {
        second = ig::registry::serialize(parse(first));
    } catch (const ig::registry::RegistryError& e) {
        std::fprintf(stderr, "serialised document does not parse: %s\n%s\n", e.what(),
                     first.c_str());
        std::abort();
    }
    if (first != second) {
        std::fprintf(stderr, "serialisation is not stable:\n%s\n%s\n", first.c_str(),
                     second.c_str());
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > ig::registry::kMaxManifestBytes)
        return 0; // refused by size before parsing, everywhere documents are read
    std::string_view json(reinterpret_cast<const char*>(data), size);
    try {
        (void)ig::registry::document_media_type(json);
    } catch (const ig::registry::RegistryError&) {
    }
    check_round_trip(json, [](std::string_view j) { return ig::registry::parse_manifest(j); });
    check_round_trip(json, [](std::string_view j) { return ig::registry::parse_index(j); });
    return 0;
}
