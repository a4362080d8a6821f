// SPDX-License-Identifier: Apache-2.0
// Image references as typed by users or found in an index. Reference::parse either throws
// RegistryError or returns a reference whose normalised form parses back to itself.
#include "registry/error.h"
#include "registry/reference.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string normal;
    try {
        normal = ig::registry::Reference::parse(text).str();
    } catch (const ig::registry::RegistryError&) {
        return 0; // a refused reference is a correct outcome
    }
    // Normalisation is idempotent: a stored or printed reference must mean the same image.
    std::string again;
    try {
        again = ig::registry::Reference::parse(normal).str();
    } catch (const ig::registry::RegistryError& e) {
        std::fprintf(stderr, "normalised reference '%s' does not parse: %s\n", normal.c_str(),
                     e.what());
        std::abort();
    }
    if (again != normal) {
        std::fprintf(stderr, "'%s' normalises to '%s', which normalises to '%s'\n",
                     std::string(text).c_str(), normal.c_str(), again.c_str());
        std::abort();
    }
    return 0;
}
