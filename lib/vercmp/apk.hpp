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
// after equal tokens are equal ("1.7.4p6-r1" == "1.7.4p7-r1", since a digit may not follow the
// letter, and "abc" == "x", which have no initial number). Real Alpine data has such versions,
// and apk orders them this way, so strata does too: compare() is apk_version_compare() on any
// strings, and the order stays a total preorder (a strict weak ordering) with invalid strings.
// Numbers compare by value at any length (apk's uint64 would wrap past 20 digits).
//
// Validity: strata refuses only the empty string (apk would rank it with every string that has no
// initial number; no apk package has an empty version, and in OSV data an empty installed
// version must stay an error rather than sort lowest). well_formed() is apk_version_validate(),
// apk's strict grammar, for callers that want to know.
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

// `text` as an apk version; the only error is an empty text ("invalid apk version '': empty").
// Never throws.
util::Result<Version> parse(std::string_view text);

// True when `text` passes apk_version_validate() (the grammar above, nothing left over).
bool well_formed(std::string_view text);

// <0, 0, >0 as apk_version_compare(). Allocates nothing.
int compare(const Version& left, const Version& right);

// apk_version_compare() on any two strings, the empty one included ("" sorts with every string
// that has no initial number, below those that have one).
int compare_raw(std::string_view left, std::string_view right);

// apk's fuzzy match (`~` in a dependency): true when `version` equals `pattern` on every token
// the pattern has, e.g. 3.6.9 ~ 3.6, 3.6_pre1 ~ 3.6; `<~` is fuzzy_match || compare < 0. Like
// compare_raw() it accepts any strings, as apk does (3.6.9_post1 ~ 3.6 holds although `_post` is
// not a valid suffix: apk stops at the invalid token after matching the pattern's).
bool fuzzy_match(std::string_view version, std::string_view pattern);

// The text unchanged (apk versions have one spelling).
std::string canonical(const Version& version);

// <0, 0, >0; an empty side is an input error naming it: "invalid apk version '' (left): empty".
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok unless `version` is empty; the error says so.
util::Status validate(std::string_view version);

}  // namespace strata::vercmp::apk
