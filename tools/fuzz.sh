#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets of tests/fuzz (clang, ASan+UBSan) and fuzzes each one for
# FUZZ_SECONDS seconds (default 20). A long run: FUZZ_SECONDS=3600 tools/fuzz.sh.
# Targets to run may be named: tools/fuzz.sh filter metadata.
#
# Each target's corpus grows in $BUILD_DIR/fuzz-work/<target> (seeded from tests/fuzz/corpus and
# the build's seeds); a crash or hang is written to $BUILD_DIR/fuzz-artifacts/<target>/ and makes
# the script fail. Copy it to tests/fuzz/corpus/<target>/ as a regression input and fix the code.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
JOBS=${BUILD_JOBS:-$(nproc)}

CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DIG_FUZZ=ON -DIG_WERROR=ON >/dev/null
all_targets=$(cmake --build "$BUILD_DIR" --target help | sed -n 's/^\.\.\. fuzz_\([a-z_]*\)$/\1/p' |
              grep -v '_seeds$' | sort)
targets=${*:-$all_targets}
cmake --build "$BUILD_DIR" -j"$JOBS" --target $(printf 'fuzz_%s ' $targets)

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
failed=()
summary=()
for t in $targets; do
    bin="$BUILD_DIR/tests/fuzz/fuzz_$t"
    work="$BUILD_DIR/fuzz-work/$t"
    artifacts="$BUILD_DIR/fuzz-artifacts/$t"
    mkdir -p "$work" "$artifacts"
    seeds=(tests/fuzz/corpus/"$t")
    [ -d "$BUILD_DIR/tests/fuzz/seeds/$t" ] && seeds+=("$BUILD_DIR/tests/fuzz/seeds/$t")
    log="$BUILD_DIR/fuzz-work/$t.log"
    echo "== fuzz_$t: ${FUZZ_SECONDS}s"
    status=0
    started=$SECONDS
    # -timeout: one input running longer than 10 s is a hang, saved like a crash.
    "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "${seeds[@]}" >"$log" 2>&1 ||
        status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    line="fuzz_$t: ${execs:-?} executions in $((SECONDS - started))s, corpus $(ls "$work" | wc -l) inputs"
    if [ $status -ne 0 ]; then
        failed+=("$t")
        line+=", FAILED (exit $status): see $log and $artifacts/"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -5 || true
    fi
    summary+=("$line")
done
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzzing found problems in: ${failed[*]}" >&2
    exit 1
fi
