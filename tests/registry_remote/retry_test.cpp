// SPDX-License-Identifier: Apache-2.0
#include "registry/remote/retry.h"

#include <gtest/gtest.h>

using namespace ig::registry::remote;
using std::chrono::milliseconds;

TEST(Retry, OnlyThrottlingAndTransientServerErrorsAreRetried) {
    for (long s : {429L, 500L, 502L, 503L, 504L})
        EXPECT_TRUE(retryable_status(s)) << s;
    for (long s : {200L, 201L, 400L, 401L, 403L, 404L, 416L, 501L})
        EXPECT_FALSE(retryable_status(s)) << s;
}

TEST(Retry, BackoffDoublesWithinJitterBoundsAndIsCapped) {
    RetryPolicy p;
    p.base = milliseconds(100);
    p.cap = milliseconds(1000);
    EXPECT_EQ(backoff_delay(p, 0, 0.0, {}), milliseconds(50));
    EXPECT_EQ(backoff_delay(p, 0, 1.0, {}), milliseconds(100));
    EXPECT_EQ(backoff_delay(p, 1, 0.0, {}), milliseconds(100));
    EXPECT_EQ(backoff_delay(p, 2, 1.0, {}), milliseconds(400));
    EXPECT_EQ(backoff_delay(p, 10, 1.0, {}), milliseconds(1000));
    EXPECT_EQ(backoff_delay(p, 60, 0.5, {}), milliseconds(750)); // no overflow
}

TEST(Retry, RetryAfterWinsButIsCapped) {
    RetryPolicy p;
    p.cap = milliseconds(5000);
    EXPECT_EQ(backoff_delay(p, 0, 0.3, milliseconds(2000)), milliseconds(2000));
    EXPECT_EQ(backoff_delay(p, 0, 0.3, milliseconds(3600 * 1000)), milliseconds(5000));
}

TEST(Retry, ParsesRetryAfterSecondsAndDates) {
    auto now = std::chrono::system_clock::from_time_t(784111777); // Sun, 06 Nov 1994 08:49:37
    EXPECT_EQ(parse_retry_after("120", now), milliseconds(120000));
    EXPECT_EQ(parse_retry_after(" 0 ", now), milliseconds(0));
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now), milliseconds(10000));
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), milliseconds(0));
    EXPECT_FALSE(parse_retry_after("soon", now));
    EXPECT_FALSE(parse_retry_after("", now));
    EXPECT_FALSE(parse_retry_after("-5", now));
    EXPECT_GE(*parse_retry_after("99999999999999", now), milliseconds(3600 * 1000));
}
