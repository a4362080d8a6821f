// SPDX-License-Identifier: Apache-2.0
// podman's name for a container, read from the command line of the conmon that monitors it
// (`conmon … -c <id> … -n <name> …`).
//
// Why not podman's API: podman holds the container's lock for the whole start, and the start is
// what ig holds with fanotify until the container is in the filter map, so the API cannot answer
// then. `--containername` needs the name at exactly that moment; conmon has it already.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ig::containers {

// `cmdline` is /proc/PID/cmdline (NUL-separated argv). The name, if argv is conmon's and its
// container id (-c/--cid) is `container_id`; std::nullopt otherwise.
std::optional<std::string> conmon_container_name(std::string_view cmdline,
                                                 std::string_view container_id);

// The name from the conmon among the first ancestors of the container's init `init_pid`: conmon
// is its parent once `runc create` has exited, its grandparent while `runc create` still runs
// (runc's init is a child of the runc process, itself a child of conmon).
std::optional<std::string> podman_name_from_conmon(std::uint32_t init_pid,
                                                   std::string_view container_id,
                                                   const std::string& proc_root = "/proc");

} // namespace ig::containers
