// SPDX-License-Identifier: Apache-2.0
#include "operators/containers/registry.h"

#include <algorithm>
#include <mutex>

namespace ig::containers {

void ContainerRegistry::put(Container c) {
    auto p = std::make_shared<const Container>(std::move(c));
    std::unique_lock lock(mutex_);
    if (auto old = by_id_.find(p->id); old != by_id_.end() && old->second->mntns_id != p->mntns_id)
        by_mntns_.erase(old->second->mntns_id);
    std::erase_if(retired_, [&](const Retired& r) { return r.container->mntns_id == p->mntns_id; });
    by_id_[p->id] = p;
    by_mntns_[p->mntns_id] = p;
    generation_.fetch_add(1, std::memory_order_release);
}

ContainerRegistry::Ptr ContainerRegistry::retire(const std::string& id, bool immediately) {
    std::unique_lock lock(mutex_);
    auto it = by_id_.find(id);
    if (it == by_id_.end())
        return nullptr;
    Ptr p = it->second;
    by_id_.erase(it);
    if (auto m = by_mntns_.find(p->mntns_id); m != by_mntns_.end() && m->second == p)
        by_mntns_.erase(m);
    if (!immediately)
        retired_.push_back({p, batches_});
    generation_.fetch_add(1, std::memory_order_release);
    return p;
}

void ContainerRegistry::batch_end() {
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock())
        return; // discovery is writing: drop nothing this time, never stall the event loop
    ++batches_;
    if (std::erase_if(retired_, [&](const Retired& r) { return batches_ >= r.retired_at + 2; }))
        generation_.fetch_add(1, std::memory_order_release);
}

ContainerRegistry::Ptr ContainerRegistry::by_mntns(std::uint64_t mntns) const {
    std::shared_lock lock(mutex_);
    if (auto it = by_mntns_.find(mntns); it != by_mntns_.end())
        return it->second;
    for (const auto& r : retired_)
        if (r.container->mntns_id == mntns)
            return r.container;
    return nullptr;
}

ContainerRegistry::Ptr ContainerRegistry::by_id(const std::string& id) const {
    std::shared_lock lock(mutex_);
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
}

bool ContainerRegistry::contains(const std::string& id) const {
    std::shared_lock lock(mutex_);
    return by_id_.count(id) != 0;
}

std::vector<ContainerRegistry::Ptr> ContainerRegistry::live() const {
    std::vector<Ptr> out;
    {
        std::shared_lock lock(mutex_);
        for (const auto& [id, p] : by_id_)
            out.push_back(p);
    }
    std::sort(out.begin(), out.end(), [](const Ptr& a, const Ptr& b) {
        return std::tie(a->runtime, a->name, a->id) < std::tie(b->runtime, b->name, b->id);
    });
    return out;
}

} // namespace ig::containers
