// SPDX-License-Identifier: Apache-2.0
// The limit for a user-space consumer of trace_tcp: the same BPF object, ring buffer and batched
// wake-up threshold as `ig run trace_tcp`, read by a tight ring_buffer__poll loop written
// directly against libbpf. Mode `count` only counts records; mode `json` formats each one as
// the JSON line `ig -o json --host` prints for a host process (same fields, hand-written into a
// reused buffer, written in 64 KiB chunks). Runs until SIGINT/SIGTERM, then prints on stderr
//   {"stats":{"records":N,"lost":N,"reserve_failures":N,"start_to_attached_ms":X}}
//
//   ref_consumer OBJECT [--mode count|json] [--out FILE] [--verbose]
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// Mirrors of the SDK's structs (sdk/include/gadget/types.h) and trace_tcp's `struct event`;
// check_layout() compares them with the object's BTF so a changed gadget fails loudly.
struct alignas(16) L4Endpoint {
    std::uint8_t addr[16];
    std::uint16_t port; // host byte order
    std::uint16_t proto;
    std::uint8_t version;
};
struct Process {
    char comm[16];
    std::uint32_t pid, tid;
    std::uint64_t mntns_id;
    std::uint32_t uid, gid;
    char pcomm[16];
    std::uint32_t ppid, ptid;
};
struct Event {
    std::uint64_t timestamp;
    Process proc;
    std::uint32_t netns_id;
    L4Endpoint src, dst;
    std::uint32_t type, error;
    std::int32_t fd, accept_fd;
};
static_assert(sizeof(L4Endpoint) == 32 && sizeof(Process) == 64 && sizeof(Event) == 160);

struct ObjectCloser {
    void operator()(bpf_object* o) const { bpf_object__close(o); }
};
struct LinkDestroyer {
    void operator()(bpf_link* l) const { bpf_link__destroy(l); }
};
struct RingFreer {
    void operator()(ring_buffer* r) const { ring_buffer__free(r); }
};

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0)
            close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

std::runtime_error failure(const std::string& what, int err) {
    return std::runtime_error(what + ": " + std::strerror(err < 0 ? -err : err));
}

volatile std::sig_atomic_t g_stop = 0;
bool g_verbose = false;

int libbpf_log(libbpf_print_level level, const char* fmt, va_list args) {
    if (!g_verbose && level != LIBBPF_WARN)
        return 0;
    return std::vfprintf(stderr, fmt, args);
}

// Sets a `const volatile` variable of .rodata before load, as ig does for its parameters.
void set_rodata(bpf_object* obj, const char* name, const void* value, std::size_t size) {
    const btf* b = bpf_object__btf(obj);
    int sec_id = btf__find_by_name_kind(b, ".rodata", BTF_KIND_DATASEC);
    bpf_map* rodata = nullptr;
    bpf_map* m = nullptr;
    bpf_object__for_each_map(m, obj) {
        std::string n = bpf_map__name(m);
        if (bpf_map__is_internal(m) && n.size() >= 7 && n.ends_with(".rodata"))
            rodata = m;
    }
    if (sec_id < 0 || !rodata)
        throw std::runtime_error("the object has no .rodata");
    const btf_type* sec = btf__type_by_id(b, sec_id);
    const btf_var_secinfo* vs = btf_var_secinfos(sec);
    for (std::uint16_t i = 0; i < btf_vlen(sec); ++i) {
        const btf_type* var = btf__type_by_id(b, vs[i].type);
        if (std::strcmp(btf__name_by_offset(b, var->name_off), name) != 0)
            continue;
        std::size_t total = 0;
        const auto* data = static_cast<const std::uint8_t*>(bpf_map__initial_value(rodata, &total));
        if (!data || vs[i].size != size || vs[i].offset + size > total)
            throw std::runtime_error(std::string("cannot set ") + name + " in .rodata");
        std::vector<std::uint8_t> copy(data, data + total);
        std::memcpy(copy.data() + vs[i].offset, value, size);
        if (int err = bpf_map__set_initial_value(rodata, copy.data(), copy.size()))
            throw failure(std::string("setting ") + name, err);
        return;
    }
    throw std::runtime_error(std::string("no variable ") + name + " in .rodata");
}

void check_layout(bpf_object* obj) {
    const btf* b = bpf_object__btf(obj);
    int id = btf__find_by_name_kind(b, "event", BTF_KIND_STRUCT);
    if (id < 0)
        throw std::runtime_error("the object has no struct event");
    const btf_type* t = btf__type_by_id(b, id);
    if (t->size != sizeof(Event))
        throw std::runtime_error("struct event has " + std::to_string(t->size) +
                                 " bytes, this consumer expects " + std::to_string(sizeof(Event)));
    const std::pair<const char*, std::size_t> expected[] = {
        {"timestamp_raw", offsetof(Event, timestamp)},
        {"proc", offsetof(Event, proc)},
        {"netns_id", offsetof(Event, netns_id)},
        {"src", offsetof(Event, src)},
        {"dst", offsetof(Event, dst)},
        {"type_raw", offsetof(Event, type)},
        {"error_raw", offsetof(Event, error)},
        {"fd", offsetof(Event, fd)},
        {"accept_fd", offsetof(Event, accept_fd)}};
    const btf_member* mem = btf_members(t);
    for (const auto& [name, offset] : expected) {
        bool found = false;
        for (std::uint16_t i = 0; i < btf_vlen(t); ++i)
            if (std::strcmp(btf__name_by_offset(b, mem[i].name_off), name) == 0)
                found = btf_member_bit_offset(t, i) == offset * 8;
        if (!found)
            throw std::runtime_error(std::string("struct event: member ") + name +
                                     " missing or moved");
    }
}

// Formats records as ig's JSON lines into one reused buffer.
class JsonWriter {
public:
    JsonWriter(int fd) : fd_(fd) {
        buf_.reserve(kFlush + 4096);
        timespec real{}, boot{};
        clock_gettime(CLOCK_REALTIME, &real);
        clock_gettime(CLOCK_BOOTTIME, &boot);
        boot_to_real_ns_ =
            (real.tv_sec - boot.tv_sec) * 1000000000LL + (real.tv_nsec - boot.tv_nsec);
    }

    void event(const Event& e) {
        put("{\"timestamp_raw\":");
        num(e.timestamp);
        put(",\"timestamp\":\"");
        timestamp(e.timestamp);
        put("\",\"proc\":{\"comm\":\"");
        str(e.proc.comm, sizeof e.proc.comm);
        put("\",\"pid\":");
        num(e.proc.pid);
        put(",\"tid\":");
        num(e.proc.tid);
        put(",\"mntns_id\":");
        num(e.proc.mntns_id);
        put(",\"creds\":{\"uid\":");
        num(e.proc.uid);
        put(",\"gid\":");
        num(e.proc.gid);
        put("},\"parent\":{\"comm\":\"");
        str(e.proc.pcomm, sizeof e.proc.pcomm);
        put("\",\"pid\":");
        num(e.proc.ppid);
        put(",\"tid\":");
        num(e.proc.ptid);
        put("}},\"netns_id\":");
        num(e.netns_id);
        put(",\"src\":");
        endpoint(e.src);
        put(",\"dst\":");
        endpoint(e.dst);
        put(",\"type_raw\":");
        num(e.type);
        static const char* const kTypes[] = {"connect", "accept", "close"};
        put(",\"type\":\"");
        put(e.type < 3 ? kTypes[e.type] : "");
        put("\",\"error_raw\":");
        num(e.error);
        put(",\"error\":\"");
        if (e.error) {
            const char* name = strerrorname_np(static_cast<int>(e.error));
            put(name ? name : "");
        }
        put("\",\"fd\":");
        signed_num(e.fd);
        put(",\"accept_fd\":");
        signed_num(e.accept_fd);
        // ig's containers operator adds these; for host processes (the benchmark's workload)
        // they are empty, and this consumer knows no containers.
        put(",\"k8s\":{\"namespace\":\"\",\"podName\":\"\",\"containerName\":\"\"},"
            "\"runtime\":{\"containerName\":\"\",\"containerId\":\"\",\"runtimeName\":\"\","
            "\"containerImageName\":\"\"}}\n");
        if (buf_.size() >= kFlush)
            flush();
    }

    void flush() {
        std::size_t done = 0;
        while (done < buf_.size()) {
            ssize_t n = write(fd_, buf_.data() + done, buf_.size() - done);
            if (n < 0 && errno != EINTR)
                throw failure("writing the output", errno);
            if (n > 0)
                done += static_cast<std::size_t>(n);
        }
        buf_.clear();
    }

private:
    static constexpr std::size_t kFlush = 64 * 1024;

    void put(const char* s) { buf_.append(s); }
    void num(std::uint64_t v) {
        char tmp[24];
        char* p = tmp + sizeof tmp;
        do {
            *--p = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v);
        buf_.append(p, static_cast<std::size_t>(tmp + sizeof tmp - p));
    }
    void signed_num(std::int64_t v) {
        if (v < 0) {
            buf_ += '-';
            num(static_cast<std::uint64_t>(-v));
        } else {
            num(static_cast<std::uint64_t>(v));
        }
    }
    void str(const char* s, std::size_t max) {
        for (std::size_t i = 0; i < max && s[i]; ++i) {
            auto c = static_cast<unsigned char>(s[i]);
            if (c == '"' || c == '\\') {
                buf_ += '\\';
                buf_ += static_cast<char>(c);
            } else if (c < 0x20) {
                char esc[8];
                std::snprintf(esc, sizeof esc, "\\u%04x", c);
                buf_ += esc;
            } else {
                buf_ += static_cast<char>(c);
            }
        }
    }
    // "2026-11-23T11:27:55.466162333+00:00" in local time, as ig prints it; the date and the
    // zone are computed once per second.
    void timestamp(std::uint64_t boot_ns) {
        std::int64_t ns = static_cast<std::int64_t>(boot_ns) + boot_to_real_ns_;
        std::time_t sec = static_cast<std::time_t>(ns / 1000000000);
        if (sec != cached_sec_) {
            std::tm tm{};
            localtime_r(&sec, &tm);
            std::strftime(cached_date_, sizeof cached_date_, "%Y-%m-%dT%H:%M:%S", &tm);
            char zone[8] = "";
            std::strftime(zone, sizeof zone, "%z", &tm); // +hhmm; ig prints +hh:mm
            std::snprintf(cached_zone_, sizeof cached_zone_, "%.3s:%.2s", zone, zone + 3);
            cached_sec_ = sec;
        }
        buf_.append(cached_date_);
        char frac[10];
        auto f = static_cast<std::uint32_t>(ns % 1000000000);
        frac[0] = '.';
        for (int i = 9; i >= 1; --i, f /= 10)
            frac[i] = static_cast<char>('0' + f % 10);
        buf_.append(frac, sizeof frac);
        buf_.append(cached_zone_);
    }
    void endpoint(const L4Endpoint& ep) {
        put("{\"port\":");
        num(ep.port);
        put(",\"version\":");
        num(ep.version);
        put(",\"addr\":\"");
        char addr[INET6_ADDRSTRLEN] = "";
        if (ep.version == 4 || ep.version == 6)
            inet_ntop(ep.version == 4 ? AF_INET : AF_INET6, ep.addr, addr, sizeof addr);
        put(addr);
        put("\",\"proto\":\"");
        put(ep.proto == 6 ? "TCP" : ep.proto == 17 ? "UDP" : "");
        put("\"}");
    }

    int fd_;
    std::string buf_;
    std::int64_t boot_to_real_ns_ = 0;
    std::time_t cached_sec_ = -1;
    char cached_date_[32] = "";
    char cached_zone_[8] = "";
};

struct Consumer {
    std::uint64_t records = 0;
    JsonWriter* json = nullptr;
};

int on_record(void* ctx, void* data, std::size_t size) {
    auto* c = static_cast<Consumer*>(ctx);
    ++c->records;
    if (c->json && size >= sizeof(Event)) {
        Event e;
        std::memcpy(&e, data, sizeof e); // ring records are only 8-byte aligned
        c->json->event(e);
    }
    return 0;
}

std::uint64_t read_percpu_sum(int map_fd) {
    int ncpus = libbpf_num_possible_cpus();
    if (ncpus <= 0)
        throw failure("counting CPUs", ncpus);
    std::vector<std::uint64_t> values(static_cast<std::size_t>(ncpus));
    std::uint32_t key = 0;
    if (bpf_map_lookup_elem(map_fd, &key, values.data()) != 0)
        throw failure("reading the lost-samples counter", errno);
    std::uint64_t sum = 0;
    for (auto v : values)
        sum += v;
    return sum;
}

int run(int argc, char** argv) {
    auto t_start = Clock::now();
    std::string object_path, mode = "count", out_path = "/dev/null";
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--mode" && i + 1 < argc)
            mode = argv[++i];
        else if (a == "--out" && i + 1 < argc)
            out_path = argv[++i];
        else if (a == "--verbose")
            g_verbose = true;
        else if (!a.empty() && a[0] != '-' && object_path.empty())
            object_path = a;
        else
            object_path.clear(), mode = "";
    }
    if (object_path.empty() || (mode != "count" && mode != "json")) {
        std::fprintf(stderr, "usage: %s OBJECT [--mode count|json] [--out FILE] [--verbose]\n",
                     argv[0]);
        return 2;
    }
    libbpf_set_print(libbpf_log);

    std::unique_ptr<bpf_object, ObjectCloser> obj(
        bpf_object__open_file(object_path.c_str(), nullptr));
    if (!obj)
        throw failure("opening " + object_path, errno);
    check_layout(obj.get());
    bpf_map* ring = bpf_object__find_map_by_name(obj.get(), "events");
    if (!ring || bpf_map__type(ring) != BPF_MAP_TYPE_RINGBUF)
        throw std::runtime_error("the object has no ring buffer named events");
    // ig's setting (runtime/run/event_loop.cpp): wake user space once an eighth of the ring
    // is filled; the 5 ms poll below delivers anything under that.
    std::uint32_t wakeup = bpf_map__max_entries(ring) / 8;
    set_rodata(obj.get(), "gadget_ringbuf_wakeup_bytes", &wakeup, sizeof wakeup);
    if (int err = bpf_object__load(obj.get()))
        throw failure("loading " + object_path, err);

    std::vector<std::unique_ptr<bpf_link, LinkDestroyer>> links;
    bpf_program* prog = nullptr;
    bpf_object__for_each_program(prog, obj.get()) {
        bpf_link* link = bpf_program__attach(prog);
        if (!link)
            throw failure(std::string("attaching ") + bpf_program__name(prog), errno);
        links.emplace_back(link);
    }
    double attached_ms = std::chrono::duration<double, std::milli>(Clock::now() - t_start).count();

    Fd out(open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (out.get() < 0)
        throw failure("opening " + out_path, errno);
    JsonWriter writer(out.get());
    Consumer consumer;
    if (mode == "json")
        consumer.json = &writer;
    std::unique_ptr<ring_buffer, RingFreer> rb(
        ring_buffer__new(bpf_map__fd(ring), on_record, &consumer, nullptr));
    if (!rb)
        throw failure("opening the ring buffer", errno);

    struct sigaction sa {};
    sa.sa_handler = [](int) { g_stop = 1; };
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    while (!g_stop) {
        int n = ring_buffer__poll(rb.get(), 5);
        if (n < 0 && n != -EINTR)
            throw failure("polling the ring buffer", n);
        if (consumer.json)
            writer.flush(); // once per batch, as ig flushes at the end of each batch
    }
    int n = ring_buffer__consume(rb.get());
    if (n < 0)
        throw failure("draining the ring buffer", n);
    writer.flush();

    bpf_map* lost = bpf_object__find_map_by_name(obj.get(), "events_lost_samples");
    if (!lost)
        throw std::runtime_error("the object has no events_lost_samples counter");
    std::uint64_t reserve_failures = read_percpu_sum(bpf_map__fd(lost));
    std::fprintf(stderr,
                 "{\"stats\":{\"records\":%llu,\"lost\":%llu,\"reserve_failures\":%llu,"
                 "\"start_to_attached_ms\":%.1f}}\n",
                 static_cast<unsigned long long>(consumer.records),
                 static_cast<unsigned long long>(reserve_failures),
                 static_cast<unsigned long long>(reserve_failures), attached_ms);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ref_consumer: %s\n", e.what());
        return 1;
    }
}
