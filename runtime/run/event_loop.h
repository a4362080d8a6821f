// SPDX-License-Identifier: Apache-2.0
// The run loop: one epoll over the gadget's ring buffers (or perf buffers), a signalfd for
// Ctrl-C/SIGTERM and a timerfd for --timeout. Records are handed over as views into the ring,
// without copies except to zero-pad records shorter than their struct.
#pragma once

#include "runtime/datasource/data_source.h"
#include "runtime/gadget/instance.h"

#include <chrono>
#include <cstdint>
#include <vector>

namespace ig {

class RecordHandler {
public:
    virtual ~RecordHandler() = default;
    virtual void on_record(const Record& record) = 0;
    // One table of an array data source (a snapshot, or one interval of a map). Handlers may
    // reorder or drop entries of `records`.
    virtual void on_array(const DataSource& source, std::vector<Record>& records) = 0;
    // `count` records of `source` were dropped since the last report (ring full, perf lost).
    virtual void on_lost(const DataSource& source, std::uint64_t count) = 0;
    // Called after each batch of records, so sinks can flush what they buffered.
    virtual void on_batch_end() {}
};

struct RunOptions {
    std::chrono::milliseconds timeout{0}; // 0: until a signal
    // How often the rings are drained while events flow; BPF only wakes us past a fill level,
    // so this bounds the latency of a quiet trickle of events.
    int busy_poll_ms = 5;
    int idle_poll_ms = 25;
    std::chrono::milliseconds lost_check_interval{1000};
    // How often map iterators are read (and reset).
    std::chrono::milliseconds interval{1000};
};

struct RunStats {
    std::uint64_t records = 0;
    std::uint64_t lost = 0;             // every record dropped, however it was counted
    std::uint64_t reserve_failures = 0; // of which: counted in the kernel by <map>_lost_samples
    bool interrupted = false;           // by a signal, as opposed to the timeout
};

// Sets the ring-buffer wake-up threshold in the object (when the SDK's variable is present) and
// must be called before GadgetInstance::load().
void configure_ring_buffer_batching(GadgetInstance& instance);

class EventLoop {
public:
    EventLoop(GadgetInstance& instance, std::vector<DataSource>& sources, RecordHandler& handler);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Runs until SIGINT/SIGTERM or the timeout. SIGINT and SIGTERM are blocked for the caller's
    // thread while it runs and delivered through a signalfd.
    RunStats run(const RunOptions& options);

    struct Reader; // one per tracer data source; public so libbpf's C callbacks can reach it

private:
    void drain();
    void check_lost(bool final_check);
    void fetch_tables(DataSourceKind kind, bool final_fetch);

    GadgetInstance& instance_;
    std::vector<DataSource>& sources_;
    RecordHandler& handler_;
    std::vector<Reader*> readers_;
    RunStats stats_;
};

} // namespace ig
