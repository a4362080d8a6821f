#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One-time set-up on Debian 12: packages, build, install `ig`, the SDK headers and the bundled
# gadgets, which are also put into the local OCI store so `sudo ig run trace_tcp` works offline.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
PREFIX=${PREFIX:-/usr/local}

tools/install-deps.sh
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX="$PREFIX"
cmake --build "$BUILD_DIR" -j"$(nproc)"
cmake --install "$BUILD_DIR"

if "$PREFIX/bin/ig" help | grep -q '^  image '; then
  for dir in "$PREFIX"/share/ig/gadgets/*/; do
    name=$(basename "$dir")
    "$PREFIX/bin/ig" image build "gadgets/$name" -t "$name" \
      --sdk-include "$PREFIX/include" --vmlinux-dir "$PREFIX/include/ig/vmlinux/$(dpkg --print-architecture)"
  done
  "$PREFIX/bin/ig" image list
fi
echo "ig installed: $("$PREFIX/bin/ig" version)"
