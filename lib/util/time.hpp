#pragma once
// Time stamps as OSV records and image configs write them.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strata::util {

// Seconds since the Unix epoch of an RFC 3339 time stamp: "2019-09-27T15:21:47Z",
// "2019-09-27T15:21:47.123456789+02:00", also a bare date "2019-09-27" (midnight UTC). Lower-case
// "t"/"z" and a space instead of "T" are accepted. nullopt when the text is not one of those or
// names an impossible date or time.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

// RFC 3339 UTC of seconds since the Unix epoch: "2019-09-27T15:21:47Z".
std::string format_rfc3339(std::int64_t unix_seconds);

// RFC 3339 UTC with nanoseconds, always nine digits: "2019-09-27T15:21:47.000000123Z".
std::string format_rfc3339_nanos(std::chrono::system_clock::time_point t);

// A duration in whole seconds: one or more NUMBER UNIT pairs with UNIT one of s, m, h, d, w
// ("90s", "72h", "7d", "1d12h", "0s"). nullopt on anything else (no unit, a negative number,
// an overflow).
std::optional<std::int64_t> parse_duration(std::string_view text);

}  // namespace strata::util
