// SPDX-License-Identifier: Apache-2.0
#include "operators/containers/containers_operator.h"

#include "operators/containers/discovery.h"
#include "operators/containers/proc_info.h"
#include "operators/containers/selector.h"
#include "runtime/error.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>

namespace ig {
namespace {

using containers::Container;
using containers::ContainerManager;

const char kFilterVar[] = "gadget_filter_by_mntns";
const char kFilterMap[] = "gadget_mntns_filter_map";

struct Enriched {
    const char* name; // child of runtime. or k8s.
    bool k8s;
    const char* width;
    const std::string& (*value)(const Container&);
};

const Enriched kFields[] = {
    {"namespace", true, "30",
     [](const Container& c) -> const std::string& { return c.k8s.namespace_name; }},
    {"podName", true, "30",
     [](const Container& c) -> const std::string& { return c.k8s.pod_name; }},
    {"containerName", true, "30",
     [](const Container& c) -> const std::string& { return c.k8s.container_name; }},
    {"containerName", false, "30", [](const Container& c) -> const std::string& { return c.name; }},
    {"containerId", false, "13", [](const Container& c) -> const std::string& { return c.id; }},
    {"runtimeName", false, "19",
     [](const Container& c) -> const std::string& { return c.runtime; }},
    {"containerImageName", false, "30",
     [](const Container& c) -> const std::string& { return c.image; }},
};

// The container of the last record seen, so that the seven enriched fields of one record (and
// usually the next records, which come in bursts from one process) cost one registry lookup.
// Used from the event-loop thread only.
class LookupCache {
public:
    explicit LookupCache(std::shared_ptr<ContainerManager> manager)
        : manager_(std::move(manager)) {}

    const Container* find(std::uint64_t mntns) {
        const auto& registry = manager_->registry();
        std::uint64_t generation = registry.generation();
        if (!valid_ || mntns != mntns_ || generation != generation_) {
            container_ = registry.by_mntns(mntns);
            mntns_ = mntns;
            generation_ = generation;
            valid_ = true;
        }
        return container_.get();
    }

private:
    std::shared_ptr<ContainerManager> manager_;
    containers::ContainerRegistry::Ptr container_;
    std::uint64_t mntns_ = 0;
    std::uint64_t generation_ = 0;
    bool valid_ = false;
};

std::uint64_t read_id(const std::uint8_t* p, std::uint32_t size) {
    std::uint64_t v = 0;
    std::memcpy(&v, p, std::min<std::uint32_t>(size, 8)); // little-endian hosts only
    return v;
}

class ContainersOperator final : public Operator {
public:
    std::string_view name() const override { return "containers"; }
    Stage stage() const override { return Stage::Source; }
    std::string_view description() const override {
        return "container discovery, kernel-side container filter, runtime/k8s fields";
    }

    std::vector<FlagSpec> flags() const override {
        return {
            {"containername", "c", "Only these containers (comma list, !name excludes)", ""},
            {"runtimes", "r", "Only containers of these runtimes: runc, docker, containerd, podman",
             ""},
            {"podname", "p", "Only containers of these Kubernetes pods", ""},
            {"namespace", "n", "Only containers of these Kubernetes namespaces", ""},
            {"all-namespaces", "A", "Containers of every Kubernetes namespace (the default)", "",
             true},
            {"selector", "l", "Only containers with these labels: key=value,key=!value,!key", ""},
            {"host", "", "Also show events of processes outside containers", "", true},
            {"containers", "",
             "Discover containers, filter and enrich events by them (--containers=false: off)",
             "true", true},
            {"docker-socketpath", "", "Docker Engine API socket", "/run/docker.sock"},
            {"podman-socketpath", "", "podman API socket", "/run/podman/podman.sock"},
        };
    }

    void configure(const FlagValues& v) override {
        auto get = [&](const char* k) {
            auto it = v.find(k);
            return it == v.end() ? std::string() : it->second;
        };
        enabled_ = get("containers") != "false";
        host_ = get("host") == "true";
        selector_.names = containers::NameMatcher::parse(get("containername"), "containername");
        selector_.runtimes = containers::NameMatcher::parse(get("runtimes"), "runtimes");
        selector_.pod_names = containers::NameMatcher::parse(get("podname"), "podname");
        selector_.namespaces = containers::NameMatcher::parse(get("namespace"), "namespace");
        selector_.labels = containers::LabelSelector::parse(get("selector"), "selector");
        if (get("all-namespaces") == "true" && !selector_.namespaces.empty())
            throw Error("--all-namespaces and --namespace exclude each other");
        if (!enabled_ && (host_ || !selector_.empty()))
            throw Error("container flags (--containername, --host, …) need --containers=true");
        options_.docker_socket = get("docker-socketpath");
        options_.podman_socket = get("podman-socketpath");
        if (options_.docker_socket.empty() || options_.podman_socket.empty())
            throw Error("--docker-socketpath and --podman-socketpath must not be empty");
    }

    void init(GadgetContext& ctx) override {
        if (!enabled_)
            return;
        manager_ = std::make_shared<ContainerManager>(options_);
        lookup_ = std::make_shared<LookupCache>(manager_);
        manager_->scan();
        bool show_k8s = selector_.selects_k8s();
        for (const auto& c : manager_->registry().live())
            show_k8s = show_k8s || (selector_.matches(*c) && !c->k8s.empty());
        for (auto& ds : ctx.datasources())
            enrich(ds, show_k8s);
    }

    void pre_load(GadgetContext& ctx) override {
        if (!enabled_ || (host_ && selector_.empty()))
            return; // everything, as Inspektor Gadget does with --host alone
        if (!host_ && selector_.empty() && manager_->registry().live().empty())
            // Otherwise a user on a host without containers sees an empty table and no reason.
            std::fputs("NOTE: showing events of containers only, and none is running yet; add "
                       "--host to include host processes\n",
                       stderr);
        const bool on = true;
        kernel_filter_ = ctx.set_constant(kFilterVar, &on, sizeof on);
        if (kernel_filter_)
            return;
        if (mntns_fields_.empty()) {
            if (!selector_.empty())
                throw Error("gadget " + ctx.gadget_name() +
                            " has no mount-namespace field or container filter: it cannot be "
                            "narrowed to containers");
            return; // nothing tells containers apart: show every event
        }
        user_filter_ = true; // the gadget has no kernel filter: drop in user space instead
    }

    void post_load(GadgetContext& ctx) override {
        if (!manager_ || !kernel_filter_)
            return;
        ctx_ = &ctx;
        if (host_) {
            std::uint64_t host = containers::own_mntns_id();
            std::uint32_t one = 1;
            ctx.update_map(kFilterMap, &host, &one);
        }
        manager_->set_callbacks([this](const Container& c) { container_added(c); },
                                [this](const Container& c) { container_removed(c); });
        for (const auto& c : manager_->registry().live())
            container_added(*c);
    }

    void start(GadgetContext&) override {
        if (manager_)
            manager_->start_watching();
    }

    void stop() noexcept override {
        if (manager_)
            manager_->stop();
    }

    bool on_record(const Record& r) override {
        if (!user_filter_)
            return true;
        auto it = mntns_fields_.find(r.source);
        if (it == mntns_fields_.end())
            return true;
        const Container* c = lookup_->find(read_id(r.data + it->second.first, it->second.second));
        return c ? selector_.matches(*c) : host_;
    }

    void on_batch_end() override {
        if (manager_)
            manager_->registry().batch_end();
    }

private:
    void enrich(DataSource& ds, bool show_k8s) {
        std::optional<std::size_t> mntns;
        for (std::size_t i = 0; i < ds.fields.size() && !mntns; ++i)
            if (ds.fields[i].has_tag("gadget_mntns_id") && ds.fields[i].size <= 8 &&
                !ds.fields[i].derived)
                mntns = i;
        if (!mntns || ds.find("runtime") || ds.find("k8s"))
            return;
        std::uint32_t off = ds.fields[*mntns].offset, size = ds.fields[*mntns].size;
        mntns_fields_[&ds] = {off, size};
        int parents[2] = {add_struct(ds, "k8s"), add_struct(ds, "runtime")};
        for (const auto& e : kFields) {
            Field f;
            f.member = e.name;
            f.name = std::string(e.k8s ? "k8s." : "runtime.") + e.name;
            f.parent = parents[e.k8s ? 0 : 1];
            f.type = FieldType::String;
            f.derived = true;
            auto value = e.value;
            f.renderer = [cache = lookup_, off, size, value](const std::uint8_t* rec,
                                                             ValueSink& out) {
                const Container* c = cache->find(read_id(rec + off, size));
                out.string_value(c ? std::string_view(value(*c)) : std::string_view());
            };
            f.annotations["columns.width"] = e.width;
            bool visible = e.k8s ? show_k8s : std::strcmp(e.name, "containerName") == 0;
            if (visible)
                f.display_first = true;
            else
                f.annotations["columns.hidden"] = "true";
            ds.add_field(std::move(f));
        }
    }

    static int add_struct(DataSource& ds, const std::string& name) {
        Field s;
        s.name = s.member = name;
        s.type = FieldType::Struct;
        s.derived = true;
        return static_cast<int>(ds.add_field(std::move(s)));
    }

    // Called from the discovery thread once running; serialised by the manager.
    void container_added(const Container& c) {
        std::lock_guard lock(mutex_);
        if (selector_.matches(c)) {
            std::uint32_t one = 1;
            ctx_->update_map(kFilterMap, &c.mntns_id, &one);
            owner_[c.mntns_id] = c.id;
        } else if (auto it = owner_.find(c.mntns_id); it != owner_.end()) {
            ctx_->delete_map_entry(kFilterMap, &c.mntns_id); // a reused mntns id
            owner_.erase(it);
        }
    }

    void container_removed(const Container& c) {
        std::lock_guard lock(mutex_);
        // Only if no newer container took the mntns id over in the meantime.
        if (auto it = owner_.find(c.mntns_id); it != owner_.end() && it->second == c.id) {
            ctx_->delete_map_entry(kFilterMap, &c.mntns_id);
            owner_.erase(it);
        }
    }

    bool enabled_ = true;
    bool host_ = false;
    bool kernel_filter_ = false;
    bool user_filter_ = false;
    containers::ContainerSelector selector_;
    containers::DiscoveryOptions options_;
    std::shared_ptr<ContainerManager> manager_;
    std::shared_ptr<LookupCache> lookup_;
    std::map<const DataSource*, std::pair<std::uint32_t, std::uint32_t>> mntns_fields_;
    GadgetContext* ctx_ = nullptr;
    std::mutex mutex_;
    std::map<std::uint64_t, std::string> owner_; // mntns ids in the kernel map -> container id
};

} // namespace

std::unique_ptr<Operator> make_containers_operator() {
    return std::make_unique<ContainersOperator>();
}

} // namespace ig
