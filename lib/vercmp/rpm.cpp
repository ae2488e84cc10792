#include "vercmp/rpm.hpp"

#include "vercmp/scheme_util.hpp"

namespace strata::vercmp::rpm {
namespace {

using scheme_util::is_alnum;
using scheme_util::is_alpha;
using scheme_util::is_digit;

const char* parse_into(std::string_view text, Version& out) {
  if (text.empty()) {
    return "empty";
  }
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return "whitespace or control character";
    }
  }
  Version v;
  std::size_t colon = text.find(':');
  if (colon != std::string_view::npos) {
    if (colon == 0) {
      return "epoch is empty";
    }
    std::uint64_t epoch = 0;
    for (std::size_t k = 0; k < colon; ++k) {
      if (!is_digit(text[k])) {
        return "epoch is not a number";
      }
      epoch = epoch * 10 + static_cast<std::uint64_t>(text[k] - '0');
      if (epoch > 0xffffffffULL) {
        return "epoch is too big";
      }
    }
    v.epoch = static_cast<std::uint32_t>(epoch);
    v.has_epoch = true;
    text.remove_prefix(colon + 1);
    if (text.find(':') != std::string_view::npos) {
      return "more than one ':'";
    }
  }
  std::size_t hyphen = text.rfind('-');
  if (hyphen != std::string_view::npos) {
    v.version = text.substr(0, hyphen);
    v.release = text.substr(hyphen + 1);
    v.has_release = true;
    if (v.release.empty()) {
      return "release is empty";
    }
  } else {
    v.version = text;
  }
  if (v.version.empty()) {
    return "version is empty";
  }
  out = v;
  return nullptr;
}

}  // namespace

int rpmvercmp(std::string_view a, std::string_view b) {
  if (a == b) {
    return 0;
  }
  std::size_t i = 0;
  std::size_t j = 0;
  const std::size_t na = a.size();
  const std::size_t nb = b.size();
  auto sep = [](char c) { return !is_alnum(c) && c != '~' && c != '^'; };
  while (i < na || j < nb) {
    while (i < na && sep(a[i])) {
      ++i;
    }
    while (j < nb && sep(b[j])) {
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
    std::size_t ei = i;
    std::size_t ej = j;
    bool isnum = is_digit(a[i]);
    if (isnum) {
      while (ei < na && is_digit(a[ei])) {
        ++ei;
      }
      while (ej < nb && is_digit(b[ej])) {
        ++ej;
      }
    } else {
      while (ei < na && is_alpha(a[ei])) {
        ++ei;
      }
      while (ej < nb && is_alpha(b[ej])) {
        ++ej;
      }
    }
    // A numeric segment is newer than an alpha one (the other side's segment is empty here).
    if (ej == j) {
      return isnum ? 1 : -1;
    }
    std::string_view sa = a.substr(i, ei - i);
    std::string_view sb = b.substr(j, ej - j);
    if (isnum) {
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
    if (rc != 0) {
      return rc < 0 ? -1 : 1;
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
  if (left.epoch != right.epoch) {
    return left.epoch < right.epoch ? -1 : 1;
  }
  int r = rpmvercmp(left.version, right.version);
  if (r != 0 || !left.has_release || !right.has_release) {
    return r;
  }
  return rpmvercmp(left.release, right.release);
}

std::string canonical(const Version& version) {
  std::string out;
  if (version.epoch != 0) {
    out += std::to_string(version.epoch);
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
