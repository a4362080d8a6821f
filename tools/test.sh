#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds and runs the whole test suite with ctest. Under CI=true warnings are errors and tests
# needing root, BPF or the registry must run (they fail rather than skip).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-test}

tools/install-deps.sh
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIG_WERROR=$werror
cmake --build "$BUILD_DIR" -j"$(nproc)"
cd "$BUILD_DIR"
exec ctest --output-on-failure --timeout 300 "$@"
