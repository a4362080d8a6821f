// SPDX-License-Identifier: Apache-2.0
// An flock(2) on a lock file, released when the object goes away (or the process dies, which is
// what makes a crash or Ctrl-C safe: the kernel drops the lock with the last fd).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>

namespace ig::registry {

class FileLock {
public:
    enum class Mode { Shared, Exclusive };

    // Blocks until the lock is held. Throws RegistryError if the file cannot be opened.
    FileLock(const std::filesystem::path& path, Mode mode);
    // Waits at most `timeout`; nullopt if another process still holds a conflicting lock.
    static std::optional<FileLock> try_lock(const std::filesystem::path& path, Mode mode,
                                            std::chrono::milliseconds timeout);

    FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

private:
    explicit FileLock(int fd) : fd_(fd) {}
    static int open_lock_file(const std::filesystem::path& path);
    int fd_ = -1;
};

} // namespace ig::registry
