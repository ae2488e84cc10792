#include "detect/lang/npm_yaml.hpp"

#include <cctype>

#include <fmt/format.h>

namespace strata::detect::lang {

namespace {

constexpr std::size_t k_npos = std::string_view::npos;

std::string_view trim_blanks(std::string_view s) {
  auto b = s.find_first_not_of(" \t");
  if (b == k_npos) {
    return {};
  }
  auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// The index of the quote closing the quoted scalar `text` starts with, or k_npos.
std::size_t closing_quote(std::string_view text) {
  const char q = text[0];
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (q == '\'' && text[i] == '\'') {
      if (i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is an escaped quote
        continue;
      }
      return i;
    }
    if (q == '"') {
      if (text[i] == '\\') {
        ++i;
        continue;
      }
      if (text[i] == '"') {
        return i;
      }
    }
  }
  return k_npos;
}

void append_utf8(std::string& out, unsigned long cp) {
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
    out += static_cast<char>(0xF0 | ((cp >> 18) & 0x07));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The value after a key's ':' (already trimmed).
std::string scalar_value(std::string_view raw) {
  if (raw.empty() || raw[0] == '#') {
    return {};
  }
  if (raw[0] == '"' || raw[0] == '\'') {
    auto end = closing_quote(raw);
    return yaml_unquote(end == k_npos ? raw : raw.substr(0, end + 1));
  }
  if (raw[0] == '{' || raw[0] == '[') {
    return std::string(raw);
  }
  // A plain scalar ends at " #" (a comment).
  for (std::size_t i = 1; i < raw.size(); ++i) {
    if (raw[i] == '#' && (raw[i - 1] == ' ' || raw[i - 1] == '\t')) {
      return std::string(trim_blanks(raw.substr(0, i)));
    }
  }
  return std::string(raw);
}

}  // namespace

std::string yaml_unquote(std::string_view text) {
  if (text.empty() || (text[0] != '"' && text[0] != '\'')) {
    return std::string(text);
  }
  const char q = text[0];
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 1; i < text.size(); ++i) {
    char c = text[i];
    if (c == q) {
      if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        out += '\'';
        ++i;
        continue;
      }
      break;  // the closing quote
    }
    if (q == '"' && c == '\\' && i + 1 < text.size()) {
      char e = text[++i];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case '0':
          out += '\0';
          break;
        case 'u':
        case 'U':
        case 'x': {
          std::size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          unsigned long cp = 0;
          std::size_t n = 0;
          while (n < digits && i + 1 < text.size() &&
                 std::isxdigit(static_cast<unsigned char>(text[i + 1]))) {
            char h = text[++i];
            cp = cp * 16 + static_cast<unsigned long>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
            ++n;
          }
          append_utf8(out, cp > 0x10FFFF ? 0xFFFD : cp);
          break;
        }
        default:
          out += e;  // \" \\ \/ and the rest: the character itself
      }
      continue;
    }
    out += c;
  }
  return out;
}

std::vector<YamlLine> read_yaml_lines(std::string_view content, std::size_t max_depth,
                                      std::size_t max_lines, std::vector<std::string>& problems) {
  struct Open {
    std::size_t indent;
    std::string key;
  };
  std::vector<YamlLine> out;
  std::vector<Open> stack;
  std::size_t document = 0;
  std::size_t number = 0;
  std::size_t block_scalar_indent = k_npos;  // inside a block scalar: lines deeper than this
  bool warned_depth = false;
  bool warned_quote = false;
  if (content.substr(0, 3) == "\xEF\xBB\xBF") {
    content.remove_prefix(3);
  }
  std::size_t pos = 0;
  while (pos < content.size()) {
    auto nl = content.find('\n', pos);
    std::string_view line = content.substr(pos, nl == k_npos ? k_npos : nl - pos);
    pos = nl == k_npos ? content.size() : nl + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (trim_blanks(line).empty()) {
      continue;
    }
    const std::size_t indent = line.find_first_not_of(' ');
    std::string_view rest = line.substr(indent);
    if (block_scalar_indent != k_npos) {
      if (indent > block_scalar_indent) {
        continue;
      }
      block_scalar_indent = k_npos;
    }
    if (rest[0] == '#') {
      continue;
    }
    if (indent == 0 && rest.substr(0, 3) == "---" && (rest.size() == 3 || rest[3] == ' ')) {
      ++document;
      stack.clear();
      continue;
    }
    if (indent == 0 && rest == "...") {
      continue;
    }
    if ((rest[0] == '-' || rest[0] == '?') && (rest.size() == 1 || rest[1] == ' ')) {
      continue;  // a sequence item or a complex key: not in the subset
    }
    std::string key;
    std::size_t after = k_npos;  // index in `rest` just after the key's ':'
    if (rest[0] == '"' || rest[0] == '\'') {
      auto end = closing_quote(rest);
      if (end == k_npos) {
        if (!warned_quote) {
          problems.push_back(
              fmt::format("line {}: a quoted key without its closing quote", number));
          warned_quote = true;
        }
        continue;
      }
      auto colon = rest.find_first_not_of(" \t", end + 1);
      if (colon == k_npos || rest[colon] != ':' ||
          (colon + 1 < rest.size() && rest[colon + 1] != ' ' && rest[colon + 1] != '\t')) {
        continue;
      }
      key = yaml_unquote(rest.substr(0, end + 1));
      after = colon + 1;
    } else {
      for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == ':' && (i + 1 == rest.size() || rest[i + 1] == ' ' || rest[i + 1] == '\t')) {
          after = i + 1;
          break;
        }
        if (rest[i] == '#' && i > 0 && (rest[i - 1] == ' ' || rest[i - 1] == '\t')) {
          break;  // a comment before any ':'
        }
      }
      if (after == k_npos) {
        continue;  // not "key: value" (a continuation line, a bare scalar)
      }
      key = std::string(trim_blanks(rest.substr(0, after - 1)));
    }
    std::string_view raw = trim_blanks(rest.substr(after));
    std::string value;
    if (!raw.empty() && (raw[0] == '|' || raw[0] == '>')) {
      block_scalar_indent = indent;
    } else {
      value = scalar_value(raw);
    }
    while (!stack.empty() && stack.back().indent >= indent) {
      stack.pop_back();
    }
    if (stack.size() >= max_depth) {
      if (!warned_depth) {
        problems.push_back(
            fmt::format("line {}: keys nested deeper than {} levels, ignored", number, max_depth));
        warned_depth = true;
      }
      continue;
    }
    if (out.size() >= max_lines) {
      problems.push_back(
          fmt::format("line {}: more than {} keys, the rest ignored", number, max_lines));
      break;
    }
    YamlLine yl;
    yl.number = number;
    yl.document = document;
    yl.path.reserve(stack.size());
    for (const auto& o : stack) {
      yl.path.push_back(o.key);
    }
    yl.key = key;
    yl.value = std::move(value);
    out.push_back(std::move(yl));
    stack.push_back({indent, std::move(key)});
  }
  return out;
}

}  // namespace strata::detect::lang
