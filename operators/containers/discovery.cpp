// SPDX-License-Identifier: Apache-2.0
#include "operators/containers/discovery.h"

#include "operators/containers/conmon.h"
#include "operators/containers/k8s_metadata.h"
#include "operators/containers/proc_info.h"
#include "runtime/error.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <pthread.h>
#include <set>
#include <sstream>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <utility>

namespace ig::containers {
namespace {

namespace fs = std::filesystem;

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) {
            reset();
            fd_ = std::exchange(o.fd_, -1);
        }
        return *this;
    }
    ~Fd() { reset(); }
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    void reset() {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

// Where runc is installed on the distributions Inspektor Gadget knows; /usr/bin/runc is often a
// link to /usr/sbin/runc (one mark per inode is enough, fanotify marks inodes).
const char* const kRuncPaths[] = {"/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc",
                                  "/usr/local/bin/runc"};

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void warn(const std::string& what) {
    std::fprintf(stderr, "WARNING: containers: %s\n", what.c_str());
}

std::uint64_t now_ns() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
}

enum : std::uint64_t { kStop = 1ULL << 62, kFanotify, kInotify, kPidfdBase = 1ULL << 32 };

} // namespace

struct ContainerManager::Watcher {
    Fd epoll;
    Fd stop;
    Fd fanotify;
    Fd inotify;
    std::map<std::string, int> dir_watches;                     // path -> wd
    std::map<std::uint64_t, std::pair<Fd, std::string>> pidfds; // key -> (pidfd, container id)
    std::uint64_t next_pidfd_key = kPidfdBase;

    void watch_dir(const std::string& path, std::uint32_t mask) {
        if (!inotify || dir_watches.count(path))
            return;
        int wd = inotify_add_watch(inotify.get(), path.c_str(), mask | IN_ONLYDIR);
        if (wd >= 0)
            dir_watches[path] = wd;
    }

    void track_exit(std::uint32_t pid, const std::string& id) {
        Fd pfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
        if (!pfd)
            return; // already gone: the caller's start-time check catches it
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = next_pidfd_key;
        if (epoll_ctl(epoll.get(), EPOLL_CTL_ADD, pfd.get(), &ev) != 0)
            throw Error(errno_message("adding a pidfd to epoll", errno));
        pidfds.emplace(next_pidfd_key++, std::make_pair(std::move(pfd), id));
    }
};

ContainerManager::ContainerManager(DiscoveryOptions options)
    : options_(std::move(options)), docker_(EngineClient::Kind::Docker, options_.docker_socket),
      podman_(EngineClient::Kind::Podman, options_.podman_socket) {}

ContainerManager::~ContainerManager() {
    stop();
}

void ContainerManager::set_callbacks(Callback added, Callback removed) {
    std::lock_guard lock(scan_mutex_);
    added_ = std::move(added);
    removed_ = std::move(removed);
}

void ContainerManager::scan() {
    std::lock_guard lock(scan_mutex_);
    scan_locked(false);
}

void ContainerManager::scan_locked(bool from_watcher) {
    ++stats_.scans;
    std::set<std::string> present;
    for (const auto& root : known_state_roots(options_.state_prefix)) {
        std::error_code ec;
        fs::directory_iterator it(root.path, ec), end;
        if (ec)
            continue;
        if (from_watcher && watcher_)
            watcher_->watch_dir(root.path, IN_CREATE | IN_DELETE | IN_MOVED_TO);
        for (; it != end; it.increment(ec)) {
            if (ec)
                break;
            std::string id = it->path().filename().string();
            present.insert(root.path + "/" + id);
            if (from_watcher && watcher_)
                watcher_->watch_dir(it->path().string(), IN_MOVED_TO | IN_CLOSE_WRITE);
            if (!registry_.contains(id))
                register_state(root, id, from_watcher);
        }
    }
    // A container whose state directory went away was deleted (its exit may have been missed
    // when nothing tracked its pid).
    for (const auto& c : registry_.live())
        if (!present.count(c->state_dir))
            container_exited(c->id);
}

void ContainerManager::register_state(const StateRoot& root, const std::string& id,
                                      bool from_watcher) {
    auto text = read_file(root.path + "/" + id + "/state.json");
    if (!text)
        return; // still being created: inotify or the next held exec brings us back
    StateMetadata md;
    try {
        md = metadata_from_state(parse_runc_state(*text), root);
    } catch (const Error& e) {
        warn(root.path + "/" + id + ": " + e.what());
        return;
    }
    if (md.is_sandbox)
        return;
    Container& c = md.container;
    auto proc = read_proc_info(c.pid);
    // Stopped but not deleted, or the pid now belongs to another process.
    if (!proc || (c.pid_start_ticks && proc->start_ticks != c.pid_start_ticks))
        return;
    c.mntns_id = proc->mntns_id;
    c.netns_id = proc->netns_id;
    c.cgroup_path = proc->cgroup_path;
    c.cgroup_id = proc->cgroup_id;
    if (c.runtime == "podman") {
        // podman's name is on its conmon's command line, ready before the container runs.
        if (auto name = podman_name_from_conmon(c.pid, c.id))
            c.name = *name;
    }
    if (c.runtime == "podman" && from_watcher && watcher_) {
        // podman's API waits for the container's lock, which podman holds from create to the
        // end of the start that fanotify holds: ask on the lookup thread, never here.
        queue_engine_lookup(c.id);
    } else {
        fill_from_engine(c);
    }
    std::uint32_t pid = c.pid;
    registry_.put(c);
    if (from_watcher && watcher_)
        watcher_->track_exit(pid, id);
    if (!added_)
        return;
    if (!from_watcher) {
        added_(c);
        return;
    }
    try {
        added_(c);
    } catch (const std::exception& e) {
        warn(e.what()); // one container's filter entry failed; keep following the others
    }
}

void ContainerManager::fill_from_engine(Container& c) {
    EngineClient* engine = c.runtime == "docker"   ? &docker_
                           : c.runtime == "podman" ? &podman_
                                                   : nullptr;
    if (!engine)
        return;
    std::optional<EngineContainer> e;
    try {
        e = engine->find(c.id, options_.engine_timeout_ms);
    } catch (const Error& err) {
        warn(err.what());
    }
    if (!e)
        return;
    if (!e->name.empty())
        c.name = e->name;
    c.image = e->image;
    for (const auto& [k, v] : e->labels)
        c.labels[k] = v;
    K8sMetadata k8s = k8s_from_labels(c.labels);
    if (!k8s.empty())
        c.k8s = k8s;
    if (!e->pod_name.empty() && c.k8s.pod_name.empty())
        c.k8s.pod_name = e->pod_name;
}

void ContainerManager::container_exited(const std::string& id) {
    auto c = registry_.retire(id, options_.retire_immediately);
    if (!c || !removed_)
        return;
    try {
        removed_(*c);
    } catch (const std::exception& e) {
        warn(e.what());
    }
}

void ContainerManager::start_watching() {
    if (thread_.joinable())
        return;
    auto w = std::make_unique<Watcher>();
    w->epoll = Fd(epoll_create1(EPOLL_CLOEXEC));
    w->stop = Fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!w->epoll || !w->stop)
        throw Error(errno_message("setting up container discovery", errno));
    auto add = [&](int fd, std::uint64_t key) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = key;
        if (epoll_ctl(w->epoll.get(), EPOLL_CTL_ADD, fd, &ev) != 0)
            throw Error(errno_message("epoll_ctl for container discovery", errno));
    };
    add(w->stop.get(), kStop);

    if (options_.hold_runtime_exec) {
        w->fanotify = Fd(fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK,
                                       O_RDONLY | O_LARGEFILE | O_CLOEXEC));
        if (w->fanotify) {
            std::set<ino_t> marked;
            for (const char* path : kRuncPaths) {
                struct stat st {};
                if (stat(path, &st) != 0 || !marked.insert(st.st_ino).second)
                    continue;
                if (fanotify_mark(w->fanotify.get(), FAN_MARK_ADD, FAN_OPEN_EXEC_PERM, AT_FDCWD,
                                  path) != 0)
                    warn(errno_message(std::string("fanotify mark on ") + path, errno));
            }
            fanotify_active_ = !marked.empty();
            if (fanotify_active_)
                add(w->fanotify.get(), kFanotify);
            else
                w->fanotify.reset();
        } else {
            warn(errno_message("fanotify_init (container starts may be seen late)", errno));
        }
    }
    w->inotify = Fd(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (!w->inotify)
        throw Error(errno_message("inotify_init1", errno));
    add(w->inotify.get(), kInotify);
    watcher_ = std::move(w);

    {
        // Catch up on what started between scan() and now, and track every exit from here on.
        std::lock_guard lock(scan_mutex_);
        for (const auto& c : registry_.live()) {
            watcher_->track_exit(c->pid, c->id);
            auto proc = read_proc_info(c->pid);
            if (!proc || proc->start_ticks != c->pid_start_ticks)
                container_exited(c->id);
        }
        scan_locked(true);
    }

    // The thread must not take SIGINT/SIGTERM: the run loop receives them through a signalfd.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    thread_ = std::thread([this] {
        Watcher& w = *watcher_;
        bool periodic = !fanotify_active_; // without fanotify, new state roots need a rescan
        while (true) {
            epoll_event evs[16];
            int n = epoll_wait(w.epoll.get(), evs, 16, periodic ? 2000 : -1);
            if (n < 0 && errno != EINTR) {
                warn(errno_message("epoll_wait", errno));
                return;
            }
            bool rescan = n == 0;
            std::vector<int> held; // fds of exec permission events, answered after the scan
            std::vector<std::string> exited;
            for (int i = 0; i < n; ++i) {
                std::uint64_t key = evs[i].data.u64;
                if (key == kStop)
                    return;
                if (key == kFanotify) {
                    alignas(fanotify_event_metadata) char buf[4096];
                    ssize_t len;
                    while ((len = read(w.fanotify.get(), buf, sizeof buf)) > 0) {
                        auto* md = reinterpret_cast<fanotify_event_metadata*>(buf);
                        for (; FAN_EVENT_OK(md, len); md = FAN_EVENT_NEXT(md, len)) {
                            if (md->fd < 0)
                                continue;
                            if (md->mask & FAN_OPEN_EXEC_PERM)
                                held.push_back(md->fd);
                            else
                                ::close(md->fd);
                        }
                    }
                    rescan = true;
                } else if (key == kInotify) {
                    alignas(inotify_event) char buf[4096];
                    while (read(w.inotify.get(), buf, sizeof buf) > 0) {
                    }
                    rescan = true;
                } else if (auto it = w.pidfds.find(key); it != w.pidfds.end()) {
                    exited.push_back(it->second.second);
                    w.pidfds.erase(it); // closes the pidfd, which leaves the epoll set
                }
            }
            std::uint64_t t0 = now_ns();
            try {
                std::lock_guard lock(scan_mutex_);
                for (const auto& id : exited)
                    container_exited(id);
                if (rescan)
                    scan_locked(true);
            } catch (const std::exception& e) {
                warn(e.what());
            }
            // Answer every held exec whatever happened: a listener that never answers would
            // hang every container start on the machine.
            for (int fd : held) {
                fanotify_response r{};
                r.fd = fd;
                r.response = FAN_ALLOW;
                if (write(w.fanotify.get(), &r, sizeof r) != sizeof r)
                    warn(errno_message("answering a held runc exec", errno));
                ::close(fd);
            }
            if (!held.empty()) {
                stats_.held_execs += held.size();
                stats_.hold_ns_total += now_ns() - t0;
            }
        }
    });
    lookup_thread_ = std::thread([this] { run_engine_lookups(); });
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void ContainerManager::queue_engine_lookup(const std::string& id) {
    std::lock_guard lock(lookup_mutex_);
    lookups_.push_back(id);
    lookup_cv_.notify_one();
}

void ContainerManager::run_engine_lookups() {
    std::unique_lock lock(lookup_mutex_);
    while (true) {
        lookup_cv_.wait(lock, [this] { return stop_lookups_ || !lookups_.empty(); });
        if (stop_lookups_)
            return;
        std::string id = std::move(lookups_.front());
        lookups_.pop_front();
        lock.unlock();
        if (auto p = registry_.by_id(id)) {
            Container c = *p;
            fill_from_engine(c); // blocks until the engine answers or times out
            std::lock_guard scan_lock(scan_mutex_);
            // Still the same container (it may have exited while the engine was asked).
            if (auto now = registry_.by_id(id); now && now->pid == c.pid) {
                registry_.put(c);
                try {
                    if (added_)
                        added_(c);
                } catch (const std::exception& e) {
                    warn(e.what());
                }
            }
        }
        lock.lock();
    }
}

void ContainerManager::stop() noexcept {
    if (lookup_thread_.joinable()) {
        {
            std::lock_guard lock(lookup_mutex_);
            stop_lookups_ = true;
        }
        lookup_cv_.notify_one();
        lookup_thread_.join(); // at most one engine timeout
    }
    if (thread_.joinable()) {
        std::uint64_t one = 1;
        if (write(watcher_->stop.get(), &one, sizeof one) != sizeof one)
            std::perror("stopping container discovery");
        thread_.join();
    }
    // Closing the fanotify fd lets any exec still held go on.
    watcher_.reset();
    fanotify_active_ = false;
    stop_lookups_ = false;
    lookups_.clear();
}

} // namespace ig::containers
