// SPDX-License-Identifier: Apache-2.0
#include "operators/containers/conmon.h"

#include "operators/containers/proc_info.h"

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace ig::containers {
namespace {

// conmon's options that take no value (conmon --help, 2.1); every other option takes one, so a
// value such as `--exit-command-arg --root` is never read as an option.
constexpr std::string_view kFlagsWithoutValue =
    " -e --exec --exec-attach --leave-stdin-open --no-new-keyring --no-pivot --no-sync-log"
    " --replace-listen-pid -i --stdin --sync --syslog -s --systemd-cgroup -t --terminal --version "
    "--full-attach -h --help ";

bool takes_no_value(std::string_view opt) {
    std::string padded = " " + std::string(opt) + " ";
    return kFlagsWithoutValue.find(padded) != std::string_view::npos;
}

std::vector<std::string_view> split_argv(std::string_view cmdline) {
    std::vector<std::string_view> argv;
    while (!cmdline.empty()) {
        auto end = cmdline.find('\0');
        argv.push_back(cmdline.substr(0, end));
        if (end == std::string_view::npos)
            break;
        cmdline.remove_prefix(end + 1);
    }
    return argv;
}

} // namespace

std::optional<std::string> conmon_container_name(std::string_view cmdline,
                                                 std::string_view container_id) {
    auto argv = split_argv(cmdline);
    if (argv.empty())
        return std::nullopt;
    std::string_view prog = argv[0];
    if (auto slash = prog.rfind('/'); slash != std::string_view::npos)
        prog.remove_prefix(slash + 1);
    if (prog != "conmon")
        return std::nullopt;
    std::optional<std::string_view> cid, name;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        std::string_view opt = argv[i], value;
        if (opt.size() < 2 || opt[0] != '-' || takes_no_value(opt))
            continue;
        if (auto eq = opt.find('='); opt.starts_with("--") && eq != std::string_view::npos) {
            value = opt.substr(eq + 1);
            opt = opt.substr(0, eq);
        } else if (i + 1 < argv.size()) {
            value = argv[++i];
        } else {
            break;
        }
        if (opt == "-c" || opt == "--cid")
            cid = value;
        else if (opt == "-n" || opt == "--name")
            name = value;
    }
    if (!cid || *cid != container_id || !name || name->empty())
        return std::nullopt;
    return std::string(*name);
}

std::optional<std::string> podman_name_from_conmon(std::uint32_t init_pid,
                                                   std::string_view container_id,
                                                   const std::string& proc_root) {
    std::uint32_t pid = init_pid;
    for (int depth = 0; depth < 3; ++depth) {
        std::ifstream stat(proc_root + "/" + std::to_string(pid) + "/stat");
        std::string line;
        if (!std::getline(stat, line))
            return std::nullopt;
        auto ppid = parse_stat_field(line, 4);
        if (!ppid || *ppid <= 1)
            return std::nullopt;
        pid = static_cast<std::uint32_t>(*ppid);
        std::ifstream in(proc_root + "/" + std::to_string(pid) + "/cmdline", std::ios::binary);
        std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (auto name = conmon_container_name(cmdline, container_id))
            return name;
    }
    return std::nullopt;
}

} // namespace ig::containers
