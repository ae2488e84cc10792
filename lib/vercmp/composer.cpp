// Packagist ordering as osv-scalibr's semantic/version-packagist.go (canonicalizePackagistVersion,
// weighPackagistBuildCharacter, comparePackagistComponents), itself a port of PHP's
// version_compare().
#include "vercmp/composer.hpp"

#include <algorithm>
#include <span>
#include <utility>

#include "vercmp/scheme_util.hpp"

namespace strata::vercmp::composer {
namespace {

using scheme_util::is_digit;

int special_weight(std::string_view s) {
  if (s.starts_with("RC")) {
    return 3;
  }
  static constexpr std::string_view k_specials[] = {"dev", "a", "b", "rc", "#", "p"};
  for (std::size_t i = 0; i < std::size(k_specials); ++i) {
    if (s.starts_with(k_specials[i])) {
      return static_cast<int>(i);
    }
  }
  return 0;
}

constexpr int k_number_weight = 4;  // a number weighs as "#"

util::Result<Version> parse_impl(std::string_view text) {
  if (text.empty()) {
    return util::input_error("empty");
  }
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) {
      return util::input_error("contains a blank or control character");
    }
  }
  std::string_view s = text;
  if (s.starts_with('v')) {
    s.remove_prefix(1);
  }
  if (s.starts_with('V')) {
    s.remove_prefix(1);
  }
  // '-', '_', '+' -> '.', then '.' at each digit <-> non-digit transition (neither side a '.').
  std::string canon;
  canon.reserve(s.size() * 2);
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = (s[i] == '-' || s[i] == '_' || s[i] == '+') ? '.' : s[i];
    if (!canon.empty() && c != '.' && canon.back() != '.' &&
        is_digit(canon.back()) != is_digit(c)) {
      canon.push_back('.');
    }
    canon.push_back(c);
  }
  Version version;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = canon.find('.', start);
    std::string_view part = std::string_view(canon).substr(
        start, dot == std::string::npos ? std::string::npos : dot - start);
    Component comp;
    comp.numeric = !part.empty() && std::all_of(part.begin(), part.end(), is_digit);
    if (comp.numeric) {
      std::size_t nz = part.find_first_not_of('0');
      comp.text = nz == std::string_view::npos ? "0" : std::string(part.substr(nz));
      comp.weight = k_number_weight;
    } else {
      comp.text = std::string(part);
      comp.weight = special_weight(part);
    }
    version.components.push_back(std::move(comp));
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  return version;
}

int compare_numbers(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) {
    return a.size() < b.size() ? -1 : 1;
  }
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

const Component k_hash{false, k_number_weight, "#"};

int compare_components(std::span<const Component> a, std::span<const Component> b) {
  while (true) {
    std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
      const Component& x = a[i];
      const Component& y = b[i];
      int c = (x.numeric && y.numeric) ? compare_numbers(x.text, y.text)
                                       : (x.weight < y.weight ? -1 : (x.weight > y.weight ? 1 : 0));
      if (c != 0) {
        return c;
      }
    }
    if (a.size() > b.size()) {
      if (a[n].numeric) {
        return 1;
      }
      a = a.subspan(n);
      b = std::span<const Component>(&k_hash, 1);
    } else if (a.size() < b.size()) {
      if (b[n].numeric) {
        return -1;
      }
      b = b.subspan(n);
      a = std::span<const Component>(&k_hash, 1);
    } else {
      return 0;
    }
  }
}

}  // namespace

util::Result<Version> parse(std::string_view text) {
  return scheme_util::parse_with("composer", parse_impl, text);
}

int compare(const Version& left, const Version& right) {
  return compare_components(left.components, right.components);
}

std::string canonical(const Version& version) {
  std::string out;
  for (std::size_t i = 0; i < version.components.size(); ++i) {
    if (i > 0) {
      out.push_back('.');
    }
    out += version.components[i].text;
  }
  return out;
}

util::Result<int> compare_strings(std::string_view left, std::string_view right) {
  return scheme_util::compare_with("composer", parse_impl, compare, left, right);
}

util::Status validate(std::string_view version) {
  return scheme_util::validate_with(parse, version);
}

}  // namespace strata::vercmp::composer
