#pragma once
// apk version scheme (Alpine, Wolfi, Chainguard), as apk-tools 3 src/version.c:
//   digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}
// Pre-release suffixes _alpha < _beta < _pre < _rc sort below the bare version; post-release
// _cvs < _svn < _git < _hg < _p above it. Numbers compare numerically, except a non-initial
// component with a leading zero on either side, which compares as a string (Gentoo rule). The
// `~hash` (lowercase hex) compares as a string; `-rN` numerically. Lowercase letters only.
//
// Validity is apk_version_validate(). compare() on two valid versions is apk_version_compare();
// compare_raw() reproduces apk's behaviour on arbitrary (possibly invalid) strings, where apk
// stops at the first invalid token and decides on what it has seen.
//
// compare_strings() and validate() are the dispatcher's contract (vercmp/vercmp.cpp).

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::vercmp::apk {

// A validated version: a view into the text given to parse() (the caller keeps it alive). apk
// has no normalisation, so the text is the whole representation.
struct Version {
  std::string_view text;
};

// Ok when `text` passes apk_version_validate(); the error names the first bad position
// ("invalid apk version '1.0-r': bad token at offset 3"). Never throws.
util::Result<Version> parse(std::string_view text);

// <0, 0, >0 as apk_version_compare(). Allocates nothing.
int compare(const Version& left, const Version& right);

// apk's comparison on any two strings, valid or not (apk-tools sorts invalid versions this way;
// e.g. "1.0" < "1.0bc"). Not a strict weak ordering once invalid strings are involved.
int compare_raw(std::string_view left, std::string_view right);

// apk's fuzzy match (`~` in a dependency): true when `version` equals `pattern` on every token
// the pattern has, e.g. 3.6.9 ~ 3.6, 3.6_pre1 ~ 3.6; `<~` is fuzzy_match || compare < 0. Like
// compare_raw() it accepts any strings, as apk does (3.6.9_post1 ~ 3.6 holds although `_post` is
// not a valid suffix: apk stops at the invalid token after matching the pattern's).
bool fuzzy_match(std::string_view version, std::string_view pattern);

// The text unchanged (apk versions have one spelling).
std::string canonical(const Version& version);

// <0, 0, >0; an invalid side is an input error naming it: "invalid apk version 'x' (left): why".
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok when `version` is valid under this scheme; the error says why not.
util::Status validate(std::string_view version);

}  // namespace strata::vercmp::apk
