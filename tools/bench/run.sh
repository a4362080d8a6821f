#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ig against the limit and its peers, in one invocation (see README.md). Needs root and a build:
#   cmake --build build --target ig tcp_storm ref_consumer gadget_trace_tcp
#   sudo tools/bench/run.sh [--build DIR] [--rounds N] [--cycles N] [--json FILE]
set -euo pipefail
exec python3 "$(dirname "$0")/bench.py" "$@"
