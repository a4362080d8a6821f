// SPDX-License-Identifier: Apache-2.0
#include "registry/atomic_file.h"

#include "registry/error.h"
#include "registry/unique_fd.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ig::registry {
namespace {

std::string sys_error(const std::string& what, int err) {
    return what + ": " + std::strerror(err);
}

void write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw RegistryError(sys_error("cannot write " + path.string(), errno));
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

void fsync_file(const std::filesystem::path& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        throw RegistryError(sys_error("cannot open " + path.string(), errno));
    if (::fsync(fd.get()) != 0)
        throw RegistryError(sys_error("cannot fsync " + path.string(), errno));
}

} // namespace

std::filesystem::path create_temp_file(const std::filesystem::path& dir,
                                       const std::string& prefix) {
    std::string tmpl = (dir / (prefix + "XXXXXX")).string();
    int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd < 0)
        throw RegistryError(sys_error("cannot create a temporary file in " + dir.string(), errno));
    ::close(fd);
    return tmpl;
}

void fsync_directory(const std::filesystem::path& dir) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        throw RegistryError(sys_error("cannot open directory " + dir.string(), errno));
    if (::fsync(fd.get()) != 0)
        throw RegistryError(sys_error("cannot fsync directory " + dir.string(), errno));
}

void rename_durably(const std::filesystem::path& from, const std::filesystem::path& to) {
    fsync_file(from);
    if (::rename(from.c_str(), to.c_str()) != 0)
        throw RegistryError(
            sys_error("cannot rename " + from.string() + " to " + to.string(), errno));
    fsync_directory(to.parent_path());
}

void write_file_atomically(const std::filesystem::path& temp, const std::filesystem::path& target,
                           std::string_view bytes) {
    try {
        Fd fd(::open(temp.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
        if (!fd)
            throw RegistryError(sys_error("cannot open " + temp.string(), errno));
        write_all(fd.get(), bytes, temp);
        if (::fsync(fd.get()) != 0)
            throw RegistryError(sys_error("cannot fsync " + temp.string(), errno));
        if (fd.close() != 0)
            throw RegistryError(sys_error("cannot close " + temp.string(), errno));
        if (::rename(temp.c_str(), target.c_str()) != 0)
            throw RegistryError(
                sys_error("cannot rename " + temp.string() + " to " + target.string(), errno));
    } catch (...) {
        std::error_code ec;
        std::filesystem::remove(temp, ec); // best effort: the original error is what matters
        throw;
    }
    fsync_directory(target.parent_path());
}

std::string read_file_limited(const std::filesystem::path& path, std::uint64_t max_size) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        throw RegistryError(sys_error("cannot open " + path.string(), errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        throw RegistryError(sys_error("cannot stat " + path.string(), errno));
    if (!S_ISREG(st.st_mode))
        throw RegistryError(path.string() + " is not a regular file");
    if (static_cast<std::uint64_t>(st.st_size) > max_size)
        throw RegistryError(path.string() + ": " + std::to_string(st.st_size) +
                            " bytes is larger than the limit of " + std::to_string(max_size));
    std::string out(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done = 0;
    while (done < out.size()) {
        ssize_t n = ::read(fd.get(), out.data() + done, out.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw RegistryError(sys_error("cannot read " + path.string(), errno));
        if (n == 0)
            break;
        done += static_cast<std::size_t>(n);
    }
    out.resize(done);
    return out;
}

} // namespace ig::registry
