#pragma once
// The parse / compare_strings / validate bodies that the version schemes share, so each scheme
// states only what differs: its name, how it parses, how it compares. Header-only templates over
// callables (functions or lambdas), nothing type-erased: these add no allocation on the success
// path beyond what the scheme's own parser does.
//
// Error messages (unit and golden tests check them verbatim):
//   parse, validate:  "invalid <scheme> version '<text>': <why>"
//   compare_strings:  "invalid <scheme> version '<text>' (left): <why>", "... (right): ..."
//
// Two kinds of parser are supported:
//   reason parser:  `parse_reason(text)` -> util::Result<Version>; the error message is the bare
//                   reason (no scheme, no text).
//   into parser:    `parse_into(text, out)` -> const char*: nullptr when valid (and `out` filled),
//                   else the reason as a static string. Used by the allocation-free schemes.
//
// It also holds the ASCII character classes the schemes' parsers share (locale-independent,
// unlike <cctype>).

#include <string_view>
#include <utility>

#include "util/result.hpp"

namespace strata::vercmp::scheme_util {

// [0-9]
constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
// [A-Za-z]
constexpr bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// [0-9A-Za-z]
constexpr bool is_alnum(char c) {
  return is_digit(c) || is_alpha(c);
}
// [0-9A-Za-z-]: a SemVer identifier character (SemVer, Go, NuGet labels).
constexpr bool is_ident_char(char c) {
  return is_alnum(c) || c == '-';
}
// C's isspace in the "C" locale: space, \t, \n, \v, \f, \r (also JavaScript's \s, ASCII part).
constexpr bool is_c_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}
// True when `s` is non-empty and every character is [0-9].
constexpr bool all_digits(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (!is_digit(c)) {
      return false;
    }
  }
  return true;
}

// Runs a reason parser; on failure prefixes the reason with the scheme and the text.
template <typename ParseReason>
auto parse_with(std::string_view scheme, ParseReason&& parse_reason, std::string_view text)
    -> decltype(parse_reason(text)) {
  auto v = parse_reason(text);
  if (!v) {
    return util::input_error("invalid {} version '{}': {}", scheme, text, v.error().message);
  }
  return v;
}

// Parses both sides with a reason parser and returns compare(left, right) (-1, 0 or 1, as the
// scheme's compare returns). The first invalid side is the error, left before right.
template <typename ParseReason, typename Compare>
util::Result<int> compare_with(std::string_view scheme, ParseReason&& parse_reason,
                               Compare&& compare, std::string_view left, std::string_view right) {
  auto l = parse_reason(left);
  if (!l) {
    return util::input_error("invalid {} version '{}' (left): {}", scheme, left, l.error().message);
  }
  auto r = parse_reason(right);
  if (!r) {
    return util::input_error("invalid {} version '{}' (right): {}", scheme, right,
                             r.error().message);
  }
  return compare(*l, *r);
}

// The error of `parse(version)` (any callable returning a util::Result), or success.
template <typename Parse>
util::Status validate_with(Parse&& parse, std::string_view version) {
  auto v = parse(version);
  if (!v) {
    return std::move(v).error();
  }
  return {};
}

// parse_with for an into parser.
template <typename Version, typename ParseInto>
util::Result<Version> parse_with_into(std::string_view scheme, ParseInto&& parse_into,
                                      std::string_view text) {
  Version v;
  if (const char* why = parse_into(text, v)) {
    return util::input_error("invalid {} version '{}': {}", scheme, text, why);
  }
  return v;
}

// compare_with for an into parser: both Versions live on the stack.
template <typename Version, typename ParseInto, typename Compare>
util::Result<int> compare_with_into(std::string_view scheme, ParseInto&& parse_into,
                                    Compare&& compare, std::string_view left,
                                    std::string_view right) {
  Version a;
  Version b;
  if (const char* why = parse_into(left, a)) {
    return util::input_error("invalid {} version '{}' (left): {}", scheme, left, why);
  }
  if (const char* why = parse_into(right, b)) {
    return util::input_error("invalid {} version '{}' (right): {}", scheme, right, why);
  }
  return compare(a, b);
}

// validate_with for an into parser; same message as parse_with_into.
template <typename Version, typename ParseInto>
util::Status validate_with_into(std::string_view scheme, ParseInto&& parse_into,
                                std::string_view version) {
  Version v;
  if (const char* why = parse_into(version, v)) {
    return util::input_error("invalid {} version '{}': {}", scheme, version, why);
  }
  return {};
}

}  // namespace strata::vercmp::scheme_util
