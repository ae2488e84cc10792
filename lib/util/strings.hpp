#pragma once
// Small string helpers used across modules.

#include <string>
#include <string_view>
#include <vector>

namespace strata::util {

std::string_view trim(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
// Calls f(line) for each piece split(s, '\n') would give, without building the vector (a
// hostile file can have tens of millions of lines).
template <typename F>
void for_each_line(std::string_view s, F&& f) {
  for (std::size_t start = 0;;) {
    const std::size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) {
      f(s.substr(start));
      return;
    }
    f(s.substr(start, nl - start));
    start = nl + 1;
  }
}
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

// `s` made safe to print on a terminal or in a one-line message: control characters (C0, DEL,
// and the C1 range U+0080..U+009F, which terminals also obey) become "\n", "\r", "\t" or
// "\xNN" / "\u00NN"; bytes that are not UTF-8 become "\xNN"; valid UTF-8 text stays as it is.
// Longer than `max_bytes` (of input): cut there, on a character boundary, with
// "...(N bytes)" appended. Input-derived strings (names from a tar, digests, environment values,
// package names) go through this before they reach stderr or the table.
std::string printable(std::string_view s, std::size_t max_bytes = 1024);
// Whether printable(s) would change nothing (no control characters, valid UTF-8).
bool is_printable(std::string_view s);

}  // namespace strata::util
