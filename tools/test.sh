#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The whole test suite, three ways:
#   1. a short bounded fuzz run of every tests/fuzz target (FUZZ_SECONDS each, default 10;
#      FUZZ_SECONDS=0 skips it), in build-test-fuzz (clang, libFuzzer, ASan+UBSan);
#   2. the unit and integration suite built with ASan+UBSan (-DIG_SANITIZE=ON) in
#      build-test-asan, where any sanitizer report aborts the process and so fails its test
#      (SANITIZE=0 skips it);
#   3. the suite in the normal build (build-test), whose ctest summary ends the run.
# The exit code is non-zero if any part failed. Under CI=true warnings are errors and tests
# needing root, BPF or the registry must run (they fail rather than skip). Extra arguments go to
# both ctest runs (e.g. -L unit).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-test}
ASAN_BUILD_DIR=${ASAN_BUILD_DIR:-build-test-asan}
FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-build-test-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
SANITIZE=${SANITIZE:-1}
JOBS=${BUILD_JOBS:-$(nproc)}

tools/install-deps.sh || exit 1
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
start=$(date +%s)
parts=()
status=0
record() { # record <part> <exit code>
    if [ "$2" -eq 0 ]; then parts+=("$1: passed"); else parts+=("$1: FAILED"); status=1; fi
}

# 1. Fuzzing, bounded. tools/fuzz.sh builds the targets and prints executions per target.
if [ "$FUZZ_SECONDS" != 0 ]; then
    FUZZ_BUILD_DIR=$FUZZ_BUILD_DIR FUZZ_SECONDS=$FUZZ_SECONDS BUILD_JOBS=$JOBS tools/fuzz.sh
    record "fuzzing (${FUZZ_SECONDS}s per target)" $?
fi

# 2. The suite under ASan+UBSan. abort_on_error turns every report (leaks included) into
# SIGABRT, which no test mistakes for a refusal exit code.
if [ "$SANITIZE" != 0 ]; then
    if cmake -S . -B "$ASAN_BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIG_WERROR=$werror \
            -DIG_SANITIZE=ON >/dev/null && cmake --build "$ASAN_BUILD_DIR" -j"$JOBS"; then
        (cd "$ASAN_BUILD_DIR" &&
         ASAN_OPTIONS=abort_on_error=1:halt_on_error=1:detect_leaks=1 \
         UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
         ctest --output-on-failure --timeout 300 "$@")
        record "ASan+UBSan suite" $?
    else
        record "ASan+UBSan build" 1
    fi
fi

# 3. The suite in the normal build; its summary is the last thing printed.
if ! cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIG_WERROR=$werror >/dev/null ||
   ! cmake --build "$BUILD_DIR" -j"$JOBS"; then
    record "build" 1
    printf 'test.sh: %s\n' "${parts[@]}"
    exit 1
fi
printf 'test.sh: %s\n' "${parts[@]}" "normal suite follows; $(( $(date +%s) - start ))s so far"
cd "$BUILD_DIR"
ctest --output-on-failure --timeout 300 "$@"
rc=$?
[ $rc -ne 0 ] && status=1
exit $status
