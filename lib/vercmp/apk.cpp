#include "vercmp/apk.hpp"

#include <cstdint>

#include "vercmp/scheme_util.hpp"

namespace strata::vercmp::apk {
namespace {

// The order is the semantics (as in apk-tools): later tokens may not precede earlier ones.
enum Token : std::uint8_t {
  k_initial_digit,
  k_digit,
  k_letter,
  k_suffix,
  k_suffix_no,
  k_commit_hash,
  k_revision_no,
  k_end,
  k_invalid,
};

// Suffix values; `none` is the pivot between pre- and post-release suffixes.
enum Suffix : std::uint8_t {
  s_invalid,
  s_alpha,
  s_beta,
  s_pre,
  s_rc,
  s_none,
  s_cvs,
  s_svn,
  s_git,
  s_hg,
  s_p,
};

struct TokenState {
  Token token = k_initial_digit;
  Suffix suffix = s_invalid;
  std::string_view value;
};

using scheme_util::is_digit;
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f');
}

Suffix suffix_value(std::string_view s) {
  static constexpr std::string_view k_names[] = {"",    "alpha", "beta", "pre", "rc", "",
                                                 "cvs", "svn",   "git",  "hg",  "p"};
  for (int i = 1; i < 11; ++i) {
    if (i != s_none && s == k_names[i]) {
      return static_cast<Suffix>(i);
    }
  }
  return s_invalid;
}

template <typename Pred>
std::string_view take_while(std::string_view& rest, Pred pred) {
  std::size_t n = 0;
  while (n < rest.size() && pred(rest[n])) {
    ++n;
  }
  std::string_view out = rest.substr(0, n);
  rest.remove_prefix(n);
  return out;
}

void parse_digits(TokenState& t, std::string_view& rest) {
  t.value = take_while(rest, is_digit);
  if (t.value.empty()) {
    t.token = k_invalid;
  }
}

void token_first(TokenState& t, std::string_view& rest) {
  t.token = k_initial_digit;
  parse_digits(t, rest);
}

void token_next(TokenState& t, std::string_view& rest) {
  if (rest.empty()) {
    t.token = k_end;
    return;
  }
  char c = rest.front();
  if (is_lower(c)) {
    if (t.token > k_digit) {
      t.token = k_invalid;
      return;
    }
    t.value = rest.substr(0, 1);
    t.token = k_letter;
    rest.remove_prefix(1);
  } else if (c == '.' || is_digit(c)) {
    if (c == '.') {
      if (t.token > k_digit) {
        t.token = k_invalid;
        return;
      }
      rest.remove_prefix(1);
    }
    if (t.token == k_initial_digit || t.token == k_digit) {
      t.token = k_digit;
    } else if (t.token == k_suffix) {
      t.token = k_suffix_no;
    } else {
      t.token = k_invalid;
      return;
    }
    parse_digits(t, rest);
  } else if (c == '_') {
    if (t.token > k_suffix_no) {
      t.token = k_invalid;
      return;
    }
    rest.remove_prefix(1);
    t.value = take_while(rest, is_lower);
    t.suffix = suffix_value(t.value);
    t.token = t.suffix == s_invalid ? k_invalid : k_suffix;
  } else if (c == '~') {
    if (t.token >= k_commit_hash) {
      t.token = k_invalid;
      return;
    }
    rest.remove_prefix(1);
    t.value = take_while(rest, is_hex);
    t.token = t.value.empty() ? k_invalid : k_commit_hash;
  } else if (c == '-') {
    if (t.token >= k_revision_no || rest.size() < 2 || rest[1] != 'r') {
      t.token = k_invalid;
      return;
    }
    rest.remove_prefix(2);
    t.token = k_revision_no;
    parse_digits(t, rest);
  } else {
    t.token = k_invalid;
  }
}

int sign(int v) {
  return v < 0 ? -1 : (v > 0 ? 1 : 0);
}

// memcmp order, then shorter first (apk_blob_sort).
int string_sort(std::string_view a, std::string_view b) {
  return sign(a.compare(b));
}

// Numeric order of two digit strings of any length.
int numeric(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') {
    a.remove_prefix(1);
  }
  while (b.size() > 1 && b.front() == '0') {
    b.remove_prefix(1);
  }
  if (a.size() != b.size()) {
    return a.size() < b.size() ? -1 : 1;
  }
  return sign(a.compare(b));
}

int token_cmp(const TokenState& a, const TokenState& b) {
  switch (a.token) {
    case k_digit:
      if (a.value.front() == '0' || b.value.front() == '0') {
        return string_sort(a.value, b.value);
      }
      return numeric(a.value, b.value);
    case k_initial_digit:
    case k_suffix_no:
    case k_revision_no:
      return numeric(a.value, b.value);
    case k_letter:
      return sign(static_cast<unsigned char>(a.value.front()) -
                  static_cast<unsigned char>(b.value.front()));
    case k_suffix:
      return sign(static_cast<int>(a.suffix) - static_cast<int>(b.suffix));
    default:
      return string_sort(a.value, b.value);
  }
}

// apk_version_compare_fuzzy(); 0 means equal (or a fuzzy match when `fuzzy`).
int compare_fuzzy(std::string_view a, std::string_view b, bool fuzzy) {
  TokenState ta;
  TokenState tb;
  token_first(ta, a);
  token_first(tb, b);
  while (ta.token == tb.token && ta.token < k_end) {
    int r = token_cmp(ta, tb);
    if (r != 0) {
      return r;
    }
    token_next(ta, a);
    token_next(tb, b);
  }
  if (ta.token == tb.token) {
    return 0;
  }
  if (tb.token == k_end && fuzzy) {
    return 0;
  }
  // Equal so far: the longer version is greater unless it continues with a pre-release suffix.
  if (ta.token == k_suffix && ta.suffix < s_none) {
    return -1;
  }
  if (tb.token == k_suffix && tb.suffix < s_none) {
    return 1;
  }
  if (ta.token > tb.token) {
    return -1;
  }
  if (tb.token > ta.token) {
    return 1;
  }
  return 0;
}

// A version is anything with an initial number (see apk.hpp).
const char* parse_into(std::string_view text, Version& out) {
  if (text.empty()) {
    return "empty";
  }
  if (!is_digit(text.front())) {
    return "does not start with a number";
  }
  out = Version{text};
  return nullptr;
}

}  // namespace

util::Result<Version> parse(std::string_view text) {
  return scheme_util::parse_with_into<Version>("apk", parse_into, text);
}

bool well_formed(std::string_view text) {
  TokenState t;
  for (token_first(t, text); t.token < k_end; token_next(t, text)) {
  }
  return t.token == k_end;
}

int compare(const Version& left, const Version& right) {
  return compare_fuzzy(left.text, right.text, false);
}

int compare_raw(std::string_view left, std::string_view right) {
  return compare_fuzzy(left, right, false);
}

bool fuzzy_match(std::string_view version, std::string_view pattern) {
  return compare_fuzzy(version, pattern, true) == 0;
}

std::string canonical(const Version& version) {
  return std::string(version.text);
}

util::Result<int> compare_strings(std::string_view left, std::string_view right) {
  return scheme_util::compare_with_into<Version>("apk", parse_into, compare, left, right);
}

util::Status validate(std::string_view version) {
  return scheme_util::validate_with_into<Version>("apk", parse_into, version);
}

}  // namespace strata::vercmp::apk
