// SPDX-License-Identifier: Apache-2.0
#include "operators/containers/proc_info.h"

#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace ig::containers {
namespace {

std::uint64_t inode_of(const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

} // namespace

std::optional<std::uint64_t> parse_stat_field(const std::string& stat_line, int n) {
    auto paren = stat_line.rfind(')');
    if (paren == std::string::npos || n < 3)
        return std::nullopt;
    std::istringstream in(stat_line.substr(paren + 1));
    std::string field;
    // After the comm: field 3 (state) .. field n.
    for (int i = 3; i <= n; ++i)
        if (!(in >> field))
            return std::nullopt;
    try {
        return std::stoull(field);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::optional<std::uint64_t> parse_stat_start_ticks(const std::string& stat_line) {
    return parse_stat_field(stat_line, 22);
}

std::optional<ProcInfo> read_proc_info(std::uint32_t pid, const std::string& proc_root) {
    std::string dir = proc_root + "/" + std::to_string(pid);
    std::ifstream stat_file(dir + "/stat");
    std::string line;
    if (!std::getline(stat_file, line))
        return std::nullopt;
    ProcInfo info;
    auto ticks = parse_stat_start_ticks(line);
    if (!ticks)
        return std::nullopt;
    info.start_ticks = *ticks;
    info.mntns_id = inode_of(dir + "/ns/mnt");
    info.netns_id = inode_of(dir + "/ns/net");
    if (info.mntns_id == 0)
        return std::nullopt;
    std::ifstream cg(dir + "/cgroup");
    while (std::getline(cg, line))
        if (line.rfind("0::", 0) == 0)
            info.cgroup_path = line.substr(3);
    if (!info.cgroup_path.empty()) {
        // Hybrid hierarchies mount v2 at /sys/fs/cgroup/unified, pure v2 at /sys/fs/cgroup.
        info.cgroup_id = inode_of("/sys/fs/cgroup/unified" + info.cgroup_path);
        if (info.cgroup_id == 0)
            info.cgroup_id = inode_of("/sys/fs/cgroup" + info.cgroup_path);
    }
    return info;
}

std::uint64_t own_mntns_id() {
    return inode_of("/proc/self/ns/mnt");
}

} // namespace ig::containers
