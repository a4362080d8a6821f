// SPDX-License-Identifier: Apache-2.0
// Finds running containers and follows their starts and exits.
//
// Every runtime measured here ends in runc, so runc's state roots are the one source of truth
// for what runs (id, init pid, annotations); the Docker and podman APIs add names, images and
// labels. New containers are seen without a race: a fanotify FAN_OPEN_EXEC_PERM mark on the
// runc binaries holds every exec of runc until the state roots have been rescanned and the
// callbacks (which fill the BPF mntns filter) have run. Daemons start a container with
// `runc create` then `runc start`, so the start is held until the created container is
// registered: its first instruction already runs under the filter. A one-shot `runc run`
// creates and starts in one process; it is seen through inotify on the state roots, a few
// milliseconds after it starts. Exits are seen through a pidfd per container. podman's API
// answers only after podman's own start, so podman containers get their name from conmon at once
// and their image and labels from a lookup thread of their own.
#pragma once

#include "operators/containers/engine_api.h"
#include "operators/containers/registry.h"
#include "operators/containers/state_file.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ig::containers {

struct DiscoveryOptions {
    std::string docker_socket = "/run/docker.sock";
    std::string podman_socket = "/run/podman/podman.sock";
    std::string state_prefix;        // prepended to every state root (tests)
    bool hold_runtime_exec = true;   // fanotify on the runc binaries
    long engine_timeout_ms = 1000;   // per engine API request
    bool retire_immediately = false; // no event loop reads the registry (list-containers)
};

struct DiscoveryStats {
    std::atomic<std::uint64_t> held_execs{0};    // runc execs held by fanotify
    std::atomic<std::uint64_t> hold_ns_total{0}; // time they were held, summed
    std::atomic<std::uint64_t> scans{0};
};

class ContainerManager {
public:
    using Callback = std::function<void(const Container&)>;

    explicit ContainerManager(DiscoveryOptions options = {});
    ~ContainerManager();
    ContainerManager(const ContainerManager&) = delete;
    ContainerManager& operator=(const ContainerManager&) = delete;

    ContainerRegistry& registry() { return registry_; }
    const DiscoveryStats& stats() const { return stats_; }

    // Called for every container registered or updated (added) and every one that exited
    // (removed): from scan() on the caller's thread, later from the watcher and lookup threads
    // (one at a time). They may throw ig::Error; the thread reports it on stderr and goes on.
    void set_callbacks(Callback added, Callback removed);

    // Reads the state roots now and registers what runs.
    void scan();
    // Follows starts and exits on a thread of its own until stop(). Throws if neither fanotify
    // nor inotify can be set up.
    void start_watching();
    void stop() noexcept;
    // True when runc execs are held (fanotify works here): starts are race-free.
    bool holds_runtime_exec() const { return fanotify_active_; }

private:
    struct Watcher;
    void scan_locked(bool from_watcher);
    void register_state(const StateRoot& root, const std::string& id, bool from_watcher);
    void fill_from_engine(Container& c);
    void queue_engine_lookup(const std::string& id);
    void run_engine_lookups();
    void container_exited(const std::string& id);

    DiscoveryOptions options_;
    ContainerRegistry registry_;
    DiscoveryStats stats_;
    Callback added_;
    Callback removed_;
    std::mutex scan_mutex_;
    EngineClient docker_;
    EngineClient podman_;
    std::unique_ptr<Watcher> watcher_;
    std::thread thread_;
    std::mutex lookup_mutex_;
    std::condition_variable lookup_cv_;
    std::deque<std::string> lookups_; // container ids whose engine lookup is pending
    bool stop_lookups_ = false;
    std::thread lookup_thread_;
    bool fanotify_active_ = false;
};

} // namespace ig::containers
