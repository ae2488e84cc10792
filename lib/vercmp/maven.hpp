#pragma once
// maven version scheme: org.apache.maven.artifact.versioning.ComparableVersion (Maven 3.9 /
// current master semantics, incl. the MNG-6964/7644/7714 fixes and CombinationItem).
//
// A version is parsed (after lower-casing, locale independent) into a tree of items:
//   number       a run of ASCII digits, leading zeros dropped, arbitrary length;
//   qualifier    a run of other characters: alpha < beta < milestone < rc = cr < snapshot <
//                "" = ga = final = release < sp < any other string (those in UTF-16 code-unit
//                order, as Java's String.compareTo);
//   combination  a qualifier directly followed by a number ("rc1", "a-1"); single letters
//                a/b/m followed by a digit mean alpha/beta/milestone;
//   list         a sub-list opened by '-' (and by a digit<->letter transition).
// Trailing "null" items (0, "", ga, final, release, empty lists) are trimmed per list, so
// 1 = 1.0 = 1.0.0 = 1-ga = 1.final.
//
// Invalid (an error, where Maven itself throws): longer than 256 bytes (Maven's
// MAX_VERSION_LENGTH), not valid UTF-8, empty, or a combination whose number part is not all
// digits (e.g. "a-\u0668b", where Java's Integer.parseInt would throw).
// Lower-casing covers ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic (Java's full Unicode
// case mapping beyond those blocks is not reproduced; such versions do not occur in practice).
//
// compare_strings() and validate() are the dispatcher's contract (vercmp/vercmp.cpp).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace strata::vercmp::maven {

// One node of the parsed tree (see above). Only the fields of its kind are meaningful.
struct Item {
  enum class Kind : std::uint8_t { number, qualifier, combination, list };
  Kind kind = Kind::number;
  // number (and the number part of a combination): decimal digits without leading zeros ("0"
  // for zero).
  std::string digits;
  // qualifier (and the string part of a combination): 0 alpha, 1 beta, 2 milestone, 3 rc,
  // 4 snapshot, 5 release (""/ga/final/release), 6 sp, 7 anything else (then `text` decides).
  int rank = 5;
  std::string text;  // the lower-cased qualifier after aliasing ("cr" -> "rc", "a1" -> "alpha")
  std::vector<Item> children;  // list
};

// A parsed version: the root list. Compare allocates nothing.
struct Version {
  Item root{Item::Kind::list, {}, 5, {}, {}};
};

// Parses `text`; never throws. Errors: "invalid maven version 'x': why".
util::Result<Version> parse(std::string_view text);

// <0, 0, >0 exactly as ComparableVersion.compareTo (sign only).
int compare(const Version& left, const Version& right);

// ComparableVersion.getCanonical(): "1.0-RC1" -> "1-rc1", "1.0.0" -> "1", "0.x" -> "x".
std::string canonical(const Version& version);

// <0, 0, >0; an invalid side is an input error naming it: "invalid maven version 'x' (left): why".
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok when `version` is valid under this scheme; the error says why not.
util::Status validate(std::string_view version);

}  // namespace strata::vercmp::maven
