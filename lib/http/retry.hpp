#pragma once
// Retry policy pieces, kept pure so they are tested without a network: which outcomes are worth
// another attempt, how long to wait (exponential backoff with full jitter), and `Retry-After`.

#include <chrono>
#include <ctime>
#include <optional>
#include <string_view>

namespace strata::http {

// True for the statuses the client retries: every 5xx and 429.
bool is_retryable_status(long status);

// Full-jitter exponential backoff: a delay drawn uniformly from [0, min(cap, base * 2^attempt)],
// `attempt` counting from 0 for the first retry and `unit` in [0, 1) supplying the randomness.
std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap, double unit);

// Parses a `Retry-After` value: delta-seconds ("120") or an HTTP date (IMF-fixdate, RFC 850 or
// asctime), the latter relative to `now` (a date in the past gives 0). nullopt when the value is
// neither.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, std::time_t now);

}  // namespace strata::http
