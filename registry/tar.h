// SPDX-License-Identifier: Apache-2.0
// A small ustar reader and writer for OCI-layout tarballs. The reader is for untrusted input:
// it checks header checksums, refuses absolute paths, '..' components, links and device files,
// and enforces limits on entry size, entry count and total size.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ig::registry {

class TarWriter {
public:
    explicit TarWriter(int fd) : fd_(fd) {} // does not own fd
    void add_directory(const std::string& name, std::int64_t mtime);
    // Writes a regular file; `produce` is called with a sink and must pass exactly `size` bytes.
    void add_file(
        const std::string& name, std::uint64_t size, std::int64_t mtime,
        const std::function<void(const std::function<void(const char*, std::size_t)>&)>& produce);
    void add_file(const std::string& name, std::string_view bytes, std::int64_t mtime);
    void finish(); // two zero blocks

private:
    void header(const std::string& name, char type, std::uint64_t size, std::int64_t mtime);
    void write(const char* data, std::size_t size);
    int fd_;
};

struct TarLimits {
    std::uint64_t max_entry_size = 256ull << 20;
    std::uint64_t max_total_size = 2ull << 30;
    std::size_t max_entries = 10000;
};

struct TarEntry {
    std::string name; // normalised: no leading "./", no trailing '/'
    bool is_directory = false;
    std::uint64_t size = 0;
};

class TarReader {
public:
    TarReader(int fd, std::string origin, TarLimits limits = {}) // does not own fd
        : fd_(fd), origin_(std::move(origin)), limits_(limits) {}
    // The next file or directory; nullopt at the end of the archive. Throws RegistryError on
    // anything malformed or refused. The previous entry's data is skipped if not read.
    std::optional<TarEntry> next();
    // Streams the current entry's data to `sink`.
    void read_data(const std::function<void(const char*, std::size_t)>& sink);
    std::string read_data_string(std::uint64_t max_size);

private:
    void read_exact(char* buf, std::size_t size);
    void skip_remaining();
    std::string read_small(std::uint64_t size, std::uint64_t max, const std::string& what);

    int fd_;
    std::string origin_;
    TarLimits limits_;
    std::uint64_t remaining_ = 0; // data bytes of the current entry not yet read
    std::uint64_t padding_ = 0;   // bytes to the next 512-byte boundary after the data
    std::uint64_t total_ = 0;
    std::size_t entries_ = 0;
};

} // namespace ig::registry
