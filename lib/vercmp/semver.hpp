#pragma once
// SemVer 2.0 versions as npm's node-semver reads them (classes/semver.js), strict or loose.
//
// Strict: [v]MAJOR.MINOR.PATCH[-PRE][+BUILD], numbers without leading zeros, prerelease
//   identifiers [0-9A-Za-z-]+ (numeric ones without leading zeros), surrounding whitespace
//   trimmed. Loose adds: any run of 'v', '=' and whitespace before the number ("=v 1.2.3"),
//   leading zeros, and a prerelease without '-' ("1.2.3beta"). Versions longer than 256
//   characters are invalid, as in node-semver.
// Ordering: major, minor, patch; a prerelease sorts before its release; identifiers compare
//   numerically when both are digits, digits before letters, else by ASCII; build is ignored.
// Numbers of any length: major, minor, patch and numeric identifiers compare as numbers (by
//   length once leading zeros are stripped, then digit by digit), also beyond 64 bits. This is
//   where strata departs from node-semver, which rejects a major/minor/patch above 2^53-1 and
//   compares numeric identifiers above it as JS doubles: crates.io, Hex and Pub versions are
//   read with this scheme too, and an advisory bound must never be skipped for its size.
//
// npm range expressions (`^`, `~`, x-ranges, hyphen ranges, `||`) live in vercmp/npm_range.hpp.
// Parse once, compare many: compare() never allocates.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace strata::vercmp::semver {

enum class Mode { strict, loose };

// One prerelease identifier: text [offset, offset+length) in Version::m_text.
struct Identifier {
  bool numeric = false;  // all digits
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
};

// A major, minor or patch number: `small` when it fits 64 bits (`length` 0), else its digits
// (leading zeros stripped) are [offset, offset+length) in the owning Version's m_text.
struct Number {
  std::uint64_t small = 0;
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
};

class Version {
 public:
  Number major;
  Number minor;
  Number patch;
  std::vector<Identifier> prerelease;  // empty: a release

  std::string_view identifier(const Identifier& id) const {
    return std::string_view(m_text).substr(id.offset, id.length);
  }
  // Build metadata without the '+', "" when absent. Ignored by compare().
  std::string_view build() const {
    return std::string_view(m_text).substr(m_build_offset, m_build_length);
  }

  // Internal storage for identifiers and build.
  std::string m_text;
  std::uint32_t m_build_offset = 0;
  std::uint32_t m_build_length = 0;
};

// Parses `text`; an input error says what is wrong. Never throws on bad input.
util::Result<Version> parse(std::string_view text, Mode mode = Mode::loose);

// <0, 0, >0 with SemVer 2.0 precedence (node-semver's compare()).
int compare(const Version& left, const Version& right);
// <0, 0, >0 on [major, minor, patch] only.
int compare_core(const Version& left, const Version& right);

// node-semver's `version` string: "1.2.3-beta.1" (no build; loose numeric identifiers lose
// leading zeros: "1.2.3-beta.01" -> "1.2.3-beta.1").
std::string canonical(const Version& version);

// <0, 0, >0 in loose mode; an invalid side is an input error naming it:
// "invalid semver version 'x' (left): why".
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok when `version` is a valid loose SemVer version; the error says why not.
util::Status validate(std::string_view version);

}  // namespace strata::vercmp::semver

namespace strata::vercmp::npm_range {

// Whether `version` (npm loose SemVer) satisfies the npm range expression `range` (`^`, `~`,
// x-ranges, hyphen ranges, comparators, `||`, with npm's prerelease rules), with node-semver's
// options {loose: true}. An invalid version or range is an input error naming the side (node's
// satisfies() answers false for both). More options and a parse-once Range: vercmp/npm_range.hpp.
util::Result<bool> satisfies(std::string_view version, std::string_view range);

}  // namespace strata::vercmp::npm_range
