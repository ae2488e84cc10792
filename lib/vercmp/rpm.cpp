#include "vercmp/rpm.hpp"

#include "vercmp/scheme_util.hpp"

namespace strata::vercmp::rpm {
namespace {

using scheme_util::is_alnum;
using scheme_util::is_alpha;
using scheme_util::is_digit;

// rpm compares C strings: a NUL byte ends the text.
std::string_view c_string(std::string_view text) {
  return text.substr(0, text.find('\0'));
}

// The position of the ':' that ends a run of leading digits (possibly none), npos when the text
// does not start that way: where parseEVR() sees an epoch.
std::size_t epoch_colon(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) {
    ++digits;
  }
  return digits < text.size() && text[digits] == ':' ? digits : std::string_view::npos;
}

// parseEVR(): the epoch is the leading digits when a ':' follows them, the release what follows
// the last '-' after that, the version what is left. Fails only on an empty text.
const char* parse_into(std::string_view text, Version& out) {
  text = c_string(text);
  if (text.empty()) {
    return "empty";
  }
  Version v;
  if (std::size_t colon = epoch_colon(text); colon != std::string_view::npos) {
    v.epoch = text.substr(0, colon);
    v.has_epoch = true;
    text.remove_prefix(colon + 1);
  }
  std::size_t hyphen = text.rfind('-');
  if (hyphen != std::string_view::npos) {
    v.release = text.substr(hyphen + 1);
    v.has_release = true;
    text = text.substr(0, hyphen);
  }
  v.version = text;
  out = v;
  return nullptr;
}

// A missing or empty epoch compares as "0" (rpmverCmp).
std::string_view epoch_or_zero(const Version& v) {
  return v.epoch.empty() ? std::string_view("0") : v.epoch;
}

// rpmvercmp's separator: anything that is not alphanumeric, '~' or '^'.
bool is_separator(char c) {
  return !is_alnum(c) && c != '~' && c != '^';
}

// The end of the run of digits (when `numeric`) or letters in `s` starting at `from`.
std::size_t segment_end(std::string_view s, std::size_t from, bool numeric) {
  while (from < s.size() && (numeric ? is_digit(s[from]) : is_alpha(s[from]))) {
    ++from;
  }
  return from;
}

// Two segments of the same kind: numbers by value (leading zeros dropped, then the longer one is
// bigger, then digit by digit), letters by strcmp. -1, 0 or 1.
int compare_segments(std::string_view sa, std::string_view sb, bool numeric) {
  if (numeric) {
    while (!sa.empty() && sa.front() == '0') {
      sa.remove_prefix(1);
    }
    while (!sb.empty() && sb.front() == '0') {
      sb.remove_prefix(1);
    }
    if (sa.size() != sb.size()) {
      return sa.size() > sb.size() ? 1 : -1;
    }
  }
  int rc = sa.compare(sb);
  return rc == 0 ? 0 : (rc < 0 ? -1 : 1);
}

}  // namespace

// The loop follows rpm's rpmvercmp() (lib/rpmvercmp.c) step for step: skip separators, the tilde
// rule, the caret rule, stop at the end of either side, then compare one numeric or alpha
// segment. Only the segment scanning and the segment comparison are helpers above.
int rpmvercmp(std::string_view a, std::string_view b) {
  a = c_string(a);
  b = c_string(b);
  if (a == b) {
    return 0;
  }
  std::size_t i = 0;
  std::size_t j = 0;
  const std::size_t na = a.size();
  const std::size_t nb = b.size();
  while (i < na || j < nb) {
    while (i < na && is_separator(a[i])) {
      ++i;
    }
    while (j < nb && is_separator(b[j])) {
      ++j;
    }
    // Tilde sorts before everything else, the end of the string included.
    bool ta = i < na && a[i] == '~';
    bool tb = j < nb && b[j] == '~';
    if (ta || tb) {
      if (!ta) {
        return 1;
      }
      if (!tb) {
        return -1;
      }
      ++i;
      ++j;
      continue;
    }
    // Caret is like tilde, except that a string that ends (the base version) sorts lower.
    bool ca = i < na && a[i] == '^';
    bool cb = j < nb && b[j] == '^';
    if (ca || cb) {
      if (i == na) {
        return -1;
      }
      if (j == nb) {
        return 1;
      }
      if (!ca) {
        return 1;
      }
      if (!cb) {
        return -1;
      }
      ++i;
      ++j;
      continue;
    }
    if (i == na || j == nb) {
      break;
    }
    bool numeric = is_digit(a[i]);
    std::size_t ei = segment_end(a, i, numeric);
    std::size_t ej = segment_end(b, j, numeric);
    // A numeric segment is newer than an alpha one (the other side's segment is empty here).
    if (ej == j) {
      return numeric ? 1 : -1;
    }
    if (int rc = compare_segments(a.substr(i, ei - i), b.substr(j, ej - j), numeric); rc != 0) {
      return rc;
    }
    i = ei;
    j = ej;
  }
  if (i == na && j == nb) {
    return 0;
  }
  return i == na ? -1 : 1;
}

util::Result<Version> parse(std::string_view text) {
  return scheme_util::parse_with_into<Version>("rpm", parse_into, text);
}

int compare(const Version& left, const Version& right) {
  if (int r = rpmvercmp(epoch_or_zero(left), epoch_or_zero(right)); r != 0) {
    return r;
  }
  if (int r = rpmvercmp(left.version, right.version); r != 0) {
    return r;
  }
  // A missing release sorts below any release, an empty one included.
  if (!left.has_release || !right.has_release) {
    return left.has_release == right.has_release ? 0 : (left.has_release ? 1 : -1);
  }
  return rpmvercmp(left.release, right.release);
}

std::string canonical(const Version& version) {
  std::string_view epoch = epoch_or_zero(version);
  while (epoch.size() > 1 && epoch.front() == '0') {
    epoch.remove_prefix(1);
  }
  // Without an epoch, a version that starts with "[digits]:" would read as one, and an empty
  // version without a release would be the (invalid) empty string.
  bool looks_like_epoch = epoch_colon(version.version) != std::string_view::npos;
  bool empty = version.version.empty() && !version.has_release;
  std::string out;
  if (epoch != "0" || looks_like_epoch || empty) {
    out += epoch;
    out += ':';
  }
  out += version.version;
  if (version.has_release) {
    out += '-';
    out += version.release;
  }
  return out;
}

util::Result<int> compare_strings(std::string_view left, std::string_view right) {
  return scheme_util::compare_with_into<Version>("rpm", parse_into, compare, left, right);
}

util::Status validate(std::string_view version) {
  return scheme_util::validate_with_into<Version>("rpm", parse_into, version);
}

}  // namespace strata::vercmp::rpm
