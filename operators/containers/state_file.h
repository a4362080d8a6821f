// SPDX-License-Identifier: Apache-2.0
// runc's per-container state (<root>/<id>/state.json), shared by every runtime that ends in runc
// (plain runc, containerd shims, Docker, podman): which runtime a state root belongs to and what
// a state file says about its container.
#pragma once

#include "operators/containers/container.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ig::containers {

struct RuncState {
    std::string id;
    std::uint32_t pid = 0;
    std::uint64_t pid_start_ticks = 0;
    std::string bundle;
    std::string cgroup_v2_dir; // cgroup_paths[""], e.g. /sys/fs/cgroup/unified/<id>
    std::map<std::string, std::string> annotations; // config.labels without "bundle="
};

// Throws ig::Error naming the problem when the text is not a runc state file.
RuncState parse_runc_state(std::string_view json);

// A directory holding one subdirectory per container, as `runc --root` does.
struct StateRoot {
    std::string path;
    std::string runtime;              // default runtime of its containers
    std::string containerd_namespace; // for /run/containerd/runc/<ns>
};

// The runc roots of the runtimes in containers.md: plain runc and podman (/run/runc), containerd
// (/run/containerd/runc/<namespace>), Docker (/run/docker/runtime-runc/moby). Under `prefix` (for
// tests); namespaces of containerd are listed from the directory.
std::vector<StateRoot> known_state_roots(const std::string& prefix = "");

// Id, name, runtime, labels, image and Kubernetes names from the state alone. CRI sandboxes
// (pause containers) are marked so discovery can skip them, as Inspektor Gadget does.
struct StateMetadata {
    Container container;
    bool is_sandbox = false;
};
StateMetadata metadata_from_state(const RuncState& state, const StateRoot& root);

} // namespace ig::containers
