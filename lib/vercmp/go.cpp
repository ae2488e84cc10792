#include "vercmp/go.hpp"

#include <algorithm>
#include <regex>

#include "vercmp/scheme_util.hpp"

namespace strata::vercmp::go {
namespace {

using scheme_util::all_digits;
using scheme_util::is_digit;
using scheme_util::is_ident_char;

// x/mod parseInt: digits, no leading zeros. Empty on failure.
std::string_view take_int(std::string_view& s) {
  std::size_t i = 0;
  while (i < s.size() && is_digit(s[i])) {
    ++i;
  }
  if (i == 0 || (s[0] == '0' && i != 1)) {
    return {};
  }
  std::string_view n = s.substr(0, i);
  s.remove_prefix(i);
  return n;
}

// x/mod parsePrerelease / parseBuild on the part after '-' or '+': dot-separated non-empty
// identifiers of [0-9A-Za-z-]; numeric prerelease identifiers without leading zeros. Returns
// why not, or nullptr when fine.
const char* check_idents(std::string_view s, bool prerelease) {
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      std::string_view id = s.substr(start, i - start);
      if (id.empty()) {
        return "empty identifier";
      }
      if (prerelease && id.size() > 1 && id[0] == '0' && all_digits(id)) {
        return "numeric identifier with a leading zero";
      }
      start = i + 1;
    } else if (!is_ident_char(s[i])) {
      return "invalid character";
    }
  }
  return nullptr;
}

int compare_int(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return a.size() < b.size() ? -1 : 1;
  }
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string_view next_ident(std::string_view& s) {
  std::size_t i = 0;
  while (i < s.size() && s[i] != '.') {
    ++i;
  }
  std::string_view id = s.substr(0, i);
  s.remove_prefix(i);
  return id;
}

int compare_prerelease(std::string_view x, std::string_view y) {
  if (x == y) {
    return 0;
  }
  if (x.empty()) {
    return 1;
  }
  if (y.empty()) {
    return -1;
  }
  while (!x.empty() && !y.empty()) {
    x.remove_prefix(1);  // '-' or '.'
    y.remove_prefix(1);
    std::string_view dx = next_ident(x);
    std::string_view dy = next_ident(y);
    if (dx != dy) {
      bool ix = all_digits(dx);
      bool iy = all_digits(dy);
      if (ix != iy) {
        return ix ? -1 : 1;
      }
      if (ix && dx.size() != dy.size()) {
        return dx.size() < dy.size() ? -1 : 1;
      }
      return dx < dy ? -1 : 1;
    }
  }
  return x.empty() ? -1 : 1;
}

// The parts of a version after its 'v': MAJOR, MAJOR.MINOR (shorthands: the missing numbers are
// "0") or MAJOR.MINOR.PATCH[-pre][+build]. `pre` and `build` keep their '-' and '+'.
struct Parts {
  std::string_view major;
  std::string_view minor = "0";
  std::string_view patch = "0";
  std::string_view pre;
  std::string_view build;
};

// [-pre][+build], which must be all of `s` (the text after the patch number).
util::Status take_labels(std::string_view s, Parts& parts) {
  if (!s.empty() && s[0] == '-') {
    parts.pre = s.substr(0, s.find('+'));
    if (const char* why = check_idents(parts.pre.substr(1), true)) {
      return util::input_error("bad prerelease: {}", why);
    }
    s.remove_prefix(parts.pre.size());
  }
  if (!s.empty() && s[0] == '+') {
    parts.build = s;
    if (const char* why = check_idents(parts.build.substr(1), false)) {
      return util::input_error("bad build metadata: {}", why);
    }
    s = {};
  }
  if (!s.empty()) {
    return util::input_error("unexpected text '{}'", s);
  }
  return {};
}

util::Result<Parts> split_parts(std::string_view s) {
  Parts parts;
  parts.major = take_int(s);
  if (parts.major.empty()) {
    return util::input_error("bad major version");
  }
  if (s.empty()) {
    return parts;
  }
  if (s[0] != '.') {
    return util::input_error("expected '.' after the major version");
  }
  s.remove_prefix(1);
  parts.minor = take_int(s);
  if (parts.minor.empty()) {
    return util::input_error("bad minor version");
  }
  if (s.empty()) {
    return parts;
  }
  if (s[0] != '.') {
    return util::input_error(
        "expected '.' after the minor version (no prerelease or build "
        "on a vMAJOR.MINOR shorthand)");
  }
  s.remove_prefix(1);
  parts.patch = take_int(s);
  if (parts.patch.empty()) {
    return util::input_error("bad patch version");
  }
  TRY(take_labels(s, parts));
  return parts;
}

// The canonical spelling "vMAJOR.MINOR.PATCH-pre+build" in v.m_text, with a span per part.
Version assemble(const Parts& p) {
  Version v;
  v.m_text.reserve(4 + p.major.size() + p.minor.size() + p.patch.size() + p.pre.size() +
                   p.build.size());
  auto add = [&v](std::string_view part) {
    Version::Span span{static_cast<std::uint32_t>(v.m_text.size()),
                       static_cast<std::uint32_t>(part.size())};
    v.m_text += part;
    return span;
  };
  v.m_text += 'v';
  v.m_major = add(p.major);
  v.m_text += '.';
  v.m_minor = add(p.minor);
  v.m_text += '.';
  v.m_patch = add(p.patch);
  v.m_pre = add(p.pre);
  v.m_build = add(p.build);
  return v;
}

util::Result<Version> parse_reason(std::string_view text, VPrefix prefix) {
  if (text.empty()) {
    return util::input_error("empty");
  }
  std::string_view s = text;
  if (s[0] == 'v') {
    s.remove_prefix(1);
  } else if (prefix == VPrefix::required) {
    return util::input_error("missing the leading 'v'");
  }
  TRY_ASSIGN(Parts parts, split_parts(s));
  return assemble(parts);
}

// go/version's parsed toolchain version (cmd/go/internal/gover).
struct Toolchain {
  std::string_view major, minor, patch, kind, pre;
};

// gover.parse on a version without the "go" prefix; false when invalid.
bool parse_toolchain_body(std::string_view x, Toolchain& v) {
  v.major = take_int(x);
  if (v.major.empty()) {
    return false;
  }
  if (x.empty()) {
    v.minor = "0";
    v.patch = "0";
    return true;
  }
  if (x[0] != '.') {
    return false;
  }
  x.remove_prefix(1);
  v.minor = take_int(x);
  if (v.minor.empty()) {
    return false;
  }
  if (x.empty()) {
    // Before Go 1.21 "1.N" was the release 1.N.0; from 1.21 on it is the language version.
    if (compare_int(v.minor, "21") < 0) {
      v.patch = "0";
    }
    return true;
  }
  if (x[0] == '.') {
    x.remove_prefix(1);
    v.patch = take_int(x);
    return !v.patch.empty() && x.empty();  // no prereleases of patch releases
  }
  std::size_t i = 0;
  while (i < x.size() && !is_digit(x[i])) {
    if (x[i] < 'a' || x[i] > 'z') {
      return false;
    }
    ++i;
  }
  if (i == 0) {
    return false;
  }
  v.kind = x.substr(0, i);
  x.remove_prefix(i);
  if (x.empty()) {
    return true;
  }
  v.pre = take_int(x);
  return !v.pre.empty() && x.empty();
}

util::Result<Toolchain> parse_toolchain(std::string_view text) {
  std::string_view s = text.substr(0, text.find('-'));  // "go1.21.0-bigcorp"
  if (s.substr(0, 2) == "go") {
    s.remove_prefix(2);
  }
  Toolchain t;
  if (!parse_toolchain_body(s, t)) {
    return util::input_error("not a Go toolchain version (go1.N[.P], go1.NrcR, go1.NbetaB)");
  }
  return t;
}

}  // namespace

util::Result<Version> parse(std::string_view text, VPrefix prefix) {
  return scheme_util::parse_with(
      "go", [prefix](std::string_view t) { return parse_reason(t, prefix); }, text);
}

int compare(const Version& l, const Version& r) {
  if (int c = compare_int(l.major(), r.major()); c != 0) {
    return c;
  }
  if (int c = compare_int(l.minor(), r.minor()); c != 0) {
    return c;
  }
  if (int c = compare_int(l.patch(), r.patch()); c != 0) {
    return c;
  }
  return compare_prerelease(l.prerelease(), r.prerelease());
}

std::string canonical(const Version& v) {
  return v.m_text.substr(0, v.m_text.size() - v.build().size());
}

int compare_x_mod(std::string_view left, std::string_view right) {
  auto l = parse_reason(left, VPrefix::required);
  auto r = parse_reason(right, VPrefix::required);
  if (!l || !r) {
    return (l.ok() ? 1 : 0) - (r.ok() ? 1 : 0);
  }
  return compare(*l, *r);
}

bool is_pseudo_version(const Version& v) {
  // golang.org/x/mod/module pseudoVersionRE.
  static const std::regex k_pseudo(R"(^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+)"
                                   R"((\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$)");
  std::string_view text = v.m_text;
  if (std::count(text.begin(), text.end(), '-') < 2) {
    return false;
  }
  return std::regex_match(text.begin(), text.end(), k_pseudo);
}

util::Result<int> compare_strings(std::string_view left, std::string_view right) {
  auto parse_optional = [](std::string_view t) { return parse_reason(t, VPrefix::optional); };
  return scheme_util::compare_with("go", parse_optional, compare, left, right);
}

util::Status validate(std::string_view version) {
  return scheme_util::validate_with([](std::string_view t) { return parse(t, VPrefix::optional); },
                                    version);
}

util::Result<int> compare_toolchain(std::string_view left, std::string_view right) {
  auto l = parse_toolchain(left);
  if (!l) {
    return util::input_error("invalid go toolchain version '{}' (left): {}", left,
                             l.error().message);
  }
  auto r = parse_toolchain(right);
  if (!r) {
    return util::input_error("invalid go toolchain version '{}' (right): {}", right,
                             r.error().message);
  }
  if (int c = compare_int(l->major, r->major); c != 0) {
    return c;
  }
  if (int c = compare_int(l->minor, r->minor); c != 0) {
    return c;
  }
  if (int c = compare_int(l->patch, r->patch); c != 0) {
    return c;
  }
  if (int c = l->kind.compare(r->kind); c != 0) {  // "" < alpha < beta < rc
    return c < 0 ? -1 : 1;
  }
  return compare_int(l->pre, r->pre);
}

util::Result<std::string> toolchain_to_semver(std::string_view toolchain) {
  auto t = parse_toolchain(toolchain);
  if (!t) {
    return util::input_error("invalid go toolchain version '{}': {}", toolchain, t.error().message);
  }
  std::string out = fmt::format("{}.{}.{}", t->major, t->minor, t->patch.empty() ? "0" : t->patch);
  if (!t->kind.empty()) {
    out += '-';
    out += t->kind;
    if (!t->pre.empty()) {
      out += '.';
      out += t->pre;
    }
  }
  return out;
}

}  // namespace strata::vercmp::go
