// SPDX-License-Identifier: Apache-2.0
#include "runtime/bpf/filesystems.h"

#include "runtime/error.h"

#include <cerrno>
#include <sys/mount.h>
#include <unistd.h>

namespace ig::bpf {

void ensure_tracefs() {
    if (access("/sys/kernel/tracing/events", F_OK) == 0 ||
        access("/sys/kernel/debug/tracing/events", F_OK) == 0)
        return;
    if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, nullptr) != 0 && errno != EBUSY)
        throw Error(errno_message("mounting tracefs at /sys/kernel/tracing (needed to attach "
                                  "tracepoints)",
                                  errno));
}

} // namespace ig::bpf
