// SPDX-License-Identifier: Apache-2.0
#include "operators/containers/state_file.h"

#include "operators/containers/k8s_metadata.h"
#include "runtime/error.h"

#include <filesystem>
#include <nlohmann/json.hpp>

namespace ig::containers {
namespace {

using nlohmann::json;

const json& member(const json& j, const char* key, const char* what) {
    auto it = j.find(key);
    if (it == j.end())
        throw Error(std::string("runc state file has no '") + key + "' (" + what + ")");
    return *it;
}

} // namespace

RuncState parse_runc_state(std::string_view text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw Error("runc state file is not a JSON object");
    RuncState s;
    try {
        s.id = member(j, "id", "container id").get<std::string>();
        s.pid = member(j, "init_process_pid", "init pid").get<std::uint32_t>();
        s.pid_start_ticks = j.value("init_process_start", std::uint64_t{0});
        if (auto cg = j.find("cgroup_paths"); cg != j.end() && cg->is_object())
            if (auto v2 = cg->find(""); v2 != cg->end() && v2->is_string())
                s.cgroup_v2_dir = v2->get<std::string>();
        if (auto cfg = j.find("config"); cfg != j.end() && cfg->is_object())
            if (auto labels = cfg->find("labels"); labels != cfg->end() && labels->is_array())
                for (const auto& l : *labels) {
                    // runc keeps the OCI annotations as "key=value" plus its own "bundle=".
                    std::string kv = l.get<std::string>();
                    auto eq = kv.find('=');
                    std::string key = kv.substr(0, eq);
                    std::string value = eq == std::string::npos ? "" : kv.substr(eq + 1);
                    if (key == "bundle")
                        s.bundle = value;
                    else
                        s.annotations[key] = value;
                }
    } catch (const json::exception& e) {
        throw Error(std::string("runc state file has a field of the wrong type: ") + e.what());
    }
    if (s.id.empty() || s.pid == 0)
        throw Error("runc state file has an empty id or no init pid");
    return s;
}

std::vector<StateRoot> known_state_roots(const std::string& prefix) {
    std::vector<StateRoot> roots{
        {prefix + "/run/runc", "runc", ""},
        {prefix + "/run/docker/runtime-runc/moby", "docker", ""},
    };
    std::error_code ec;
    std::filesystem::directory_iterator it(prefix + "/run/containerd/runc", ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        if (!it->is_directory(ec))
            continue;
        std::string ns = it->path().filename().string();
        // Docker on the system containerd uses namespace "moby".
        roots.push_back({it->path().string(), ns == "moby" ? "docker" : "containerd", ns});
    }
    return roots;
}

StateMetadata metadata_from_state(const RuncState& state, const StateRoot& root) {
    StateMetadata m;
    Container& c = m.container;
    c.id = state.id;
    c.pid = state.pid;
    c.pid_start_ticks = state.pid_start_ticks;
    c.runtime = root.runtime;
    c.state_dir = root.path + "/" + state.id;
    c.labels = state.annotations;
    // podman runs runc with the default root; only its annotation tells it apart.
    if (auto mgr = c.labels.find("io.container.manager");
        mgr != c.labels.end() && mgr->second == "libpod")
        c.runtime = "podman";
    c.k8s = k8s_from_labels(c.labels);
    m.is_sandbox = is_cri_sandbox(c.labels);
    if (auto img = c.labels.find("io.kubernetes.cri.image-name"); img != c.labels.end())
        c.image = img->second;
    c.name = !c.k8s.container_name.empty() ? c.k8s.container_name : c.id;
    return m;
}

} // namespace ig::containers
