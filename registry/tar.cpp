// SPDX-License-Identifier: Apache-2.0
#include "registry/tar.h"

#include "registry/error.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>
#include <vector>

namespace ig::registry {
namespace {

constexpr std::size_t kBlock = 512;

// ustar header field offsets and sizes (POSIX.1-1988).
struct Field {
    std::size_t offset, size;
};
constexpr Field kName{0, 100}, kMode{100, 8}, kUid{108, 8}, kGid{116, 8}, kSize{124, 12},
    kMtime{136, 12}, kChecksum{148, 8}, kType{156, 1}, kMagic{257, 6}, kVersion{263, 2},
    kPrefix{345, 155};

void put_octal(std::array<char, kBlock>& h, Field f, std::uint64_t value) {
    // size-1 octal digits, NUL terminated.
    std::string digits(f.size - 1, '0');
    for (std::size_t i = digits.size(); i-- > 0 && value;) {
        digits[i] = static_cast<char>('0' + (value & 7));
        value >>= 3;
    }
    if (value)
        throw RegistryError("tar: value too large for a ustar header");
    std::memcpy(h.data() + f.offset, digits.data(), digits.size());
    h[f.offset + f.size - 1] = '\0';
}

std::string field_string(const char* h, Field f) {
    const char* p = h + f.offset;
    return std::string(p, strnlen(p, f.size));
}

std::optional<std::uint64_t> parse_octal(const char* h, Field f) {
    const char* p = h + f.offset;
    if (static_cast<unsigned char>(p[0]) & 0x80)
        return std::nullopt; // base-256 (GNU) numbers: only needed for sizes we refuse anyway
    std::size_t i = 0;
    while (i < f.size && p[i] == ' ')
        ++i;
    std::uint64_t v = 0;
    std::size_t digits = 0;
    for (; i < f.size && p[i] >= '0' && p[i] <= '7'; ++i, ++digits) {
        if (v >> 60)
            return std::nullopt;
        v = v * 8 + static_cast<std::uint64_t>(p[i] - '0');
    }
    for (; i < f.size; ++i)
        if (p[i] != ' ' && p[i] != '\0')
            return std::nullopt;
    if (digits == 0)
        return std::nullopt;
    return v;
}

std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 200))
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    return out;
}

// Refuses names that could escape the extraction root; returns the normalised name.
std::string safe_name(const std::string& raw, const std::string& origin) {
    std::string name = raw;
    while (name.starts_with("./"))
        name.erase(0, 2);
    while (name.size() > 1 && name.back() == '/')
        name.pop_back();
    if (name.empty() || name == ".")
        return ".";
    if (name.front() == '/')
        throw RegistryError(origin + ": refusing tar entry with absolute path '" + printable(raw) +
                            "'");
    std::size_t start = 0;
    for (;;) {
        auto slash = name.find('/', start);
        std::string_view comp(name.data() + start,
                              (slash == std::string::npos ? name.size() : slash) - start);
        if (comp == "..")
            throw RegistryError(origin + ": refusing tar entry '" + printable(raw) +
                                "': path escapes the archive with '..'");
        if (comp.empty())
            throw RegistryError(origin + ": refusing tar entry '" + printable(raw) +
                                "': empty path component");
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    return name;
}

} // namespace

void TarWriter::write(const char* data, std::size_t size) {
    while (size) {
        ssize_t n = ::write(fd_, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw RegistryError(std::string("writing tar: ") + std::strerror(errno));
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

void TarWriter::header(const std::string& name, char type, std::uint64_t size, std::int64_t mtime) {
    if (name.size() >= kName.size)
        throw RegistryError("tar: entry name '" + name + "' is too long");
    std::array<char, kBlock> h{};
    std::memcpy(h.data() + kName.offset, name.data(), name.size());
    put_octal(h, kMode, type == '5' ? 0755 : 0644);
    put_octal(h, kUid, 0);
    put_octal(h, kGid, 0);
    put_octal(h, kSize, size);
    put_octal(h, kMtime, static_cast<std::uint64_t>(mtime < 0 ? 0 : mtime));
    h[kType.offset] = type;
    std::memcpy(h.data() + kMagic.offset, "ustar", 6); // "ustar\0"
    std::memcpy(h.data() + kVersion.offset, "00", 2);
    std::memset(h.data() + kChecksum.offset, ' ', kChecksum.size);
    unsigned sum = 0;
    for (char c : h)
        sum += static_cast<unsigned char>(c);
    // Checksum: six octal digits, NUL, space (the traditional layout).
    char chk[8];
    std::snprintf(chk, sizeof chk, "%06o", sum);
    std::memcpy(h.data() + kChecksum.offset, chk, 6);
    h[kChecksum.offset + 6] = '\0';
    h[kChecksum.offset + 7] = ' ';
    write(h.data(), h.size());
}

void TarWriter::add_directory(const std::string& name, std::int64_t mtime) {
    header(name.ends_with("/") ? name : name + "/", '5', 0, mtime);
}

void TarWriter::add_file(
    const std::string& name, std::uint64_t size, std::int64_t mtime,
    const std::function<void(const std::function<void(const char*, std::size_t)>&)>& produce) {
    header(name, '0', size, mtime);
    std::uint64_t written = 0;
    produce([&](const char* data, std::size_t n) {
        if (written + n > size)
            throw RegistryError("tar: " + name + " grew while being archived");
        write(data, n);
        written += n;
    });
    if (written != size)
        throw RegistryError("tar: " + name + " shrank while being archived");
    static const std::array<char, kBlock> zeros{};
    if (size % kBlock)
        write(zeros.data(), kBlock - size % kBlock);
}

void TarWriter::add_file(const std::string& name, std::string_view bytes, std::int64_t mtime) {
    add_file(name, bytes.size(), mtime,
             [&](const auto& sink) { sink(bytes.data(), bytes.size()); });
}

void TarWriter::finish() {
    static const std::array<char, 2 * kBlock> zeros{};
    write(zeros.data(), zeros.size());
}

void TarReader::read_exact(char* buf, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
        ssize_t n = ::read(fd_, buf + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw RegistryError(origin_ + ": " + std::strerror(errno));
        if (n == 0)
            throw RegistryError(origin_ + ": truncated tar archive");
        done += static_cast<std::size_t>(n);
    }
}

void TarReader::skip_remaining() {
    std::vector<char> buf(1 << 16);
    std::uint64_t left = remaining_ + padding_;
    while (left) {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
        read_exact(buf.data(), n);
        left -= n;
    }
    remaining_ = padding_ = 0;
}

void TarReader::read_data(const std::function<void(const char*, std::size_t)>& sink) {
    std::vector<char> buf(1 << 16);
    while (remaining_) {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, buf.size()));
        read_exact(buf.data(), n);
        remaining_ -= n;
        sink(buf.data(), n);
    }
    skip_remaining(); // the padding
}

std::string TarReader::read_data_string(std::uint64_t max_size) {
    if (remaining_ > max_size)
        throw RegistryError(origin_ + ": tar entry of " + std::to_string(remaining_) +
                            " bytes is larger than the limit of " + std::to_string(max_size));
    std::string out;
    read_data([&](const char* d, std::size_t n) { out.append(d, n); });
    return out;
}

std::string TarReader::read_small(std::uint64_t size, std::uint64_t max, const std::string& what) {
    if (size > max)
        throw RegistryError(origin_ + ": " + what + " of " + std::to_string(size) +
                            " bytes is too large");
    remaining_ = size;
    padding_ = (kBlock - size % kBlock) % kBlock;
    std::string out;
    read_data([&](const char* d, std::size_t n) { out.append(d, n); });
    return out;
}

std::optional<TarEntry> TarReader::next() {
    skip_remaining();
    std::optional<std::string> long_name;
    std::optional<std::uint64_t> pax_size;
    for (;;) {
        std::array<char, kBlock> h;
        read_exact(h.data(), h.size());
        if (std::all_of(h.begin(), h.end(), [](char c) { return c == 0; }))
            return std::nullopt; // end of archive (the second zero block need not be read)
        if (++entries_ > limits_.max_entries)
            throw RegistryError(origin_ + ": more than " + std::to_string(limits_.max_entries) +
                                " tar entries");
        auto stored = parse_octal(h.data(), kChecksum);
        unsigned usum = 0;
        int ssum = 0;
        for (std::size_t i = 0; i < kBlock; ++i) {
            bool in_chk = i >= kChecksum.offset && i < kChecksum.offset + kChecksum.size;
            usum += in_chk ? ' ' : static_cast<unsigned char>(h[i]);
            ssum += in_chk ? ' ' : static_cast<signed char>(h[i]);
        }
        if (!stored || (*stored != usum && static_cast<long long>(*stored) != ssum))
            throw RegistryError(origin_ + ": bad tar header checksum (not a tar file, or corrupt)");
        auto size = parse_octal(h.data(), kSize);
        if (!size)
            throw RegistryError(origin_ + ": bad size in tar header");
        char type = h[kType.offset];
        if (type == 'x' || type == 'g' || type == 'L') {
            // PAX extended headers and GNU long names describe the next entry.
            std::string data = read_small(*size, 1 << 16, "extended tar header");
            if (type == 'L') {
                long_name = std::string(data.c_str());
            } else if (type == 'x') {
                std::size_t pos = 0;
                while (pos < data.size()) {
                    auto space = data.find(' ', pos);
                    if (space == std::string::npos)
                        throw RegistryError(origin_ + ": malformed PAX header");
                    std::size_t len = 0;
                    try {
                        len = std::stoul(data.substr(pos, space - pos));
                    } catch (const std::exception&) {
                        throw RegistryError(origin_ + ": malformed PAX header");
                    }
                    if (len == 0 || pos + len > data.size() || data[pos + len - 1] != '\n')
                        throw RegistryError(origin_ + ": malformed PAX header");
                    std::string rec = data.substr(space + 1, pos + len - space - 2);
                    auto eq = rec.find('=');
                    if (eq != std::string::npos) {
                        std::string key = rec.substr(0, eq), value = rec.substr(eq + 1);
                        if (key == "path")
                            long_name = value;
                        else if (key == "size") {
                            try {
                                pax_size = std::stoull(value);
                            } catch (const std::exception&) {
                                throw RegistryError(origin_ + ": bad PAX size");
                            }
                        }
                    }
                    pos += len;
                }
            }
            continue;
        }
        std::string raw = long_name ? *long_name : field_string(h.data(), kName);
        if (!long_name && field_string(h.data(), kMagic).starts_with("ustar")) {
            std::string prefix = field_string(h.data(), kPrefix);
            if (!prefix.empty())
                raw = prefix + "/" + raw;
        }
        if (raw.find('\0') != std::string::npos)
            throw RegistryError(origin_ + ": NUL byte in tar entry name");
        std::uint64_t data_size = pax_size ? *pax_size : *size;
        TarEntry e;
        e.name = safe_name(raw, origin_);
        if (type == '5') {
            e.is_directory = true;
            data_size = 0;
        } else if (type != '0' && type != '\0' && type != '7') {
            const char* kind = type == '1'   ? "a hard link"
                               : type == '2' ? "a symbolic link"
                               : type == '3' ? "a character device"
                               : type == '4' ? "a block device"
                               : type == '6' ? "a FIFO"
                                             : "of an unsupported type";
            throw RegistryError(origin_ + ": refusing tar entry '" + printable(raw) + "': it is " +
                                kind);
        }
        if (data_size > limits_.max_entry_size)
            throw RegistryError(origin_ + ": tar entry '" + printable(raw) + "' has " +
                                std::to_string(data_size) + " bytes, more than the limit of " +
                                std::to_string(limits_.max_entry_size));
        total_ += data_size;
        if (total_ > limits_.max_total_size)
            throw RegistryError(origin_ + ": archive content exceeds " +
                                std::to_string(limits_.max_total_size) + " bytes");
        e.size = data_size;
        remaining_ = data_size;
        padding_ = (kBlock - data_size % kBlock) % kBlock;
        return e;
    }
}

} // namespace ig::registry
