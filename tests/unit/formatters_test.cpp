// SPDX-License-Identifier: Apache-2.0
#include "operators/formatters/formatters.h"
#include "operators/formatters/kernel_names.h"

#include <arpa/inet.h>
#include <ctime>
#include <gtest/gtest.h>

namespace ig {
namespace {

TEST(Formatters, ErrnoNames) {
    EXPECT_EQ(errno_name(0), "");
    EXPECT_EQ(errno_name(111), "ECONNREFUSED");
    EXPECT_EQ(errno_name(115), "EINPROGRESS");
    EXPECT_EQ(errno_name(99999), "error#99999");
}

TEST(Formatters, IpAddresses) {
    std::uint8_t a[16] = {};
    inet_pton(AF_INET, "127.0.0.1", a);
    EXPECT_EQ(format_ip(a, 4), "127.0.0.1");
    inet_pton(AF_INET, "255.10.0.254", a); // formatted by hand: every digit count
    EXPECT_EQ(format_ip(a, 4), "255.10.0.254");
    inet_pton(AF_INET6, "::1", a);
    EXPECT_EQ(format_ip(a, 6), "::1");
    inet_pton(AF_INET6, "fe80::2000:bff:fe82:3ac", a);
    EXPECT_EQ(format_ip(a, 6), "fe80::2000:bff:fe82:3ac");
    EXPECT_EQ(format_ip(a, 0), "");
}

TEST(Formatters, BootTimestampsBecomeWallClock) {
    timespec bt{};
    clock_gettime(CLOCK_BOOTTIME, &bt);
    std::uint64_t now_boot = static_cast<std::uint64_t>(bt.tv_sec) * 1000000000ULL + bt.tv_nsec;
    std::string s = format_boot_timestamp(now_boot);
    // 2026-11-23T01:29:40.573755919+00:00
    ASSERT_EQ(s.size(), 35u) << s;
    EXPECT_EQ(s[10], 'T');
    EXPECT_EQ(s[19], '.');
    EXPECT_EQ(s[32], ':');
    time_t t = time(nullptr);
    tm local{};
    localtime_r(&t, &local);
    EXPECT_EQ(s.substr(0, 4), std::to_string(local.tm_year + 1900));
}

// The date part is cached per second: the fraction must still change within a second and the
// seconds must move on past it, exactly as a fresh formatting would say.
TEST(Formatters, BootTimestampsAcrossASecondMatchFreshFormatting) {
    timespec bt{};
    clock_gettime(CLOCK_BOOTTIME, &bt);
    std::uint64_t now = static_cast<std::uint64_t>(bt.tv_sec) * 1000000000ULL;
    // A boot time that falls on a whole wall-clock second (the offset has a fraction too).
    std::uint64_t base =
        now + 1000000000ULL - std::stoull(format_boot_timestamp(now).substr(20, 9));
    std::string a = format_boot_timestamp(base + 5);
    std::string b = format_boot_timestamp(base + 999999999);
    std::string c = format_boot_timestamp(base + 1000000007);
    EXPECT_EQ(a.substr(0, 19), b.substr(0, 19));
    EXPECT_NE(a.substr(20, 9), b.substr(20, 9));
    EXPECT_NE(b.substr(0, 19), c.substr(0, 19));
    EXPECT_EQ(a.substr(19, 10), ".000000005") << a;
    EXPECT_EQ(b.substr(19, 10), ".999999999") << b;
    EXPECT_EQ(c.substr(19, 10), ".000000007") << c;
    EXPECT_EQ(format_boot_timestamp(base + 5), a); // and the cache gives back the same text
}

} // namespace
} // namespace ig
