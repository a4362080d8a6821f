// SPDX-License-Identifier: Apache-2.0
#include "registry/error.h"
#include "registry/tar.h"
#include "test_util.h"

#include <array>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace ig::registry;

namespace {

// A raw ustar header with a correct checksum, for entries our writer would never produce.
std::string raw_header(const std::string& name, char type, std::uint64_t size) {
    std::array<char, 512> h{};
    std::memcpy(h.data(), name.data(), std::min<std::size_t>(name.size(), 100));
    std::snprintf(h.data() + 100, 8, "%07o", 0644);
    std::snprintf(h.data() + 124, 12, "%011llo", static_cast<unsigned long long>(size));
    std::snprintf(h.data() + 136, 12, "%011o", 0);
    h[156] = type;
    std::memcpy(h.data() + 257, "ustar", 6);
    std::memcpy(h.data() + 263, "00", 2);
    std::memset(h.data() + 148, ' ', 8);
    unsigned sum = 0;
    for (char c : h)
        sum += static_cast<unsigned char>(c);
    std::snprintf(h.data() + 148, 8, "%06o", sum);
    return std::string(h.data(), h.size());
}

std::string padded(const std::string& data) {
    return data + std::string((512 - data.size() % 512) % 512, '\0');
}

class TarFile {
public:
    explicit TarFile(const std::string& content) {
        path_ = dir_.path() / "t.tar";
        int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        EXPECT_EQ(::write(fd, content.data(), content.size()),
                  static_cast<ssize_t>(content.size()));
        ::close(fd);
        fd_ = ::open(path_.c_str(), O_RDONLY);
    }
    ~TarFile() { ::close(fd_); }
    int fd() const { return fd_; }
    const std::filesystem::path& path() const { return path_; }

private:
    test::TempDir dir_;
    std::filesystem::path path_;
    int fd_ = -1;
};

// Reads every entry; returns the error message, or "" if the archive was accepted.
std::string read_all(const std::string& content, TarLimits limits = {}) {
    TarFile f(content);
    TarReader r(f.fd(), "t.tar", limits);
    try {
        while (auto e = r.next())
            if (!e->is_directory)
                (void)r.read_data_string(1 << 20);
    } catch (const RegistryError& e) {
        return e.what();
    }
    return "";
}

const std::string kEnd(1024, '\0');

} // namespace

TEST(Tar, WriterOutputReadsBack) {
    test::TempDir dir;
    auto path = dir.path() / "a.tar";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    TarWriter w(fd);
    w.add_file("oci-layout", "{}", 0);
    w.add_directory("blobs", 0);
    w.add_file("blobs/x", std::string(1000, 'z'), 0);
    w.finish();
    ::close(fd);
    EXPECT_EQ(std::filesystem::file_size(path) % 512, 0u);

    fd = ::open(path.c_str(), O_RDONLY);
    TarReader r(fd, "a.tar");
    auto e = r.next();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->name, "oci-layout");
    EXPECT_EQ(r.read_data_string(100), "{}");
    e = r.next();
    ASSERT_TRUE(e);
    EXPECT_TRUE(e->is_directory);
    EXPECT_EQ(e->name, "blobs");
    e = r.next();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->name, "blobs/x");
    EXPECT_EQ(e->size, 1000u);
    // Not reading the data is fine: next() skips it.
    EXPECT_FALSE(r.next());
    ::close(fd);
}

TEST(Tar, LeadingDotSlashIsNormalised) {
    TarFile f(raw_header("./index.json", '0', 2) + padded("{}") + kEnd);
    TarReader r(f.fd(), "t.tar");
    auto e = r.next();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->name, "index.json");
}

TEST(Tar, PathTraversalIsRefused) {
    for (std::string name : {"../evil", "blobs/../../evil", "/etc/passwd", "a//b", "x/.."}) {
        std::string err = read_all(raw_header(name, '0', 1) + padded("x") + kEnd);
        EXPECT_NE(err.find("refusing"), std::string::npos) << name << ": " << err;
    }
}

TEST(Tar, PaxPathTraversalIsRefusedToo) {
    std::string rec = "path=../../etc/x\n";
    std::string line = std::to_string(rec.size() + 3) + " " + rec; // "NN path=...\n"
    std::string tar = raw_header("pax", 'x', line.size()) + padded(line) +
                      raw_header("innocent", '0', 1) + padded("x") + kEnd;
    EXPECT_NE(read_all(tar).find("escapes"), std::string::npos);
}

TEST(Tar, LinksAndDevicesAreRefused) {
    for (char type : {'1', '2', '3', '4', '6'}) {
        std::string err = read_all(raw_header("blobs/sha256/x", type, 0) + kEnd);
        EXPECT_NE(err.find("refusing"), std::string::npos) << type << ": " << err;
    }
}

TEST(Tar, OversizedEntriesAreRefusedBeforeReading) {
    TarLimits limits;
    limits.max_entry_size = 100;
    // The header claims 10 GB; the archive does not even hold it: refused from the header.
    std::string err = read_all(raw_header("big", '0', 10'000'000'000ull) + kEnd, limits);
    EXPECT_NE(err.find("limit"), std::string::npos) << err;
}

TEST(Tar, TotalSizeAndEntryCountAreLimited) {
    TarLimits limits;
    limits.max_total_size = 1000;
    std::string tar;
    for (int i = 0; i < 3; ++i)
        tar += raw_header("f" + std::to_string(i), '0', 400) + padded(std::string(400, 'a'));
    EXPECT_NE(read_all(tar + kEnd, limits).find("exceeds"), std::string::npos);
    TarLimits few;
    few.max_entries = 2;
    EXPECT_NE(read_all(tar + kEnd, few).find("more than 2"), std::string::npos);
}

TEST(Tar, TruncatedAndCorruptArchivesAreRefused) {
    std::string good = raw_header("f", '0', 600) + padded(std::string(600, 'a')) + kEnd;
    EXPECT_NE(read_all(good.substr(0, 900)).find("truncated"), std::string::npos);
    std::string bad = good;
    bad[0] = 'g'; // the checksum no longer matches
    EXPECT_NE(read_all(bad).find("checksum"), std::string::npos);
    EXPECT_NE(read_all("not a tar file at all").find("truncated"), std::string::npos);
    EXPECT_NE(read_all(std::string(512, 'x')).find("checksum"), std::string::npos);
}
