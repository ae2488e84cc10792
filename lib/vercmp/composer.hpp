#pragma once
// composer version scheme (Packagist): the ordering OSV uses for the "Packagist" ecosystem, i.e.
// PHP's version_compare() after dropping a leading 'v'/'V', as implemented by osv.dev and
// google/osv-scalibr (semantic/version-packagist.go) -- the reference our test vectors follow.
//
//   canonical form: strip one leading 'v' then one 'V'; '-', '_', '+' become '.'; a '.' is
//                   inserted at every digit <-> non-digit transition ("1.0rc1" -> "1.0.rc.1");
//   components:     split on '.'; a component of only digits is a number (any size);
//   specials:       prefix match, case-sensitive: "dev" 0 < "a"/"alpha" 1 < "b"/"beta" 2 <
//                   "RC"/"rc" 3 < "#" and numbers 4 < "p"/"pl"/"patch" 5; anything else is 0;
//   order:          pairwise; number vs number by value, otherwise by special weight (a number
//                   weighs as "#"); when one side runs out, a following number wins, else the
//                   rest compares against "#" (so 1.0 < 1.0.0, 1.0-beta < 1.0, 1.0 < 1.0pl1).
//
// Note: Composer's own Comparator first normalizes both sides to four numeric parts
// (VersionParser::normalize, so 1.0 == 1.0.0 there); OSV's Packagist ordering does not, and
// advisories are evaluated with OSV's, so that is what we implement. "dev-<branch>" versions
// sort below any numbered version ("dev" weighs 0).
// Invalid: the empty string, and strings holding blanks or control characters.
//
// compare_strings() and validate() are the dispatcher's contract (vercmp/vercmp.cpp).

#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace strata::vercmp::composer {

struct Component {
  bool numeric = false;
  int weight = 4;    // the special weight above (4 for numbers)
  std::string text;  // digits without leading zeros, or the component as written
};

// A parsed version. Compare allocates nothing.
struct Version {
  std::vector<Component> components;
};

// Parses `text`; never throws. Errors: "invalid composer version 'x': why".
util::Result<Version> parse(std::string_view text);

// <0, 0, >0 (see above).
int compare(const Version& left, const Version& right);

// The components joined by '.': "v1.0.0-beta2" -> "1.0.0.beta.2". Equal canonical strings
// compare equal (not conversely: "b" and "beta" weigh the same).
std::string canonical(const Version& version);

// <0, 0, >0; an invalid side is an input error naming it:
// "invalid composer version 'x' (left): why".
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok when `version` is valid under this scheme; the error says why not.
util::Status validate(std::string_view version);

}  // namespace strata::vercmp::composer
