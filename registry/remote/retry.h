// SPDX-License-Identifier: Apache-2.0
// Bounded retries with exponential backoff and jitter for 429/5xx and dropped connections,
// honouring Retry-After (delta seconds or an HTTP-date) up to a cap.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace ig::registry::remote {

struct RetryPolicy {
    int max_retries = 3;
    std::chrono::milliseconds base{200};
    std::chrono::milliseconds cap{5000}; // also caps what Retry-After may ask for
};

// Whether an HTTP status is worth retrying (429 and the transient 5xx).
bool retryable_status(long status);

// The wait before retry number `attempt` (0 for the first retry): base * 2^attempt, capped,
// with "equal jitter" from `jitter01` in [0,1). A Retry-After value, if given, wins but is capped.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt, double jitter01,
                                        std::optional<std::chrono::milliseconds> retry_after);

// Parses Retry-After: "120" or "Wed, 21 Oct 2015 07:28:00 GMT" (relative to `now`). A date in
// the past gives 0; anything unparsable gives nullopt.
std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

} // namespace ig::registry::remote
