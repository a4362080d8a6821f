// SPDX-License-Identifier: Apache-2.0
// Owning handles for libbpf objects and file descriptors: every kernel resource has exactly one
// owner and is released when it goes out of scope.
#pragma once

#include <bpf/libbpf.h>
#include <memory>
#include <unistd.h>
#include <utility>

namespace ig::bpf {

struct ObjectDeleter {
    void operator()(bpf_object* o) const { bpf_object__close(o); }
};
struct LinkDeleter {
    void operator()(bpf_link* l) const { bpf_link__destroy(l); }
};
struct RingBufferDeleter {
    void operator()(ring_buffer* r) const { ring_buffer__free(r); }
};

using ObjectPtr = std::unique_ptr<bpf_object, ObjectDeleter>;
using LinkPtr = std::unique_ptr<bpf_link, LinkDeleter>;
using RingBufferPtr = std::unique_ptr<ring_buffer, RingBufferDeleter>;

// A move-only file descriptor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
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

} // namespace ig::bpf
