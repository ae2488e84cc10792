#pragma once
// apk version scheme (Alpine, Wolfi, Chainguard), as apk-tools 3 src/version.c:
//   digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}
// Pre-release suffixes _alpha < _beta < _pre < _rc sort below the bare version; post-release
// _cvs < _svn < _git < _hg < _p above it. Numbers compare numerically, except a non-initial
// component with a leading zero on either side, which compares as a string (Gentoo rule). The
// `~hash` (lowercase hex) compares as a string; `-rN` numerically. Lowercase letters only.
//
// apk_version_compare() does not validate: it walks both strings token by token and stops at the
// first token that breaks the grammar (apk-tools calls it invalid), deciding on what it has seen.
// An invalid token sorts below the end of the string and every other token but a pre-release
// suffix ("1.0_rc1" < "1-r" < "1" < "1-r0"); two strings that turn invalid at the same point
// after equal tokens are equal ("1.7.4p6-r1" == "1.7.4p7-r1": a digit may not follow the
// letter). Real Alpine data (secfixes, OSV) has such versions, and apk orders them this way, so
// strata does too, and the order stays a total preorder (a strict weak ordering).
// Numbers compare by value at any length (apk's uint64 would wrap past 20 digits).
//
// Validity: a version must start with a number (apk's initial digit token), after which anything
// goes. apk would also compare a string with no initial number, but it puts every such string
// ("", "abc", "v1.0", "not a version") in one class below all versions, which orders nothing;
// no apk package has such a version (abuild refuses them), and in OSV matching a junk installed
// version must stay an error rather than sort as the lowest version. compare_raw() still gives
// apk's answer for those. well_formed() is apk_version_validate(), apk's strict grammar.
//
// compare_strings() and validate() are the dispatcher's contract (vercmp/vercmp.cpp).

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::vercmp::apk {

// A version: a view into the text given to parse() (the caller keeps it alive). apk has no
// normalisation, so the text is the whole representation.
struct Version {
  std::string_view text;
};

// `text` as an apk version; the error says why not ("invalid apk version 'v1': does not start
// with a number", "... '': empty"). Never throws.
util::Result<Version> parse(std::string_view text);

// True when `text` passes apk_version_validate() (the grammar above, nothing left over).
bool well_formed(std::string_view text);

// <0, 0, >0 as apk_version_compare(). Allocates nothing.
int compare(const Version& left, const Version& right);

// apk_version_compare() on any two strings, even those parse() refuses (they all sort equal,
// below every version that starts with a number).
int compare_raw(std::string_view left, std::string_view right);

// apk's fuzzy match (`~` in a dependency): true when `version` equals `pattern` on every token
// the pattern has, e.g. 3.6.9 ~ 3.6, 3.6_pre1 ~ 3.6; `<~` is fuzzy_match || compare < 0. Like
// compare_raw() it accepts any strings, as apk does (3.6.9_post1 ~ 3.6 holds although `_post` is
// not a valid suffix: apk stops at the invalid token after matching the pattern's).
bool fuzzy_match(std::string_view version, std::string_view pattern);

// The text unchanged (apk versions have one spelling).
std::string canonical(const Version& version);

// <0, 0, >0; a side parse() refuses is an input error naming it:
// "invalid apk version 'v1' (left): does not start with a number".
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok when `version` starts with a number; the error says why not.
util::Status validate(std::string_view version);

}  // namespace strata::vercmp::apk
