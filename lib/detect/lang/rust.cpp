// Cargo.lock (see rust.hpp); the cargo-auditable reader is in rust_auditable.cpp.

#include "detect/lang/rust.hpp"

#include <fmt/format.h>

#include "detect/purl.hpp"

namespace strata::detect::lang {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x110000) {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// A TOML basic ("...") or literal ('...') string at the start of `v`; nullopt when `v` is not one
// (a number, an array, an unterminated string).
std::optional<std::string> toml_string(std::string_view v) {
  if (v.empty() || (v[0] != '"' && v[0] != '\'')) {
    return std::nullopt;
  }
  const char quote = v[0];
  std::string out;
  for (std::size_t i = 1; i < v.size(); ++i) {
    char c = v[i];
    if (c == quote) {
      return out;
    }
    if (c != '\\' || quote == '\'') {
      out.push_back(c);
      continue;
    }
    if (++i >= v.size()) {
      return std::nullopt;
    }
    switch (v[i]) {
      case 'b':
        out.push_back('\b');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case '"':
        out.push_back('"');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case 'u':
      case 'U': {
        std::size_t digits = v[i] == 'u' ? 4 : 8;
        if (v.size() - i - 1 < digits) {
          return std::nullopt;
        }
        std::uint32_t cp = 0;
        for (std::size_t k = 1; k <= digits; ++k) {
          char h = v[i + k];
          int d = h >= '0' && h <= '9'   ? h - '0'
                  : h >= 'a' && h <= 'f' ? h - 'a' + 10
                  : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                         : -1;
          if (d < 0) {
            return std::nullopt;
          }
          cp = cp * 16 + static_cast<std::uint32_t>(d);
        }
        append_utf8(out, cp);
        i += digits;
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

// The change in array nesting over `s`, ignoring brackets inside strings and after a comment.
int bracket_delta(std::string_view s) {
  int delta = 0;
  char quote = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      break;
    } else if (c == '[') {
      ++delta;
    } else if (c == ']') {
      --delta;
    }
  }
  return delta;
}

struct LockEntry {
  std::size_t line = 0;
  std::optional<std::string> name;
  std::optional<std::string> version;
};

}  // namespace

bool is_cargo_lock_candidate(std::string_view path) {
  auto slash = path.rfind('/');
  return path.substr(slash == std::string_view::npos ? 0 : slash + 1) == "Cargo.lock";
}

model::Package cargo_package(std::string_view name, std::string_view version,
                             std::string_view path) {
  model::Package p;
  p.name = std::string(name);
  p.version = std::string(version);
  p.type = "rust";
  p.ecosystem = "crates.io";
  p.purl = make_purl("cargo", "", name, version, "", "");
  p.location = std::string(path);
  return p;
}

std::vector<model::Package> parse_cargo_lock(std::string_view content, std::string_view path,
                                             std::vector<std::string>& warnings) {
  std::vector<model::Package> out;
  std::optional<LockEntry> entry;  // the [[package]] table being read
  std::size_t incomplete = 0;
  std::size_t first_incomplete = 0;
  auto flush = [&] {
    if (!entry) {
      return;
    }
    if (entry->name && entry->version) {
      out.push_back(cargo_package(*entry->name, *entry->version, path));
    } else if (incomplete++ == 0) {
      first_incomplete = entry->line;
    }
    entry.reset();
  };
  int depth = 0;  // open brackets of a multi-line array value
  std::size_t line_no = 0;
  while (!content.empty()) {
    auto nl = content.find('\n');
    std::string_view line = trim(content.substr(0, nl));
    content.remove_prefix(nl == std::string_view::npos ? content.size() : nl + 1);
    ++line_no;
    if (depth > 0) {
      depth += bracket_delta(line);
      depth = depth < 0 ? 0 : depth;
      continue;
    }
    if (line.empty() || line[0] == '#') {
      continue;
    }
    if (line[0] == '[') {
      flush();
      std::string header;
      for (char c : line.substr(0, line.find('#'))) {
        if (c != ' ' && c != '\t') {
          header.push_back(c);
        }
      }
      if (header == "[[package]]" || header == "[root]") {
        entry = LockEntry{line_no, std::nullopt, std::nullopt};
      }
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    std::string_view key = trim(line.substr(0, eq));
    std::string_view value = trim(line.substr(eq + 1));
    if (!value.empty() && value[0] == '[') {
      depth = bracket_delta(value);
      depth = depth < 0 ? 0 : depth;
      continue;
    }
    if (!entry || (key != "name" && key != "version")) {
      continue;
    }
    auto text = toml_string(value);
    if (!text) {
      continue;
    }
    (key == "name" ? entry->name : entry->version) = std::move(*text);
  }
  flush();
  if (incomplete > 0) {
    warnings.push_back(
        fmt::format("{}: skipped {} [[package]] table{} without a name or version "
                    "(the first at line {})",
                    path, incomplete, incomplete == 1 ? "" : "s", first_incomplete));
  }
  return out;
}

}  // namespace strata::detect::lang
