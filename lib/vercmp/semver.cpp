#include "vercmp/semver.hpp"

#include <algorithm>

#include "vercmp/scheme_util.hpp"

namespace strata::vercmp::semver {
namespace {

constexpr std::size_t k_max_length = 256;  // node-semver MAX_LENGTH

// JavaScript's \s and String.prototype.trim(), ASCII part: the same set as C's isspace.
constexpr auto is_js_space = scheme_util::is_c_space;
using scheme_util::all_digits;
using scheme_util::is_digit;
using scheme_util::is_ident_char;
std::string_view strip_zeros(std::string_view digits) {
  while (digits.size() > 1 && digits.front() == '0') {
    digits.remove_prefix(1);
  }
  return digits;
}

// Dot-separated identifiers of [0-9A-Za-z-]+; with `no_leading_zero`, all-digit identifiers
// must be "0" or start with 1-9 (strict prerelease).
bool valid_idents(std::string_view s, bool no_leading_zero) {
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      std::string_view id = s.substr(start, i - start);
      if (id.empty()) {
        return false;
      }
      if (no_leading_zero && id.size() > 1 && id[0] == '0' && all_digits(id)) {
        return false;
      }
      start = i + 1;
    } else if (!is_ident_char(s[i])) {
      return false;
    }
  }
  return true;
}

// A major/minor/patch number of any length (19 digits and fewer in `small`, longer ones into
// v.m_text); strict forbids leading zeros. False if not a number.
bool take_number(std::string_view& s, Mode mode, Number& out, Version& v) {
  std::size_t i = 0;
  while (i < s.size() && is_digit(s[i])) {
    ++i;
  }
  if (i == 0 || (mode == Mode::strict && s[0] == '0' && i > 1)) {
    return false;
  }
  std::string_view digits = strip_zeros(s.substr(0, i));
  out = Number{};
  if (digits.size() <= 19) {
    for (char c : digits) {
      out.small = out.small * 10 + static_cast<std::uint64_t>(c - '0');
    }
  } else {
    out.offset = static_cast<std::uint32_t>(v.m_text.size());
    out.length = static_cast<std::uint32_t>(digits.size());
    v.m_text += digits;
  }
  s.remove_prefix(i);
  return true;
}

int compare_u64(std::uint64_t a, std::uint64_t b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Numbers of 20 digits and more are longer, so greater, than every `small` one.
int compare_numbers(const Number& a, const Version& va, const Number& b, const Version& vb) {
  if (a.length == 0 || b.length == 0) {
    return a.length != b.length ? (a.length == 0 ? -1 : 1) : compare_u64(a.small, b.small);
  }
  if (a.length != b.length) {
    return a.length < b.length ? -1 : 1;
  }
  int c = std::string_view(va.m_text)
              .substr(a.offset, a.length)
              .compare(std::string_view(vb.m_text).substr(b.offset, b.length));
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

void append_number(std::string& out, const Number& n, const Version& v) {
  if (n.length == 0) {
    out += std::to_string(n.small);
  } else {
    out += std::string_view(v.m_text).substr(n.offset, n.length);
  }
}

// `text` without surrounding JavaScript whitespace and the leading 'v' (loose: any run of 'v',
// '=' and whitespace).
std::string_view strip_prefix(std::string_view text, Mode mode) {
  std::string_view s = text;
  while (!s.empty() && is_js_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_js_space(s.back())) {
    s.remove_suffix(1);
  }
  if (mode == Mode::loose) {
    while (!s.empty() && (s[0] == 'v' || s[0] == '=' || is_js_space(s[0]))) {
      s.remove_prefix(1);
    }
  } else if (!s.empty() && s[0] == 'v') {
    s.remove_prefix(1);
  }
  return s;
}

// MAJOR.MINOR.PATCH at the start of `s`, consumed.
util::Status take_core(std::string_view& s, Mode mode, Version& v) {
  if (!take_number(s, mode, v.major, v) || s.empty() || s[0] != '.') {
    return util::input_error("bad major version");
  }
  s.remove_prefix(1);
  if (!take_number(s, mode, v.minor, v) || s.empty() || s[0] != '.') {
    return util::input_error("bad minor version");
  }
  s.remove_prefix(1);
  if (!take_number(s, mode, v.patch, v)) {
    return util::input_error("bad patch version");
  }
  return {};
}

// The prerelease identifiers in `region` (the text between the patch number and any '+'):
// strict "-ids"; loose "-?ids", where an identifier may itself start with '-'.
util::Result<std::string_view> prerelease_of(std::string_view region, Mode mode) {
  if (region.empty()) {
    return std::string_view();
  }
  if (mode == Mode::strict) {
    if (region[0] != '-' || !valid_idents(region.substr(1), true)) {
      return util::input_error("bad prerelease '{}'", region);
    }
    return region.substr(1);
  }
  if (region[0] == '-' && valid_idents(region.substr(1), false)) {
    return region.substr(1);
  }
  if (valid_idents(region, false)) {
    return region;
  }
  return util::input_error("bad prerelease '{}'", region);
}

// Stores the prerelease identifiers and the build metadata in v.m_text (after any long core
// number).
void store_labels(Version& v, std::string_view pre, std::string_view build) {
  v.m_text.reserve(v.m_text.size() + pre.size() + build.size());
  if (!pre.empty()) {
    std::size_t start = 0;
    for (std::size_t i = 0; i <= pre.size(); ++i) {
      if (i == pre.size() || pre[i] == '.') {
        std::string_view id = pre.substr(start, i - start);
        Identifier ident;
        ident.numeric = all_digits(id);
        ident.offset = static_cast<std::uint32_t>(v.m_text.size());
        ident.length = static_cast<std::uint32_t>(id.size());
        v.m_text += id;
        v.prerelease.push_back(ident);
        start = i + 1;
      }
    }
  }
  v.m_build_offset = static_cast<std::uint32_t>(v.m_text.size());
  v.m_build_length = static_cast<std::uint32_t>(build.size());
  v.m_text += build;
}

util::Result<Version> parse_reason(std::string_view text, Mode mode) {
  if (text.size() > k_max_length) {
    return util::input_error("longer than {} characters", k_max_length);
  }
  std::string_view s = strip_prefix(text, mode);
  Version v;
  TRY(take_core(s, mode, v));
  std::string_view region = s.substr(0, s.find('+'));
  TRY_ASSIGN(std::string_view pre, prerelease_of(region, mode));
  s.remove_prefix(region.size());
  std::string_view build;
  if (!s.empty()) {  // s[0] == '+'
    build = s.substr(1);
    if (!valid_idents(build, false)) {
      return util::input_error("bad build metadata '{}'", s);
    }
  }
  store_labels(v, pre, build);
  return v;
}

int compare_identifiers(std::string_view a, bool anum, std::string_view b, bool bnum) {
  if (anum && bnum) {
    a = strip_zeros(a);
    b = strip_zeros(b);
    if (a.size() != b.size()) {
      return a.size() < b.size() ? -1 : 1;
    }
  } else if (anum != bnum) {
    return anum ? -1 : 1;
  }
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

util::Result<Version> parse(std::string_view text, Mode mode) {
  return scheme_util::parse_with(
      "semver", [mode](std::string_view t) { return parse_reason(t, mode); }, text);
}

int compare_core(const Version& l, const Version& r) {
  if (int c = compare_numbers(l.major, l, r.major, r); c != 0) {
    return c;
  }
  if (int c = compare_numbers(l.minor, l, r.minor, r); c != 0) {
    return c;
  }
  return compare_numbers(l.patch, l, r.patch, r);
}

int compare(const Version& l, const Version& r) {
  if (int c = compare_core(l, r); c != 0) {
    return c;
  }
  if (l.prerelease.empty() || r.prerelease.empty()) {
    return l.prerelease.empty() == r.prerelease.empty() ? 0 : (l.prerelease.empty() ? 1 : -1);
  }
  std::size_t n = std::min(l.prerelease.size(), r.prerelease.size());
  for (std::size_t i = 0; i < n; ++i) {
    const Identifier& a = l.prerelease[i];
    const Identifier& b = r.prerelease[i];
    if (int c = compare_identifiers(l.identifier(a), a.numeric, r.identifier(b), b.numeric);
        c != 0) {
      return c;
    }
  }
  return compare_u64(l.prerelease.size(), r.prerelease.size());
}

std::string canonical(const Version& v) {
  std::string out;
  append_number(out, v.major, v);
  out += '.';
  append_number(out, v.minor, v);
  out += '.';
  append_number(out, v.patch, v);
  for (std::size_t i = 0; i < v.prerelease.size(); ++i) {
    out += i == 0 ? '-' : '.';
    std::string_view id = v.identifier(v.prerelease[i]);
    // node-semver turns numeric identifiers below 2^53-1 into numbers.
    if (v.prerelease[i].numeric && strip_zeros(id).size() <= 15) {
      id = strip_zeros(id);
    }
    out += id;
  }
  return out;
}

util::Result<int> compare_strings(std::string_view left, std::string_view right) {
  auto parse_loose = [](std::string_view t) { return parse_reason(t, Mode::loose); };
  return scheme_util::compare_with("semver", parse_loose, compare, left, right);
}

util::Status validate(std::string_view version) {
  return scheme_util::validate_with([](std::string_view t) { return parse(t, Mode::loose); },
                                    version);
}

}  // namespace strata::vercmp::semver
