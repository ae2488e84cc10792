// NuGet.Versioning: NuGetVersionFactory.TryParse (sections, IsValidPart) and
// VersionComparer.Compare in VersionComparison.Default mode.
#include "vercmp/nuget.hpp"

#include <algorithm>
#include <utility>

#include "vercmp/scheme_util.hpp"

namespace strata::vercmp::nuget {
namespace {

using scheme_util::all_digits;
using scheme_util::is_c_space;
using scheme_util::is_ident_char;

std::string strip_zeros(std::string_view digits) {
  std::size_t nz = digits.find_first_not_of('0');
  return nz == std::string_view::npos ? std::string("0") : std::string(digits.substr(nz));
}

// Splits on '.', checking each part with IsValidPart.
util::Status split_labels(std::string_view s, bool allow_leading_zeros, const char* what,
                          std::vector<Label>* out) {
  while (true) {
    std::size_t dot = s.find('.');
    std::string_view part = s.substr(0, dot);
    if (part.empty()) {
      return util::input_error("empty {} label", what);
    }
    if (!std::all_of(part.begin(), part.end(), is_ident_char)) {
      return util::input_error("{} label '{}' holds a character other than [0-9A-Za-z-]", what,
                               part);
    }
    bool numeric = all_digits(part);
    if (numeric && !allow_leading_zeros && part.size() > 1 && part[0] == '0') {
      return util::input_error("numeric {} label '{}' has a leading zero", what, part);
    }
    if (out != nullptr) {
      out->push_back({numeric, std::string(part)});
    }
    if (dot == std::string_view::npos) {
      return {};
    }
    s.remove_prefix(dot + 1);
  }
}

util::Result<Version> parse_impl(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && is_c_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_c_space(s.back())) {
    s.remove_suffix(1);
  }
  if (s.empty()) {
    return util::input_error("empty");
  }
  Version version;
  std::size_t plus = s.find('+');
  if (plus != std::string_view::npos) {
    std::string_view meta = s.substr(plus + 1);
    TRY(split_labels(meta, true, "metadata", nullptr));
    version.metadata = std::string(meta);
    s = s.substr(0, plus);
  }
  std::size_t dash = s.find('-');
  if (dash != std::string_view::npos) {
    TRY(split_labels(s.substr(dash + 1), false, "prerelease", &version.labels));
    s = s.substr(0, dash);
  }
  std::size_t count = 0;
  while (true) {
    std::size_t dot = s.find('.');
    std::string_view part = s.substr(0, dot);
    if (!all_digits(part)) {
      return util::input_error("version part '{}' is not a number", part);
    }
    if (count == 4) {
      return util::input_error("more than four version parts");
    }
    version.parts[count++] = strip_zeros(part);
    if (dot == std::string_view::npos) {
      break;
    }
    s.remove_prefix(dot + 1);
  }
  return version;
}

int compare_digits(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) {
    return a.size() < b.size() ? -1 : 1;
  }
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

char fold(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

// StringComparer.OrdinalIgnoreCase on ASCII labels.
int compare_ignore_case(const std::string& a, const std::string& b) {
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    char x = fold(a[i]);
    char y = fold(b[i]);
    if (x != y) {
      return x < y ? -1 : 1;
    }
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

int compare_label(const Label& a, const Label& b) {
  if (a.numeric && b.numeric) {
    return compare_digits(a.text, b.text);
  }
  if (a.numeric != b.numeric) {
    return a.numeric ? -1 : 1;
  }
  return compare_ignore_case(a.text, b.text);
}

}  // namespace

util::Result<Version> parse(std::string_view text) {
  return scheme_util::parse_with("nuget", parse_impl, text);
}

int compare(const Version& left, const Version& right) {
  for (std::size_t i = 0; i < 4; ++i) {
    if (int c = compare_digits(left.parts[i], right.parts[i]); c != 0) {
      return c;
    }
  }
  bool lpre = !left.labels.empty();
  bool rpre = !right.labels.empty();
  if (lpre != rpre) {
    return lpre ? -1 : 1;  // a release sorts after its prereleases
  }
  std::size_t n = std::min(left.labels.size(), right.labels.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (int c = compare_label(left.labels[i], right.labels[i]); c != 0) {
      return c;
    }
  }
  if (left.labels.size() != right.labels.size()) {
    return left.labels.size() < right.labels.size() ? -1 : 1;
  }
  return 0;
}

std::string canonical(const Version& version) {
  std::string out = version.parts[0] + "." + version.parts[1] + "." + version.parts[2];
  if (version.parts[3] != "0") {
    out += "." + version.parts[3];
  }
  for (std::size_t i = 0; i < version.labels.size(); ++i) {
    out += (i == 0 ? "-" : ".");
    out += version.labels[i].text;
  }
  return out;
}

util::Result<int> compare_strings(std::string_view left, std::string_view right) {
  return scheme_util::compare_with("nuget", parse_impl, compare, left, right);
}

util::Status validate(std::string_view version) {
  return scheme_util::validate_with(parse, version);
}

}  // namespace strata::vercmp::nuget
