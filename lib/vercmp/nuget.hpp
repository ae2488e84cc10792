#pragma once
// nuget version scheme: NuGet.Versioning NuGetVersion with VersionComparer.Default.
//
// Syntax (NuGetVersion.TryParse, leading/trailing ASCII blanks trimmed):
//   N(.N){0,3}(-label(.label)*)?(\+meta(.meta)*)?
// N: decimal digits (leading zeros allowed; any size -- NuGet itself caps at int32, but advisory
// data carries larger numbers and they still need an order); label, meta: [0-9A-Za-z-]+;
// a prerelease label of only digits must not have leading zeros.
// Ordering: major, minor, patch, revision numerically (missing parts are 0); a release sorts after
// its prereleases; labels pairwise: numeric < alphanumeric, numerics by value, others ordinal
// case-insensitive; fewer labels sort first. Build metadata is ignored.
//
// compare_strings() and validate() are the dispatcher's contract (vercmp/vercmp.cpp).

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace strata::vercmp::nuget {

struct Label {
  bool numeric = false;
  std::string text;  // as written (numeric labels have no leading zeros)
};

// A parsed version. Compare allocates nothing.
struct Version {
  std::array<std::string, 4> parts{"0", "0", "0", "0"};  // digits without leading zeros
  std::vector<Label> labels;                             // empty for a release
  std::string metadata;                                  // after '+', without it
};

// Parses `text`; never throws. Errors: "invalid nuget version 'x': why".
util::Result<Version> parse(std::string_view text);

// <0, 0, >0 as VersionComparer.Default (metadata ignored).
int compare(const Version& left, const Version& right);

// NuGet's normalized form (ToNormalizedString): "1.0.01" -> "1.0.1", "1.0.0.0" -> "1.0.0",
// "1.2.3.4-Beta+git" -> "1.2.3.4-Beta" (labels keep their case; metadata dropped).
std::string canonical(const Version& version);

// <0, 0, >0; an invalid side is an input error naming it: "invalid nuget version 'x' (left): why".
util::Result<int> compare_strings(std::string_view left, std::string_view right);
// Ok when `version` is valid under this scheme; the error says why not.
util::Status validate(std::string_view version);

}  // namespace strata::vercmp::nuget
