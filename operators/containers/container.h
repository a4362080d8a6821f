// SPDX-License-Identifier: Apache-2.0
// What ig knows about one running container, from the runtime's state and its engine API.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace ig::containers {

struct K8sMetadata {
    std::string namespace_name;
    std::string pod_name;
    std::string pod_uid;
    std::string container_name;
    bool empty() const {
        return namespace_name.empty() && pod_name.empty() && container_name.empty();
    }
};

struct Container {
    std::string id;
    std::string name;    // the engine's name (docker/podman), the CRI name, else the id
    std::string runtime; // runc, docker, containerd, podman
    std::string image;
    std::uint32_t pid = 0;             // the container's init process on the host
    std::uint64_t pid_start_ticks = 0; // its start time (clock ticks after boot), against pid reuse
    std::uint64_t mntns_id = 0;
    std::uint64_t netns_id = 0;
    std::string cgroup_path; // cgroup v2 path as in /proc/PID/cgroup ("/docker/<id>")
    std::uint64_t cgroup_id = 0;
    std::string state_dir;                     // the runtime's state directory of this container
    std::map<std::string, std::string> labels; // engine labels and OCI annotations
    K8sMetadata k8s;
};

} // namespace ig::containers
