#include "vercmp/dpkg.hpp"

#include <climits>

#include "vercmp/scheme_util.hpp"

namespace strata::vercmp::dpkg {
namespace {

using scheme_util::is_alpha;
using scheme_util::is_digit;
bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// dpkg's order(): digits and the end of string 0, letters their code, '~' -1, others code + 256.
int order(int c) {
  if (is_digit(static_cast<char>(c))) {
    return 0;
  }
  if (is_alpha(static_cast<char>(c))) {
    return c;
  }
  if (c == '~') {
    return -1;
  }
  if (c != 0) {
    return c + 256;
  }
  return 0;
}

// dpkg's verrevcmp() over string_views; the end of a view reads as NUL.
int verrevcmp(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  auto at = [](std::string_view s, std::size_t k) -> int {
    return k < s.size() ? static_cast<unsigned char>(s[k]) : 0;
  };
  while (i < a.size() || j < b.size()) {
    int first_diff = 0;
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      int ac = order(at(a, i));
      int bc = order(at(b, j));
      if (ac != bc) {
        return ac - bc;
      }
      ++i;
      ++j;
    }
    while (i < a.size() && a[i] == '0') {
      ++i;
    }
    while (j < b.size() && b[j] == '0') {
      ++j;
    }
    while (i < a.size() && j < b.size() && is_digit(a[i]) && is_digit(b[j])) {
      if (first_diff == 0) {
        first_diff = a[i] - b[j];
      }
      ++i;
      ++j;
    }
    if (i < a.size() && is_digit(a[i])) {
      return 1;
    }
    if (j < b.size() && is_digit(b[j])) {
      return -1;
    }
    if (first_diff != 0) {
      return first_diff;
    }
  }
  return 0;
}

// "epoch:" at the start of `text`, consumed into `v` when present. The reason it is invalid,
// or nullptr.
const char* take_epoch(std::string_view& text, Version& v) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return nullptr;
  }
  if (colon == 0) {
    return "epoch in version is empty";
  }
  std::uint64_t epoch = 0;
  for (std::size_t k = 0; k < colon; ++k) {
    if (!is_digit(text[k])) {
      return "epoch in version is not number";
    }
    epoch = epoch * 10 + static_cast<std::uint64_t>(text[k] - '0');
    if (epoch > static_cast<std::uint64_t>(INT_MAX)) {
      return "epoch in version is too big";
    }
  }
  if (colon + 1 == text.size()) {
    return "nothing after colon in version number";
  }
  v.epoch = static_cast<std::uint32_t>(epoch);
  v.has_epoch = true;
  text.remove_prefix(colon + 1);
  return nullptr;
}

// dpkg's checks on the upstream version and the revision once split. The reason, or nullptr.
const char* check_parts(const Version& v) {
  if (v.upstream.empty()) {
    return "version number is empty";
  }
  if (!is_digit(v.upstream.front())) {
    return "version number does not start with digit";
  }
  for (char c : v.upstream) {
    if (!is_digit(c) && !is_alpha(c) && c != '.' && c != '-' && c != '+' && c != '~' && c != ':') {
      return "invalid character in version number";
    }
  }
  for (char c : v.revision) {
    if (!is_digit(c) && !is_alpha(c) && c != '.' && c != '+' && c != '~') {
      return "invalid character in revision number";
    }
  }
  return nullptr;
}

// The reason `text` is invalid, or nullptr; fills `out` when valid. No allocation.
const char* parse_into(std::string_view text, Version& out) {
  while (!text.empty() && is_blank(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_blank(text.back())) {
    text.remove_suffix(1);
  }
  if (text.empty()) {
    return "version string is empty";
  }
  for (char c : text) {
    if (is_blank(c)) {
      return "version string has embedded spaces";
    }
  }
  Version v;
  if (const char* why = take_epoch(text, v)) {
    return why;
  }
  std::size_t hyphen = text.rfind('-');
  if (hyphen != std::string_view::npos) {
    v.upstream = text.substr(0, hyphen);
    v.revision = text.substr(hyphen + 1);
    if (v.revision.empty()) {
      return "revision number is empty";
    }
  } else {
    v.upstream = text;
  }
  if (const char* why = check_parts(v)) {
    return why;
  }
  out = v;
  return nullptr;
}

// Characters that may appear in a version at all (upstream's set; the revision's is narrower).
struct CharTable {
  bool allowed[256] = {};
  constexpr CharTable() {
    for (int c = '0'; c <= '9'; ++c) {
      allowed[c] = true;
    }
    for (int c = 'a'; c <= 'z'; ++c) {
      allowed[c] = true;
      allowed[c - 'a' + 'A'] = true;
    }
    for (char c : {'.', '+', '~', '-', ':'}) {
      allowed[static_cast<unsigned char>(c)] = true;
    }
  }
};
constexpr CharTable k_chars;

// One pass for the common, valid case (compare_strings parses on every call). Returns false
// whenever anything is unusual; parse_into() then decides and explains.
bool fast_parse(std::string_view text, Version& out) {
  std::size_t first_colon = std::string_view::npos;
  std::size_t last_colon = std::string_view::npos;
  std::size_t last_hyphen = std::string_view::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!k_chars.allowed[static_cast<unsigned char>(c)]) {
      return false;
    }
    if (c == ':') {
      first_colon = first_colon == std::string_view::npos ? i : first_colon;
      last_colon = i;
    } else if (c == '-') {
      last_hyphen = i;
    }
  }
  Version v;
  std::size_t start = 0;
  if (first_colon != std::string_view::npos) {
    if (first_colon == 0 || first_colon > 9) {
      return false;
    }
    std::uint32_t epoch = 0;
    for (std::size_t k = 0; k < first_colon; ++k) {
      if (!is_digit(text[k])) {
        return false;
      }
      epoch = epoch * 10 + static_cast<std::uint32_t>(text[k] - '0');
    }
    v.epoch = epoch;
    v.has_epoch = true;
    start = first_colon + 1;
  }
  if (last_hyphen != std::string_view::npos && last_hyphen >= start) {
    if (last_colon != std::string_view::npos && last_colon > last_hyphen) {
      return false;
    }
    v.upstream = text.substr(start, last_hyphen - start);
    v.revision = text.substr(last_hyphen + 1);
    if (v.revision.empty()) {
      return false;
    }
  } else {
    v.upstream = text.substr(start);
  }
  if (v.upstream.empty() || !is_digit(v.upstream.front())) {
    return false;
  }
  out = v;
  return true;
}

// fast_parse, then parse_into to decide and explain: an into parser for scheme_util.
const char* parse_fast_into(std::string_view text, Version& out) {
  return fast_parse(text, out) ? nullptr : parse_into(text, out);
}

}  // namespace

util::Result<Version> parse(std::string_view text) {
  return scheme_util::parse_with_into<Version>("dpkg", parse_fast_into, text);
}

int compare(const Version& left, const Version& right) {
  if (left.epoch != right.epoch) {
    return left.epoch < right.epoch ? -1 : 1;
  }
  int r = verrevcmp(left.upstream, right.upstream);
  if (r != 0) {
    return r < 0 ? -1 : 1;
  }
  r = verrevcmp(left.revision, right.revision);
  return r < 0 ? -1 : (r > 0 ? 1 : 0);
}

std::string canonical(const Version& version) {
  std::string out;
  if (version.epoch != 0) {
    out += std::to_string(version.epoch);
    out += ':';
  }
  out += version.upstream;
  if (!version.revision.empty()) {
    out += '-';
    out += version.revision;
  }
  return out;
}

util::Result<int> compare_strings(std::string_view left, std::string_view right) {
  return scheme_util::compare_with_into<Version>("dpkg", parse_fast_into, compare, left, right);
}

util::Status validate(std::string_view version) {
  return scheme_util::validate_with_into<Version>("dpkg", parse_fast_into, version);
}

}  // namespace strata::vercmp::dpkg
