#pragma once
// PEP 440 versions (PyPI), with the ordering and normalisation of pypa/packaging's `Version`.
//
// Accepted spelling (case-insensitive, ASCII only, surrounding whitespace ignored):
//   [v] [N!] N(.N)* [[-_.]? (a|alpha|b|beta|c|rc|pre|preview) [-_.]? [N]]
//        [-N | [-_.]? (post|rev|r) [-_.]? [N]] [[-_.]? dev [-_.]? [N]] [+local]
//   local = [a-z0-9]+ ([-_.][a-z0-9]+)*
// Numbers may be arbitrarily long (as Python ints). Ordering: epoch, release (trailing zeros
// ignored), pre (a < b < rc; a dev-only release sorts before every pre-release of it), post,
// dev, local (absent < present; numeric local parts > alphanumeric ones).
//
// Parse once, compare many: compare() never allocates.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace strata::vercmp::pep440 {

// A non-negative integer of any length. Values up to 19 digits live in `small`; longer ones
// (leading zeros stripped) are digits [offset, offset+length) in the owning Version's `m_text`.
struct Number {
  std::uint64_t small = 0;
  std::uint32_t offset = 0;
  std::uint32_t length = 0;  // 0: the value is `small`
};

enum class PreKind : std::uint8_t { none, a, b, rc };

// One dot-separated part of the local version label ("ubuntu.1" -> "ubuntu", 1).
struct LocalPart {
  bool numeric = false;
  Number number;             // when numeric
  std::uint32_t offset = 0;  // when alphanumeric: lower-cased text in Version::m_text
  std::uint32_t length = 0;
};

class Version {
 public:
  Number epoch;
  std::vector<Number> release;  // as written, trailing zeros kept (they print in canonical())
  std::size_t release_significant = 0;  // release.size() without trailing zeros
  PreKind pre_kind = PreKind::none;
  Number pre;
  bool has_post = false;
  Number post;
  bool has_dev = false;
  Number dev;
  std::vector<LocalPart> local;  // empty: no local label

  std::string_view text(std::uint32_t offset, std::uint32_t length) const {
    return std::string_view(m_text).substr(offset, length);
  }

  // Internal storage for long numbers and local labels; use text() to read it.
  std::string m_text;
};

// Parses `text`; an input error says what is wrong. Never throws on bad input.
util::Result<Version> parse(std::string_view text);

// <0, 0, >0 with packaging's ordering (1.0 == 1.0.0, 1.0.dev0 < 1.0a1 < 1.0 < 1.0.post0, ...).
int compare(const Version& left, const Version& right);

// packaging's normalized str(): "1!2.0rc1.post3.dev4+ubuntu.1", "1.0.0a1" for "1.0.0.A.1".
std::string canonical(const Version& version);

// <0, 0, >0; an invalid side is an input error naming it: "invalid pep440 version 'x' (left): why".
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok when `version` is valid under this scheme; the error says why not.
util::Status validate(std::string_view version);

}  // namespace strata::vercmp::pep440
