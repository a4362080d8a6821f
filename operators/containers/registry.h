// SPDX-License-Identifier: Apache-2.0
// The containers known right now, by id and by mount-namespace id, safe to read from the event
// thread while discovery writes from its own. Mount-namespace ids are reused quickly, so an
// exited container is not kept: it is retired, still answering lookups only until the event
// loop has drained what the kernel queued before the exit (two batch ends), then forgotten.
#pragma once

#include "operators/containers/container.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace ig::containers {

class ContainerRegistry {
public:
    using Ptr = std::shared_ptr<const Container>;

    // Adds or replaces (same id) a container; it takes over its mntns id from any retired one.
    void put(Container c);
    // Takes a container out of the live set. With `immediately` it is forgotten at once;
    // otherwise lookups by mntns still find it until two more batch_end() calls.
    Ptr retire(const std::string& id, bool immediately = false);
    // The event loop finished draining its rings once more.
    void batch_end();

    Ptr by_mntns(std::uint64_t mntns) const;
    // Changes whenever a lookup by mntns could answer differently; lets the event thread cache
    // its last lookup instead of taking the lock for every enriched field.
    std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
    Ptr by_id(const std::string& id) const;
    bool contains(const std::string& id) const;
    std::vector<Ptr> live() const; // sorted by name

private:
    struct Retired {
        Ptr container;
        std::uint64_t retired_at; // batch count when retired
    };
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, Ptr> by_id_;
    std::unordered_map<std::uint64_t, Ptr> by_mntns_;
    std::vector<Retired> retired_;
    std::uint64_t batches_ = 0;
    std::atomic<std::uint64_t> generation_{0};
};

} // namespace ig::containers
