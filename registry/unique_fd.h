// SPDX-License-Identifier: Apache-2.0
// An owned file descriptor for the store's file operations (registry/ cannot use the runtime's).
#pragma once

#include <unistd.h>

namespace ig::registry {

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    // close() can report a deferred write error (NFS); callers that write check it.
    int close() {
        int rc = ::close(fd_);
        fd_ = -1;
        return rc;
    }

private:
    int fd_;
};

} // namespace ig::registry
