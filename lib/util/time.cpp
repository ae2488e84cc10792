#include "util/time.hpp"

#include <cctype>

namespace strata::util {

namespace {

// Reads exactly `n` digits at `pos`.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) {
    return std::nullopt;
  }
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      return std::nullopt;
    }
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
  auto year = digits(s, 0, 4);
  auto month = digits(s, 5, 2);
  auto day = digits(s, 8, 2);
  if (!year || !month || !day || s[4] != '-' || s[7] != '-' || *month < 1 || *month > 12) {
    return std::nullopt;
  }
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max_day = k_days[*month - 1] + (*month == 2 && leap(*year) ? 1 : 0);
  if (*day < 1 || *day > max_day) {
    return std::nullopt;
  }
  std::int64_t t =
      days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) * 86400;
  if (s.size() == 10) {
    return t;
  }
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') {
    return std::nullopt;
  }
  auto hour = digits(s, 11, 2);
  auto minute = digits(s, 14, 2);
  auto second = digits(s, 17, 2);
  if (!hour || !minute || !second || s[13] != ':' || s[16] != ':' || *hour > 23 || *minute > 59 ||
      *second > 60) {
    return std::nullopt;
  }
  t += *hour * 3600 + *minute * 60 + *second;
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      ++pos;
    }
    if (pos == start) {
      return std::nullopt;
    }
  }
  if (pos + 1 == s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    return t;
  }
  if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    auto oh = digits(s, pos + 1, 2);
    auto om = digits(s, pos + 4, 2);
    if (!oh || !om || *oh > 23 || *om > 59) {
      return std::nullopt;
    }
    std::int64_t offset = *oh * 3600 + *om * 60;
    return s[pos] == '+' ? t - offset : t + offset;
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_duration(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  constexpr std::int64_t k_max = std::int64_t{1} << 50;  // far beyond any useful age
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t n = 0;
    std::size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
      n = n * 10 + (text[i] - '0');
      if (n > k_max) {
        return std::nullopt;
      }
      ++i;
    }
    if (i == start || i == text.size()) {
      return std::nullopt;  // a unit without a number, or a number without a unit
    }
    std::int64_t unit = 0;
    switch (text[i]) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      case 'w':
        unit = 7 * 86400;
        break;
      default:
        return std::nullopt;
    }
    ++i;
    total += n * unit;
    if (total > k_max) {
      return std::nullopt;
    }
  }
  return total;
}

}  // namespace strata::util
