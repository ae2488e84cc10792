#include "detect/lang/java_properties.hpp"

#include <cstdint>
#include <vector>

namespace strata::detect::lang {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\f';
}

// The logical lines of `text` with comments and blank lines dropped and continuations joined,
// escapes still in place (Properties.LineReader).
std::vector<std::string> logical_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    // The start of a logical line: skip blanks, then blank lines and comments.
    while (i < n && is_blank(text[i])) {
      ++i;
    }
    if (i >= n) {
      break;
    }
    if (text[i] == '\n' || text[i] == '\r') {
      ++i;
      continue;
    }
    if (text[i] == '#' || text[i] == '!') {
      while (i < n && text[i] != '\n' && text[i] != '\r') {
        ++i;
      }
      continue;
    }
    std::string line;
    for (;;) {
      // Up to the end of this natural line.
      std::size_t start = i;
      while (i < n && text[i] != '\n' && text[i] != '\r') {
        ++i;
      }
      line.append(text.substr(start, i - start));
      std::size_t slashes = 0;
      while (slashes < line.size() && line[line.size() - 1 - slashes] == '\\') {
        ++slashes;
      }
      if (slashes % 2 == 0) {
        break;
      }
      line.pop_back();  // the continuation backslash
      if (i >= n) {
        break;
      }
      i += (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ? 2 : 1;
      while (i < n && is_blank(text[i])) {
        ++i;
      }
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Java chars (UTF-16 code units) to UTF-8.
std::string to_utf8(const std::u16string& units) {
  std::string out;
  out.reserve(units.size());
  for (std::size_t i = 0; i < units.size(); ++i) {
    std::uint32_t u = units[i];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units.size() && units[i + 1] >= 0xDC00 &&
        units[i + 1] <= 0xDFFF) {
      append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00));
      ++i;
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      append_utf8(out, 0xFFFD);
    } else {
      append_utf8(out, u);
    }
  }
  return out;
}

// Properties.loadConvert: escapes resolved, ISO-8859-1 bytes to UTF-8.
std::string unescape(std::string_view s, bool& malformed) {
  std::u16string units;
  units.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' || i + 1 >= s.size()) {
      units += static_cast<char16_t>(static_cast<unsigned char>(c));
      continue;
    }
    c = s[++i];
    if (c == 'u') {
      std::uint32_t value = 0;
      bool ok = i + 4 < s.size();
      for (std::size_t k = 1; ok && k <= 4; ++k) {
        int h = hex_value(s[i + k]);
        ok = h >= 0;
        value = value * 16 + static_cast<std::uint32_t>(h < 0 ? 0 : h);
      }
      if (!ok) {
        malformed = true;
        units += u'u';
        continue;
      }
      units += static_cast<char16_t>(value);
      i += 4;
    } else if (c == 't') {
      units += u'\t';
    } else if (c == 'r') {
      units += u'\r';
    } else if (c == 'n') {
      units += u'\n';
    } else if (c == 'f') {
      units += u'\f';
    } else {
      units += static_cast<char16_t>(static_cast<unsigned char>(c));
    }
  }
  return to_utf8(units);
}

}  // namespace

JavaProperties parse_java_properties(std::string_view text) {
  JavaProperties out;
  for (const std::string& line : logical_lines(text)) {
    std::size_t key_len = 0;
    std::size_t value_start = line.size();
    bool has_separator = false;
    bool backslash = false;
    for (; key_len < line.size(); ++key_len) {
      char c = line[key_len];
      if (!backslash && (c == '=' || c == ':')) {
        value_start = key_len + 1;
        has_separator = true;
        break;
      }
      if (!backslash && is_blank(c)) {
        value_start = key_len + 1;
        break;
      }
      backslash = c == '\\' ? !backslash : false;
    }
    while (value_start < line.size()) {
      char c = line[value_start];
      if (!is_blank(c)) {
        if (has_separator || (c != '=' && c != ':')) {
          break;
        }
        has_separator = true;
      }
      ++value_start;
    }
    std::string_view view(line);
    std::string key = unescape(view.substr(0, key_len), out.malformed_escape);
    out.values[std::move(key)] = unescape(view.substr(value_start), out.malformed_escape);
  }
  return out;
}

}  // namespace strata::detect::lang
