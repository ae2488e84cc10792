// Gem::Version: ANCHORED_VERSION_PATTERN, _segments, canonical_segments and <=> (rubygems
// lib/rubygems/version.rb).
#include "vercmp/rubygems.hpp"

#include <algorithm>
#include <utility>

#include "vercmp/scheme_util.hpp"

namespace strata::vercmp::rubygems {
namespace {

using scheme_util::is_alnum;
using scheme_util::is_alpha;
using scheme_util::is_c_space;
using scheme_util::is_digit;

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_c_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_c_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// ANCHORED_VERSION_PATTERN on a trimmed, non-empty string; the error says what is wrong.
util::Status check_pattern(std::string_view s) {
  std::size_t i = 0;
  if (!is_digit(s[0])) {
    return util::input_error("must start with a digit");
  }
  // Ruby requires [0-9]+ here; we also accept letters straight after the leading digits
  // ("1beta"), as OSV's RubyGems ordering (osv-scalibr) does.
  while (i < s.size() && is_alnum(s[i])) {
    ++i;
  }
  // (\.[0-9a-zA-Z]+)*
  while (i < s.size() && s[i] == '.') {
    std::size_t start = ++i;
    while (i < s.size() && is_alnum(s[i])) {
      ++i;
    }
    if (i == start) {
      return util::input_error("empty segment after '.'");
    }
  }
  if (i == s.size()) {
    return {};
  }
  if (s[i] != '-') {
    return util::input_error("unexpected character '{}'", s[i]);
  }
  // -[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*
  ++i;
  while (true) {
    std::size_t start = i;
    while (i < s.size() && (is_alnum(s[i]) || s[i] == '-')) {
      ++i;
    }
    if (i == start) {
      return util::input_error("empty prerelease segment");
    }
    if (i == s.size()) {
      return {};
    }
    if (s[i] != '.') {
      return util::input_error("unexpected character '{}'", s[i]);
    }
    ++i;
  }
}

std::string strip_zeros(std::string_view digits) {
  std::size_t nz = digits.find_first_not_of('0');
  return nz == std::string_view::npos ? std::string("0") : std::string(digits.substr(nz));
}

void drop_trailing_zeros(std::vector<Segment>& segments, std::size_t from) {
  while (segments.size() > from && segments.back().numeric && segments.back().text == "0") {
    segments.pop_back();
  }
}

util::Result<Version> parse_impl(std::string_view text) {
  std::string_view s = trim_blanks(text);
  if (s.empty()) {
    return util::input_error("empty");
  }
  TRY(check_pattern(s));
  // gsub("-", ".pre."): a '-' separates like '.' and adds the segment "pre".
  std::vector<Segment> all;
  for (std::size_t i = 0; i < s.size();) {
    if (is_digit(s[i])) {
      std::size_t start = i;
      while (i < s.size() && is_digit(s[i])) {
        ++i;
      }
      all.push_back({true, strip_zeros(s.substr(start, i - start))});
    } else if (is_alpha(s[i])) {
      std::size_t start = i;
      while (i < s.size() && is_alpha(s[i])) {
        ++i;
      }
      all.push_back({false, std::string(s.substr(start, i - start))});
    } else {
      if (s[i] == '-') {
        all.push_back({false, "pre"});
      }
      ++i;
    }
  }
  // canonical_segments: the numeric prefix and the rest each lose their trailing zeros.
  Version version;
  std::size_t first_string = 0;
  while (first_string < all.size() && all[first_string].numeric) {
    ++first_string;
  }
  version.prerelease = first_string < all.size();
  for (std::size_t i = 0; i < first_string; ++i) {
    version.segments.push_back(std::move(all[i]));
  }
  drop_trailing_zeros(version.segments, 0);
  std::size_t rest_from = version.segments.size();
  for (std::size_t i = first_string; i < all.size(); ++i) {
    version.segments.push_back(std::move(all[i]));
  }
  drop_trailing_zeros(version.segments, rest_from);
  return version;
}

int compare_digits(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) {
    return a.size() < b.size() ? -1 : 1;
  }
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

const Segment k_zero{true, "0"};

}  // namespace

util::Result<Version> parse(std::string_view text) {
  return scheme_util::parse_with("rubygems", parse_impl, text);
}

int compare(const Version& left, const Version& right) {
  const auto& l = left.segments;
  const auto& r = right.segments;
  std::size_t n = std::max(l.size(), r.size());
  for (std::size_t i = 0; i < n; ++i) {
    const Segment& a = i < l.size() ? l[i] : k_zero;
    const Segment& b = i < r.size() ? r[i] : k_zero;
    if (a.numeric != b.numeric) {
      return a.numeric ? 1 : -1;  // a string sorts before a number
    }
    int c = a.numeric ? compare_digits(a.text, b.text) : a.text.compare(b.text);
    if (c != 0) {
      return c < 0 ? -1 : 1;
    }
  }
  return 0;
}

std::string canonical(const Version& version) {
  if (version.segments.empty()) {
    return "0";
  }
  std::string out;
  for (const auto& s : version.segments) {
    if (!out.empty()) {
      out.push_back('.');
    }
    out += s.text;
  }
  return out;
}

util::Result<int> compare_strings(std::string_view left, std::string_view right) {
  return scheme_util::compare_with("rubygems", parse_impl, compare, left, right);
}

util::Status validate(std::string_view version) {
  return scheme_util::validate_with(parse, version);
}

}  // namespace strata::vercmp::rubygems
