#pragma once
// rpm version scheme (RHEL family, SUSE, Amazon Linux, Mariner/Azure Linux, Fedora, openEuler):
// [epoch:]version[-release], compared as rpm's rpmverCmp(): epochs numerically (missing = 0),
// then version, then release with rpmvercmp() (lib/rpmvercmp.c). The release is compared only
// when BOTH sides have one, as rpm does ("1.0" matches "1.0-3"): across release-less and full
// EVRs that is not transitive, which is rpm's behaviour and what dependency matching expects.
//
// rpmvercmp() segment rules: runs of ASCII letters or digits are segments, everything else
// separates them (non-ASCII bytes included, so "1.1.α" == "1.1.β", as rpm); digit segments compare
// numerically and beat letter segments; `~` sorts before everything, even the end of the string;
// `^` sorts after the end of the string but before any further segment. Oddities of rpm (e.g.
// "1b.fc17" < "1.fc17") are reproduced, not fixed.
//
// Validity (rpm itself rejects almost nothing; these are the rules strata needs to stay sane):
// non-empty, no whitespace or control bytes; an epoch is the decimal digits before the first ':'
// and fits in 32 bits; ':' appears nowhere else; the version is non-empty; after the last '-'
// the release is non-empty.
//
// compare_strings() and validate() are the dispatcher's contract (vercmp/vercmp.cpp).

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::vercmp::rpm {

// A parsed EVR. The views point into the text given to parse() (the caller keeps it alive).
struct Version {
  std::uint32_t epoch = 0;
  bool has_epoch = false;    // an explicit "N:" was written
  std::string_view version;  // non-empty
  std::string_view release;  // empty when there is no '-'
  bool has_release = false;
};

// Parses `text`; never throws; the error says why it is invalid.
util::Result<Version> parse(std::string_view text);

// <0, 0, >0 as rpmverCmp(). Allocates nothing.
int compare(const Version& left, const Version& right);

// rpmvercmp() on a single version or release string (no epoch/release split). Any input.
int rpmvercmp(std::string_view left, std::string_view right);

// "E:V-R" with the epoch only when non-zero and the release only when present.
std::string canonical(const Version& version);

// <0, 0, >0; an invalid side is an input error naming it: "invalid rpm version 'x' (left): why".
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok when `version` is valid under this scheme; the error says why not.
util::Status validate(std::string_view version);

}  // namespace strata::vercmp::rpm
