#pragma once
// dpkg version scheme (Debian, Ubuntu): [epoch:]upstream[-revision], ordered as dpkg's
// verrevcmp() in lib/dpkg/version.c: `~` sorts before everything (even the end of the string),
// letters before non-letters, digit runs numerically, a missing epoch is 0 and a missing
// revision compares like "0".
//
// Validity follows Dpkg::Version::is_valid (= dpkg's parseversion() with its warnings treated as
// errors): leading/trailing blanks are trimmed; no embedded blanks; the epoch (text before the
// first ':') is decimal digits, <= INT_MAX; upstream is non-empty, starts with a digit and holds
// only [A-Za-z0-9.+~-:]; the revision (after the last '-') is non-empty and holds only
// [A-Za-z0-9.+~]. dpkg itself merely warns about a non-digit start or odd characters; we reject
// them so that nothing unparseable is silently compared (such versions do not occur in Debian).
//
// compare_strings() and validate() are the dispatcher's contract (vercmp/vercmp.cpp).

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::vercmp::dpkg {

// A parsed version. The views point into the text given to parse(): the caller keeps that text
// alive as long as the Version. Copying is trivial; nothing is allocated.
struct Version {
  std::uint32_t epoch = 0;
  bool has_epoch = false;     // an explicit "N:" was written (even "0:")
  std::string_view upstream;  // non-empty
  std::string_view revision;  // empty when there is no '-'
};

// Parses `text` (see the validity rules above). Never throws; the error says why the version is
// invalid ("invalid dpkg version '1.0-': revision is empty").
util::Result<Version> parse(std::string_view text);

// <0, 0, >0 as dpkg --compare-versions. Allocates nothing.
int compare(const Version& left, const Version& right);

// dpkg's own rendering: the epoch only when non-zero, the revision only when present
// ("0:1.0-1" -> "1.0-1").
std::string canonical(const Version& version);

// <0, 0, >0; an invalid side is an input error naming it: "invalid dpkg version 'x' (left): why".
// Parses into views: no heap allocation unless a side is invalid.
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok when `version` is valid under this scheme; the error says why not.
util::Status validate(std::string_view version);

}  // namespace strata::vercmp::dpkg
