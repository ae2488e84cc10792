#include "vercmp/pep440.hpp"

#include <algorithm>
#include <cstring>

#include "vercmp/scheme_util.hpp"

namespace strata::vercmp::pep440 {
namespace {

// Python's str.isspace() for ASCII (the `\s` of packaging's regex).
bool is_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}
// Length of a UTF-8 encoded Unicode whitespace character (Python's str.isspace()) at the start
// (`front`) or the end of `s`, 0 if there is none.
std::size_t unicode_space(std::string_view s, bool front) {
  static constexpr std::string_view k_spaces[] = {
      "\xc2\x85",     "\xc2\xa0",     "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x81",
      "\xe2\x80\x82", "\xe2\x80\x83", "\xe2\x80\x84", "\xe2\x80\x85", "\xe2\x80\x86",
      "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89", "\xe2\x80\x8a", "\xe2\x80\xa8",
      "\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80"};
  for (std::string_view sp : k_spaces) {
    if (s.size() >= sp.size() &&
        (front ? s.substr(0, sp.size()) : s.substr(s.size() - sp.size())) == sp) {
      return sp.size();
    }
  }
  return 0;
}

std::string_view strip_spaces(std::string_view s) {
  while (!s.empty()) {
    if (is_space(s.front())) {
      s.remove_prefix(1);
    } else if (std::size_t n = unicode_space(s, true)) {
      s.remove_prefix(n);
    } else {
      break;
    }
  }
  while (!s.empty()) {
    if (is_space(s.back())) {
      s.remove_suffix(1);
    } else if (std::size_t n = unicode_space(s, false)) {
      s.remove_suffix(n);
    } else {
      break;
    }
  }
  return s;
}

using scheme_util::is_alnum;
using scheme_util::is_digit;
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
bool is_sep(char c) {
  return c == '-' || c == '_' || c == '.';
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : m_s(s) {}
  std::size_t pos = 0;
  bool done() const { return pos >= m_s.size(); }
  char peek() const { return done() ? '\0' : m_s[pos]; }
  // Consumes `word` (lower-case) case-insensitively.
  bool take_word(std::string_view word) {
    if (m_s.size() - pos < word.size()) {
      return false;
    }
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (lower(m_s[pos + i]) != word[i]) {
        return false;
      }
    }
    pos += word.size();
    return true;
  }
  bool take_sep() {
    if (!done() && is_sep(m_s[pos])) {
      ++pos;
      return true;
    }
    return false;
  }
  std::string_view take_digits() {
    std::size_t start = pos;
    while (!done() && is_digit(m_s[pos])) {
      ++pos;
    }
    return m_s.substr(start, pos - start);
  }
  std::string_view rest() const { return m_s.substr(pos); }

 private:
  std::string_view m_s;
};

Number make_number(std::string_view digits, std::string& store) {
  while (digits.size() > 1 && digits.front() == '0') {
    digits.remove_prefix(1);
  }
  Number n;
  if (digits.size() <= 19) {
    for (char c : digits) {
      n.small = n.small * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return n;
  }
  n.offset = static_cast<std::uint32_t>(store.size());
  n.length = static_cast<std::uint32_t>(digits.size());
  store.append(digits);
  return n;
}

int compare_numbers(const Number& a, const Version& va, const Number& b, const Version& vb) {
  if (a.length == 0 && b.length == 0) {
    return a.small < b.small ? -1 : (a.small > b.small ? 1 : 0);
  }
  if (a.length == 0) {
    return -1;  // a fits in 19 digits, b has more than 19
  }
  if (b.length == 0) {
    return 1;
  }
  if (a.length != b.length) {
    return a.length < b.length ? -1 : 1;
  }
  int c = va.text(a.offset, a.length).compare(vb.text(b.offset, b.length));
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// Local labels: absent first; parts compare numeric > alphanumeric, then by value; a prefix
// sorts first.
int compare_local(const Version& l, const Version& r) {
  std::size_t m = std::min(l.local.size(), r.local.size());
  for (std::size_t i = 0; i < m; ++i) {
    const LocalPart& a = l.local[i];
    const LocalPart& b = r.local[i];
    if (a.numeric != b.numeric) {
      return a.numeric ? 1 : -1;
    }
    int c = a.numeric ? compare_numbers(a.number, l, b.number, r)
                      : l.text(a.offset, a.length).compare(r.text(b.offset, b.length));
    if (c != 0) {
      return c < 0 ? -1 : 1;
    }
  }
  if (l.local.size() != r.local.size()) {
    return l.local.size() < r.local.size() ? -1 : 1;
  }
  return 0;
}

bool is_zero(const Number& n) {
  return n.length == 0 && n.small == 0;
}

void append_number(std::string& out, const Number& n, const Version& v) {
  if (n.length == 0) {
    out += std::to_string(n.small);
  } else {
    out += v.text(n.offset, n.length);
  }
}

// The reason only; callers add "invalid pep440 version '...'" and which side it was.
util::Error invalid(std::string_view /*text*/, std::string_view why) {
  return util::input_error("{}", why);
}

// [-_.]? label [-_.]? [N]: the shape shared by pre, post and dev segments. Returns false (and
// leaves the cursor alone) when no label matches; sets `number` ("0" when omitted).
bool take_segment(Cursor& cur, std::initializer_list<std::string_view> labels,
                  std::string_view& label, std::string_view& number) {
  std::size_t start = cur.pos;
  cur.take_sep();
  for (std::string_view l : labels) {
    if (cur.take_word(l)) {
      label = l;
      // The trailing separator is consumed even without a number (regex `[-_.]?[0-9]*`):
      // packaging reads "1.0a." as 1.0a0.
      cur.take_sep();
      number = cur.take_digits();
      if (number.empty()) {
        number = "0";
      }
      return true;
    }
  }
  cur.pos = start;
  return false;
}

// Epoch: N! (the cursor is left alone when there is none).
void take_epoch(Cursor& cur, Version& v) {
  std::size_t start = cur.pos;
  std::string_view digits = cur.take_digits();
  if (!digits.empty() && cur.peek() == '!') {
    ++cur.pos;
    v.epoch = make_number(digits, v.m_text);
  } else {
    cur.pos = start;
  }
}

// Release: N(.N)*; false when there is no first number. A '.' not followed by digits is left
// for the segments after the release.
bool take_release(Cursor& cur, Version& v) {
  std::string_view digits = cur.take_digits();
  if (digits.empty()) {
    return false;
  }
  v.release.push_back(make_number(digits, v.m_text));
  while (cur.peek() == '.') {
    std::size_t dot = cur.pos;
    ++cur.pos;
    digits = cur.take_digits();
    if (digits.empty()) {
      cur.pos = dot;
      break;
    }
    v.release.push_back(make_number(digits, v.m_text));
  }
  v.release_significant = v.release.size();
  while (v.release_significant > 0 && is_zero(v.release[v.release_significant - 1])) {
    --v.release_significant;
  }
  return true;
}

// Pre-release. Alternatives in the regex's order: the longer spelling first.
void take_pre(Cursor& cur, Version& v) {
  std::string_view label;
  std::string_view number;
  if (!take_segment(cur, {"alpha", "a", "beta", "b", "preview", "pre", "c", "rc"}, label, number)) {
    return;
  }
  if (label == "alpha" || label == "a") {
    v.pre_kind = PreKind::a;
  } else if (label == "beta" || label == "b") {
    v.pre_kind = PreKind::b;
  } else {
    v.pre_kind = PreKind::rc;
  }
  v.pre = make_number(number, v.m_text);
}

// Post-release: -N or [-_.]? (post|rev|r) [-_.]? [N].
void take_post(Cursor& cur, Version& v) {
  std::size_t start = cur.pos;
  if (cur.peek() == '-') {
    ++cur.pos;
    std::string_view digits = cur.take_digits();
    if (!digits.empty()) {
      v.has_post = true;
      v.post = make_number(digits, v.m_text);
      return;
    }
    cur.pos = start;
  }
  std::string_view label;
  std::string_view number;
  if (take_segment(cur, {"post", "rev", "r"}, label, number)) {
    v.has_post = true;
    v.post = make_number(number, v.m_text);
  }
}

// Development release: [-_.]? dev [-_.]? [N].
void take_dev(Cursor& cur, Version& v) {
  std::string_view label;
  std::string_view number;
  if (take_segment(cur, {"dev"}, label, number)) {
    v.has_dev = true;
    v.dev = make_number(number, v.m_text);
  }
}

// One local label part: numeric parts as numbers, the others lower-cased into v.m_text.
LocalPart make_local_part(std::string_view part, Version& v) {
  LocalPart lp;
  if (std::all_of(part.begin(), part.end(), is_digit)) {
    lp.numeric = true;
    lp.number = make_number(part, v.m_text);
    return lp;
  }
  lp.offset = static_cast<std::uint32_t>(v.m_text.size());
  lp.length = static_cast<std::uint32_t>(part.size());
  for (char c : part) {
    v.m_text.push_back(lower(c));
  }
  return lp;
}

// Local: +[a-z0-9]+([-_.][a-z0-9]+)*, which runs to the end of the text. nullptr when there is
// no '+' or the label is valid, else the reason.
const char* take_local(Cursor& cur, Version& v) {
  if (cur.peek() != '+') {
    return nullptr;
  }
  ++cur.pos;
  std::string_view rest = cur.rest();
  std::size_t i = 0;
  while (true) {
    std::size_t start = i;
    while (i < rest.size() && is_alnum(rest[i])) {
      ++i;
    }
    if (i == start) {
      return "empty or malformed local version label";
    }
    v.local.push_back(make_local_part(rest.substr(start, i - start), v));
    if (i == rest.size()) {
      break;
    }
    if (!is_sep(rest[i])) {
      return "unexpected character in local version label";
    }
    ++i;
  }
  cur.pos += rest.size();
  return nullptr;
}

// The phases in the order of the spelling in pep440.hpp; each optional one leaves the cursor
// alone when its part is absent.
util::Result<Version> parse_reason(std::string_view text) {
  std::string_view s = strip_spaces(text);
  if (s.empty()) {
    return invalid(text, "empty");
  }
  if (s.size() > 4096) {
    return invalid(text.substr(0, 64), "longer than 4096 characters");
  }
  Version v;
  Cursor cur(s);
  if (cur.peek() == 'v' || cur.peek() == 'V') {
    ++cur.pos;
  }
  take_epoch(cur, v);
  if (!take_release(cur, v)) {
    return invalid(text, "expected a release number");
  }
  take_pre(cur, v);
  take_post(cur, v);
  take_dev(cur, v);
  if (const char* why = take_local(cur, v)) {
    return invalid(text, why);
  }
  if (!cur.done()) {
    return invalid(text, fmt::format("unexpected text '{}'", cur.rest()));
  }
  return v;
}

// --- Legacy versions (packaging 21.3 LegacyVersion) ---------------------------------------

bool is_lower_alpha(char c) {
  return c >= 'a' && c <= 'z';
}

// One part of _parse_version_parts, after the replacement map: digits zero-padded to 8, the
// others '*'-prefixed ("." parts are dropped by the caller).
std::string legacy_part(std::string_view part) {
  if (is_digit(part.front())) {
    std::string out;
    if (part.size() < 8) {
      out.assign(8 - part.size(), '0');
    }
    out += part;
    return out;
  }
  if (part == "pre" || part == "preview" || part == "rc") {
    part = "c";
  } else if (part == "dev") {
    part = "@";
  } else if (part == "-") {
    part = "final-";
  }
  std::string out = "*";
  out += part;
  return out;
}

// _legacy_cmpkey's loop body: appends `part`, first popping "*final-" before a pre-release tag
// and trailing zero parts before any '*' part.
void push_legacy_part(std::vector<std::string>& parts, std::string part) {
  if (part.front() == '*') {
    if (part < "*final") {
      while (!parts.empty() && parts.back() == "*final-") {
        parts.pop_back();
      }
    }
    while (!parts.empty() && parts.back() == "00000000") {
      parts.pop_back();
    }
  }
  parts.push_back(std::move(part));
}

// Length of the token of re.split(r"(\d+|[a-z]+|\.|-)") at the start of `s` (a match), or 0
// when `s` starts with text between matches.
std::size_t legacy_token_length(std::string_view s) {
  std::size_t n = 0;
  if (is_digit(s.front())) {
    while (n < s.size() && is_digit(s[n])) {
      ++n;
    }
  } else if (is_lower_alpha(s.front())) {
    while (n < s.size() && is_lower_alpha(s[n])) {
      ++n;
    }
  } else if (s.front() == '.' || s.front() == '-') {
    n = 1;
  }
  return n;
}

}  // namespace

LegacyVersion parse_legacy(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) {
    c = lower(c);
  }
  LegacyVersion v;
  std::string_view s = lowered;
  while (!s.empty()) {
    std::size_t n = legacy_token_length(s);
    if (n == 0) {  // the text up to the next match is one part
      while (n < s.size() && legacy_token_length(s.substr(n)) == 0) {
        ++n;
      }
    }
    std::string_view part = s.substr(0, n);
    s.remove_prefix(n);
    if (part != ".") {
      push_legacy_part(v.parts, legacy_part(part));
    }
  }
  push_legacy_part(v.parts, "*final");
  return v;
}

int compare_legacy(const LegacyVersion& l, const LegacyVersion& r) {
  // std::string compares bytes as unsigned char: UTF-8 byte order is code point order.
  return l.parts < r.parts ? -1 : (r.parts < l.parts ? 1 : 0);
}

namespace {

util::Result<AnyVersion> parse_any_reason(std::string_view text) {
  if (text.empty()) {
    return invalid(text, "empty");
  }
  if (text.size() > 4096) {
    return invalid(text.substr(0, 64), "longer than 4096 characters");
  }
  AnyVersion any;
  if (auto v = parse_reason(text)) {
    any.version = std::move(*v);
  } else {
    any.legacy = true;
    any.legacy_parts = parse_legacy(text);
  }
  return any;
}

}  // namespace

util::Result<AnyVersion> parse_any(std::string_view text) {
  return scheme_util::parse_with("pep440", parse_any_reason, text);
}

int compare_any(const AnyVersion& l, const AnyVersion& r) {
  if (l.legacy != r.legacy) {
    return l.legacy ? -1 : 1;
  }
  return l.legacy ? compare_legacy(l.legacy_parts, r.legacy_parts) : compare(l.version, r.version);
}

util::Result<Version> parse(std::string_view text) {
  return scheme_util::parse_with("pep440", parse_reason, text);
}

int compare(const Version& l, const Version& r) {
  if (int c = compare_numbers(l.epoch, l, r.epoch, r); c != 0) {
    return c;
  }
  std::size_t n = std::min(l.release_significant, r.release_significant);
  for (std::size_t i = 0; i < n; ++i) {
    if (int c = compare_numbers(l.release[i], l, r.release[i], r); c != 0) {
      return c;
    }
  }
  if (l.release_significant != r.release_significant) {
    return l.release_significant < r.release_significant ? -1 : 1;
  }
  // Pre: a dev-only release (no pre, no post) sorts first; no pre sorts after every pre.
  auto pre_rank = [](const Version& v) {
    if (v.pre_kind == PreKind::none) {
      return (!v.has_post && v.has_dev) ? 0 : 4;
    }
    return static_cast<int>(v.pre_kind);  // a=1, b=2, rc=3
  };
  int lp = pre_rank(l);
  int rp = pre_rank(r);
  if (lp != rp) {
    return lp < rp ? -1 : 1;
  }
  if (lp >= 1 && lp <= 3) {
    if (int c = compare_numbers(l.pre, l, r.pre, r); c != 0) {
      return c;
    }
  }
  // Post: absent sorts first.
  if (l.has_post != r.has_post) {
    return l.has_post ? 1 : -1;
  }
  if (l.has_post) {
    if (int c = compare_numbers(l.post, l, r.post, r); c != 0) {
      return c;
    }
  }
  // Dev: absent sorts last.
  if (l.has_dev != r.has_dev) {
    return l.has_dev ? -1 : 1;
  }
  if (l.has_dev) {
    if (int c = compare_numbers(l.dev, l, r.dev, r); c != 0) {
      return c;
    }
  }
  // Local: absent first.
  return compare_local(l, r);
}

std::string canonical(const Version& v) {
  std::string out;
  if (!is_zero(v.epoch)) {
    append_number(out, v.epoch, v);
    out += '!';
  }
  for (std::size_t i = 0; i < v.release.size(); ++i) {
    if (i > 0) {
      out += '.';
    }
    append_number(out, v.release[i], v);
  }
  if (v.pre_kind != PreKind::none) {
    out += v.pre_kind == PreKind::a ? "a" : (v.pre_kind == PreKind::b ? "b" : "rc");
    append_number(out, v.pre, v);
  }
  if (v.has_post) {
    out += ".post";
    append_number(out, v.post, v);
  }
  if (v.has_dev) {
    out += ".dev";
    append_number(out, v.dev, v);
  }
  for (std::size_t i = 0; i < v.local.size(); ++i) {
    out += i == 0 ? '+' : '.';
    const LocalPart& p = v.local[i];
    if (p.numeric) {
      append_number(out, p.number, v);
    } else {
      out += v.text(p.offset, p.length);
    }
  }
  return out;
}

util::Result<int> compare_strings(std::string_view left, std::string_view right) {
  return scheme_util::compare_with("pep440", parse_any_reason, compare_any, left, right);
}

util::Status validate(std::string_view version) {
  return scheme_util::validate_with(parse_any, version);
}

}  // namespace strata::vercmp::pep440
