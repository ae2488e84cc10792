#pragma once
// rpm version scheme (RHEL family, SUSE, Amazon Linux, Mariner/Azure Linux, Fedora, openEuler):
// [epoch:]version[-release], split and compared as rpm's rpmverParse() and rpmverCmp()
// (rpmio/rpmver.c; what `rpm.vercmp()` in rpm's Lua and python's rpm.labelCompare() do):
//
// Splitting (parseEVR). The epoch is the run of digits at the start when a ':' follows it ("1:2",
// and ":2", whose empty epoch reads as 0); otherwise there is no epoch and the text before any ':'
// belongs to the version ("a:1", "1.0:2" and " 1:2" are versions). The release is what follows
// the last '-' in the rest, and may be empty ("1.0-"); without a '-' there is none. The version is
// what is left between them, and may be empty ("1:", "-1"). So "1::2" is epoch 1, version ":2".
//
// Comparing (rpmverCmp). Epochs with rpmvercmp() (a missing or empty epoch is "0"; any number of
// digits, leading zeros ignored), then versions, then releases, where a missing release sorts
// below any release, even an empty one ("1.0" < "1.0-" < "1.0-1"). That agrees with OSV's
// reading of Red Hat versions, and makes the order a total preorder. (rpm's dependency
// resolution, rpmdsCompare, instead lets a release-less "1.0" match every "1.0-N"; advisories are
// not dependencies, and strata does not do that.)
//
// rpmvercmp() segment rules: runs of ASCII letters or digits are segments, everything else
// separates them (non-ASCII bytes, whitespace and control bytes included, so "1.1.α" ==
// "1.1.β", as rpm); digit segments compare numerically (any length) and beat letter segments;
// `~` sorts before everything, even the end of the string; `^` sorts after the end of the string
// but before any further segment. Oddities of rpm (e.g. "1b.fc17" < "1.fc17") are reproduced,
// not fixed. rpm reads C strings, so a NUL byte ends the text here too.
//
// Validity: rpm orders every string but one: rpmverParse() refuses the empty string (rpm.vercmp
// raises "invalid version"), and so does strata ("" is also no version in OSV data, where an
// empty installed version must stay an error rather than sort as the lowest version). Every
// other string is a valid EVR: parse() and validate() fail on "" (or a text that starts with a
// NUL byte) only.
//
// compare_strings() and validate() are the dispatcher's contract (vercmp/vercmp.cpp).

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::vercmp::rpm {

// A parsed EVR. The views point into the text given to parse() (the caller keeps it alive).
struct Version {
  std::string_view epoch;    // the digits before the ':' as written; empty when none (or ":")
  bool has_epoch = false;    // a "[digits]:" prefix was written
  std::string_view version;  // may be empty
  std::string_view release;  // empty when there is no '-' (or nothing after the last one)
  bool has_release = false;  // there is a '-'
};

// Splits `text` as rpm does; fails only on an empty text (up to the first NUL byte). Never throws.
util::Result<Version> parse(std::string_view text);

// <0, 0, >0 as rpmverCmp(). Allocates nothing.
int compare(const Version& left, const Version& right);

// rpmvercmp() on a single version or release string (no epoch/release split). Any input, the
// empty string included ("" < "0", "" == ""); up to the first NUL byte, as rpm.
int rpmvercmp(std::string_view left, std::string_view right);

// "E:V-R" with the epoch only when it is non-zero (leading zeros dropped) or needed to read the
// rest back the same way ("0:1:2", "0:"), and the release when there is one; parse() of it
// compares equal to `version`.
std::string canonical(const Version& version);

// <0, 0, >0; an empty side is an input error naming it: "invalid rpm version '' (left): empty".
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok unless `version` is empty; the error says so.
util::Status validate(std::string_view version);

}  // namespace strata::vercmp::rpm
