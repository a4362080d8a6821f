// SPDX-License-Identifier: Apache-2.0
#include "registry/file_lock.h"

#include "registry/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace ig::registry {

int FileLock::open_lock_file(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        throw RegistryError("cannot open lock file " + path.string() + ": " + std::strerror(errno));
    return fd;
}

FileLock::FileLock(const std::filesystem::path& path, Mode mode) : fd_(open_lock_file(path)) {
    int op = mode == Mode::Exclusive ? LOCK_EX : LOCK_SH;
    while (::flock(fd_, op) != 0) {
        if (errno == EINTR)
            continue;
        int err = errno;
        ::close(fd_);
        fd_ = -1;
        throw RegistryError("cannot lock " + path.string() + ": " + std::strerror(err));
    }
}

std::optional<FileLock> FileLock::try_lock(const std::filesystem::path& path, Mode mode,
                                           std::chrono::milliseconds timeout) {
    FileLock lock(open_lock_file(path));
    int op = (mode == Mode::Exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (::flock(lock.fd_, op) == 0)
            return lock;
        if (errno != EWOULDBLOCK && errno != EINTR)
            throw RegistryError("cannot lock " + path.string() + ": " + std::strerror(errno));
        if (std::chrono::steady_clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

FileLock::~FileLock() {
    if (fd_ >= 0)
        ::close(fd_); // closing the last fd releases the flock
}

} // namespace ig::registry
