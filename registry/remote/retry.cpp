// SPDX-License-Identifier: Apache-2.0
#include "registry/remote/retry.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <string>

namespace ig::registry::remote {

bool retryable_status(long status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt, double jitter01,
                                        std::optional<std::chrono::milliseconds> retry_after) {
    using std::chrono::milliseconds;
    if (retry_after)
        return std::clamp(*retry_after, milliseconds(0), policy.cap);
    long long exp = policy.base.count();
    for (int i = 0; i < attempt && exp < policy.cap.count(); ++i)
        exp *= 2;
    exp = std::min<long long>(exp, policy.cap.count());
    jitter01 = std::clamp(jitter01, 0.0, 1.0);
    // Half fixed, half random: never less than exp/2, never more than exp.
    return milliseconds(exp / 2 + static_cast<long long>(jitter01 * static_cast<double>(exp / 2)));
}

std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
    while (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\r'))
        value.remove_suffix(1);
    if (value.empty())
        return std::nullopt;
    if (std::all_of(value.begin(), value.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        if (value.size() > 9)
            return std::chrono::milliseconds(std::chrono::hours(24 * 365));
        return std::chrono::seconds(std::stoll(std::string(value)));
    }
    // IMF-fixdate (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
    std::tm tm{};
    std::string text(value);
    const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == nullptr || *end != '\0')
        return std::nullopt;
    std::time_t when = timegm(&tm);
    auto at = std::chrono::system_clock::from_time_t(when);
    if (at <= now)
        return std::chrono::milliseconds(0);
    return std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
}

} // namespace ig::registry::remote
