// SPDX-License-Identifier: Apache-2.0
// Names of kernel values that gadgets report as numbers: open flags, file modes, signals,
// syscalls, errnos. Rendered the way Linux tools print them.
#pragma once

#include <cstdint>
#include <string>

namespace ig {

std::string errno_name(std::uint32_t err);          // "ECONNREFUSED", "" for 0
std::string open_flags_string(std::uint32_t flags); // "O_WRONLY|O_CREAT|O_TRUNC"
std::string file_mode_string(std::uint32_t mode);   // "-rw-r--r--", "drwxr-xr-x"
std::string signal_name(std::uint32_t sig);         // "SIGKILL", "signal#99"
std::string syscall_name(std::uint64_t nr);         // "SYS_OPENAT", "syscall#999"

} // namespace ig
