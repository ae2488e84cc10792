#pragma once
// semver version scheme. The implementer extends this header with the parsed Version type,
// parse(), compare() and canonical(); compare_strings() and validate() are the dispatcher's
// contract (vercmp/vercmp.cpp) and keep these signatures.

#include <string_view>

#include "util/result.hpp"

namespace strata::vercmp::semver {

// <0, 0, >0; an invalid side is an input error naming it: "invalid semver version 'x' (left): why".
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok when `version` is valid under this scheme; the error says why not.
util::Status validate(std::string_view version);

}  // namespace strata::vercmp::semver

namespace strata::vercmp::npm_range {

// Whether `version` (npm loose SemVer) satisfies the npm range expression `range` (`^`, `~`,
// x-ranges, hyphen ranges, comparators, `||`, with npm's prerelease rules). Errors name the side.
util::Result<bool> satisfies(std::string_view version, std::string_view range);

}  // namespace strata::vercmp::npm_range
