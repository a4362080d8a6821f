// SPDX-License-Identifier: Apache-2.0
#include "tools/ig/version.h"

#include <bpf/libbpf.h>
#include <cstdio>

#ifndef IG_VERSION
#define IG_VERSION "0.0.0-dev"
#endif

namespace ig::cli {

const char* version_string() {
    return IG_VERSION;
}

int version_command() {
    std::printf("ig version v%s (libbpf %s)\n", IG_VERSION, libbpf_version_string());
    return 0;
}

} // namespace ig::cli
