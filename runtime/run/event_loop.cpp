// SPDX-License-Identifier: Apache-2.0
#include "runtime/run/event_loop.h"

#include "runtime/error.h"
#include "runtime/run/table_reader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <csignal>
#include <cstring>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace ig {

struct EventLoop::Reader {
    EventLoop* loop = nullptr;
    const DataSource* source = nullptr;
    ring_buffer* ring = nullptr;
    perf_buffer* perf = nullptr;
    int lost_map_fd = -1;            // <map>_lost_samples (per-CPU counters), if present
    std::uint64_t lost_reported = 0; // cumulative value already reported
    std::vector<std::uint8_t> padded;

    ~Reader() {
        if (ring)
            ring_buffer__free(ring);
        if (perf)
            perf_buffer__free(perf);
    }

    void deliver(const void* data, std::size_t size) {
        Record r{source, static_cast<const std::uint8_t*>(data), size};
        if (size < source->record_size) {
            // Older gadget builds may send shorter records: zero-pad so every field reads safely.
            padded.assign(source->record_size, 0);
            std::memcpy(padded.data(), data, size);
            r.data = padded.data();
            r.size = padded.size();
        }
        ++loop->stats_.records;
        loop->handler_.on_record(r);
    }
};

namespace {

int ring_callback(void* ctx, void* data, std::size_t size) {
    static_cast<EventLoop::Reader*>(ctx)->deliver(data, size);
    return 0;
}

} // namespace

// Out-of-class helpers need access to Reader; keep them as static member-like free functions.
static void perf_sample(void* ctx, int, void* data, __u32 size) {
    ring_callback(ctx, data, size);
}

void configure_ring_buffer_batching(GadgetInstance& instance) {
    // Wake user space once an eighth of the smallest tracer ring is filled; the loop's short
    // poll delivers anything below that. Measured: per-event wake-ups cost the traced workload
    // ~50% on two cores, batched ones ~7%.
    std::uint32_t smallest = 0;
    for (const auto& map_name : instance.introspection().tracer_maps) {
        bpf_map* map = bpf_object__find_map_by_name(instance.object(), map_name.c_str());
        if (map && bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF) {
            std::uint32_t size = bpf_map__max_entries(map);
            smallest = smallest == 0 ? size : std::min(smallest, size);
        }
    }
    if (smallest == 0)
        return;
    std::uint32_t threshold = smallest / 8;
    instance.set_rodata_variable("gadget_ringbuf_wakeup_bytes", &threshold, sizeof threshold);
}

EventLoop::EventLoop(GadgetInstance& instance, std::vector<DataSource>& sources,
                     RecordHandler& handler)
    : instance_(instance), sources_(sources), handler_(handler) {
    for (const auto& ds : sources) {
        if (ds.kind != DataSourceKind::Tracer || !ds.enabled)
            continue;
        auto* reader = new Reader;
        readers_.push_back(reader);
        reader->loop = this;
        reader->source = &ds;
        int fd = instance.map_fd(ds.map_name);
        bpf_map* map = bpf_object__find_map_by_name(instance.object(), ds.map_name.c_str());
        if (bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF) {
            reader->ring = ring_buffer__new(fd, ring_callback, reader, nullptr);
            if (!reader->ring)
                throw Error(errno_message("opening ring buffer " + ds.map_name, errno));
        } else if (bpf_map__type(map) == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
            reader->perf = perf_buffer__new(
                fd, 64, perf_sample,
                [](void* ctx, int, __u64 count) {
                    auto* r = static_cast<Reader*>(ctx);
                    r->loop->stats_.lost += count;
                    r->loop->handler_.on_lost(*r->source, count);
                },
                reader, nullptr);
            if (!reader->perf)
                throw Error(errno_message("opening perf buffer " + ds.map_name, errno));
        } else {
            throw Error("map " + ds.map_name + " of data source " + ds.name +
                        " is neither a ring buffer nor a perf event array");
        }
        bpf_map* lost = bpf_object__find_map_by_name(instance.object(),
                                                     (ds.map_name + "_lost_samples").c_str());
        if (lost)
            reader->lost_map_fd = bpf_map__fd(lost);
    }
}

EventLoop::~EventLoop() {
    for (auto* r : readers_)
        delete r;
}

void EventLoop::drain() {
    for (auto* r : readers_) {
        int n = r->ring ? ring_buffer__consume(r->ring) : perf_buffer__consume(r->perf);
        if (n < 0 && n != -EINTR)
            throw Error(errno_message("reading events of " + r->source->name, n));
    }
    handler_.on_batch_end();
}

void EventLoop::check_lost(bool) {
    int ncpus = libbpf_num_possible_cpus();
    if (ncpus <= 0)
        return;
    std::vector<std::uint64_t> values(static_cast<std::size_t>(ncpus));
    for (auto* r : readers_) {
        if (r->lost_map_fd < 0)
            continue;
        std::uint32_t key = 0;
        if (bpf_map_lookup_elem(r->lost_map_fd, &key, values.data()) != 0)
            continue;
        std::uint64_t total = 0;
        for (auto v : values)
            total += v;
        if (total > r->lost_reported) {
            std::uint64_t delta = total - r->lost_reported;
            r->lost_reported = total;
            stats_.lost += delta;
            stats_.reserve_failures += delta;
            handler_.on_lost(*r->source, delta);
        }
    }
}

void EventLoop::fetch_tables(DataSourceKind kind, bool final_fetch) {
    Table table;
    for (const auto& ds : sources_) {
        if (ds.kind != kind || !ds.enabled)
            continue;
        if (final_fetch && ds.annotations.count("ebpf.map.flush-on-stop") == 0)
            continue;
        if (kind == DataSourceKind::Iterator)
            read_iterator(instance_, ds, table);
        else
            read_map(instance_, ds, true, table);
        stats_.records += table.records.size();
        handler_.on_array(ds, table.records);
    }
    handler_.on_batch_end();
}

RunStats EventLoop::run(const RunOptions& options) {
    sigset_t mask, old_mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &mask, &old_mask) != 0)
        throw Error(errno_message("blocking signals", errno));
    struct MaskRestorer {
        sigset_t old;
        ~MaskRestorer() { sigprocmask(SIG_SETMASK, &old, nullptr); }
    } restore{old_mask};

    bpf::Fd sig_fd(signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
    bpf::Fd ep(epoll_create1(EPOLL_CLOEXEC));
    bpf::Fd timer;
    if (!sig_fd || !ep)
        throw Error(errno_message("setting up the event loop", errno));

    auto add = [&](int fd, std::uint64_t tag) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = tag;
        if (epoll_ctl(ep.get(), EPOLL_CTL_ADD, fd, &ev) != 0)
            throw Error(errno_message("epoll_ctl", errno));
    };
    constexpr std::uint64_t kSignal = 1, kTimeout = 2, kEvents = 3, kInterval = 4;
    add(sig_fd.get(), kSignal);
    for (auto* r : readers_)
        add(r->ring ? ring_buffer__epoll_fd(r->ring) : perf_buffer__epoll_fd(r->perf), kEvents);
    if (options.timeout.count() > 0) {
        timer = bpf::Fd(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
        if (!timer)
            throw Error(errno_message("timerfd_create", errno));
        itimerspec its{};
        its.it_value.tv_sec = options.timeout.count() / 1000;
        its.it_value.tv_nsec = (options.timeout.count() % 1000) * 1000000;
        timerfd_settime(timer.get(), 0, &its, nullptr);
        add(timer.get(), kTimeout);
    }

    bool has_stream = !readers_.empty();
    bool has_maps = false;
    for (const auto& ds : sources_)
        has_maps |= ds.enabled && ds.kind == DataSourceKind::MapIterator;

    // Snapshots are taken once, at start; a gadget made only of them is done after that.
    fetch_tables(DataSourceKind::Iterator, false);
    if (!has_stream && !has_maps)
        return stats_;

    bpf::Fd interval_timer;
    if (has_maps) {
        interval_timer = bpf::Fd(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
        if (!interval_timer)
            throw Error(errno_message("timerfd_create", errno));
        itimerspec its{};
        auto ms = std::max<long long>(options.interval.count(), 1);
        its.it_value.tv_sec = its.it_interval.tv_sec = ms / 1000;
        its.it_value.tv_nsec = its.it_interval.tv_nsec = (ms % 1000) * 1000000;
        timerfd_settime(interval_timer.get(), 0, &its, nullptr);
        add(interval_timer.get(), kInterval);
    }

    using clock = std::chrono::steady_clock;
    auto next_lost_check = clock::now() + options.lost_check_interval;
    auto last_activity = clock::now();
    bool stop = false;
    while (!stop) {
        bool busy = clock::now() - last_activity < std::chrono::seconds(1);
        epoll_event evs[8];
        int n = epoll_wait(ep.get(), evs, 8, busy ? options.busy_poll_ms : options.idle_poll_ms);
        if (n < 0 && errno != EINTR)
            throw Error(errno_message("epoll_wait", errno));
        for (int i = 0; i < n; ++i) {
            if (evs[i].data.u64 == kSignal) {
                // Consume it: a signal left pending would kill us once the mask is restored.
                signalfd_siginfo info;
                while (read(sig_fd.get(), &info, sizeof info) == sizeof info) {
                }
                stats_.interrupted = true;
                stop = true;
            } else if (evs[i].data.u64 == kTimeout) {
                stop = true;
            } else if (evs[i].data.u64 == kInterval) {
                std::uint64_t expirations = 0;
                if (read(interval_timer.get(), &expirations, sizeof expirations) > 0)
                    fetch_tables(DataSourceKind::MapIterator, false);
            }
        }
        std::uint64_t before = stats_.records;
        drain();
        if (stats_.records != before)
            last_activity = clock::now();
        if (clock::now() >= next_lost_check) {
            check_lost(false);
            next_lost_check = clock::now() + options.lost_check_interval;
        }
    }
    // Deliver what is still in the rings and count the last losses before reporting.
    drain();
    fetch_tables(DataSourceKind::MapIterator, true);
    check_lost(true);
    return stats_;
}

} // namespace ig
