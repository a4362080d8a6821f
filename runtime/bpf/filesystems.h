// SPDX-License-Identifier: Apache-2.0
// Kernel filesystems libbpf needs: tracefs for tracepoint ids. Minimal hosts and containers often
// boot without it mounted; as root we mount it rather than fail on the first tracepoint.
#pragma once

namespace ig::bpf {

// Mounts tracefs at /sys/kernel/tracing unless tracepoint events are already reachable there or
// under /sys/kernel/debug/tracing. Throws ig::Error if it cannot be made available.
void ensure_tracefs();

} // namespace ig::bpf
