#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace strata::util {

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) {
    return {};
  }
  auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) {
      return false;
    }
  }
  return true;
}

namespace {

// Length of the valid UTF-8 sequence at s[i] (1..4), or 0 when the bytes there are not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  std::uint32_t min = 0;
  if (b0 < 0x80) {
    return 1;
  }
  if ((b0 & 0xe0) == 0xc0) {
    n = 2;
    min = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    n = 3;
    min = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) {
    return 0;
  }
  std::uint32_t cp = b0 & (0x7f >> n);
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xc0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    return 0;
  }
  return n;
}

bool is_control(std::string_view s, std::size_t i, std::size_t len) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (len == 1) {
    return b0 < 0x20 || b0 == 0x7f;
  }
  // U+0080..U+009F: C2 80..C2 9F
  return len == 2 && b0 == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0;
}

}  // namespace

bool is_printable(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_length(s, i);
    if (len == 0 || is_control(s, i, len)) {
      return false;
    }
    i += len;
  }
  return true;
}

std::string printable(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes && is_printable(s)) {
    return std::string(s);
  }
  std::string out;
  out.reserve(std::min(s.size(), max_bytes) + 16);
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t len = utf8_length(s, i);
    if (i + std::max<std::size_t>(len, 1) > max_bytes) {
      break;
    }
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (len == 0) {
      out += fmt::format("\\x{:02x}", b0);
      i += 1;
      continue;
    }
    if (is_control(s, i, len)) {
      switch (b0) {
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          out += len == 1 ? fmt::format("\\x{:02x}", b0)
                          : fmt::format("\\u{:04x}", static_cast<unsigned char>(s[i + 1]));
      }
      i += len;
      continue;
    }
    out.append(s.substr(i, len));
    i += len;
  }
  if (i < s.size()) {
    out += fmt::format("...({} bytes)", s.size());
  }
  return out;
}

}  // namespace strata::util
