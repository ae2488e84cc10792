#include "http/retry.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include <curl/curl.h>

#include "util/strings.hpp"

namespace strata::http {

bool is_retryable_status(long status) {
  return status == 429 || (status >= 500 && status <= 599);
}

std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap, double unit) {
  // base * 2^attempt without overflow: stop doubling once the cap is reached.
  auto ceiling = std::max(base, std::chrono::milliseconds(0));
  for (int i = 0; i < attempt && ceiling < cap; ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, cap);
  unit = std::clamp(unit, 0.0, 1.0);
  return std::chrono::milliseconds(
      static_cast<std::chrono::milliseconds::rep>(static_cast<double>(ceiling.count()) * unit));
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::time_t now) {
  value = util::trim(value);
  if (value.empty()) {
    return std::nullopt;
  }
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    long long seconds = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc::result_out_of_range) {
      return std::chrono::milliseconds::max();
    }
    if (ec != std::errc() || ptr != value.data() + value.size()) {
      return std::nullopt;
    }
    if (seconds > 1'000'000'000LL) {
      return std::chrono::milliseconds::max();
    }
    return std::chrono::seconds(seconds);
  }
  // Every HTTP date form ends in "GMT" (asctime aside, which curl_getdate reads as UTC too);
  // requiring it keeps curl_getdate's lenient parser from accepting arbitrary words.
  if (value.find("GMT") == std::string_view::npos && value.find(':') == std::string_view::npos) {
    return std::nullopt;
  }
  std::string s(value);
  std::time_t when = curl_getdate(s.c_str(), nullptr);
  if (when == -1) {
    return std::nullopt;
  }
  if (when <= now) {
    return std::chrono::milliseconds(0);
  }
  return std::chrono::seconds(when - now);
}

}  // namespace strata::http
