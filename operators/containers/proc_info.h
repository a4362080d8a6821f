// SPDX-License-Identifier: Apache-2.0
// What /proc says about a container's init process: namespaces, cgroup, start time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ig::containers {

struct ProcInfo {
    std::uint64_t start_ticks = 0;
    std::uint64_t mntns_id = 0;
    std::uint64_t netns_id = 0;
    std::string cgroup_path; // the cgroup v2 line of /proc/PID/cgroup ("0::/docker/<id>")
    std::uint64_t cgroup_id = 0;
};

// std::nullopt if the process is gone (or /proc cannot be read for it).
std::optional<ProcInfo> read_proc_info(std::uint32_t pid, const std::string& proc_root = "/proc");

// Numeric field `n` (>= 3) of /proc/PID/stat; the command name in field 2 may hold spaces and
// parentheses.
std::optional<std::uint64_t> parse_stat_field(const std::string& stat_line, int n);

// Field 22 (starttime).
std::optional<std::uint64_t> parse_stat_start_ticks(const std::string& stat_line);

// The mount namespace of this process: the host's for ig (PID 1's may be unreadable here).
std::uint64_t own_mntns_id();

} // namespace ig::containers
