#pragma once
// rubygems version scheme: Gem::Version (rubygems/version.rb).
//
// Valid versions match Gem::Version::ANCHORED_VERSION_PATTERN after trimming ASCII blanks:
//   [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
// with one leniency: letters may follow the leading digits directly ("1beta", seen in OSV
// records and ordered by osv-scalibr; Ruby would reject it).
// Unlike Ruby, the empty (or blank) string is rejected instead of meaning "0": an empty version
// in a lockfile or advisory is a data error, not version zero.
// Ordering: every '-' becomes ".pre.", the string is scanned into segments /[0-9]+|[a-z]+/i,
// trailing zeros are dropped from the numeric prefix and from the rest (canonical_segments),
// then segments compare pairwise with missing ones as 0: numbers numerically (any size), strings
// bytewise (case-sensitive), a string sorts before a number (1.0.a < 1.0.0 < 1.0.1).
//
// compare_strings() and validate() are the dispatcher's contract (vercmp/vercmp.cpp).

#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace strata::vercmp::rubygems {

struct Segment {
  bool numeric = true;
  std::string text;  // digits without leading zeros ("0" for zero), or the letters
};

// A parsed version: its canonical segments. Compare allocates nothing.
struct Version {
  std::vector<Segment> segments;
  bool prerelease = false;  // a letter anywhere (Gem::Version#prerelease?)
};

// Parses `text`; never throws. Errors: "invalid rubygems version 'x': why".
util::Result<Version> parse(std::string_view text);

// <0, 0, >0 as Gem::Version#<=>.
int compare(const Version& left, const Version& right);

// The canonical segments joined by '.': "1.0.0" -> "1", "1.0-rc1" -> "1.pre.rc.1"; "0" for zero.
// Equal canonical strings <=> compare() == 0.
std::string canonical(const Version& version);

// <0, 0, >0; an invalid side is an input error naming it:
// "invalid rubygems version 'x' (left): why".
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok when `version` is valid under this scheme; the error says why not.
util::Status validate(std::string_view version);

}  // namespace strata::vercmp::rubygems
