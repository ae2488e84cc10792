#pragma once
// OSV `affected` evaluation: does a package version fall in an advisory's affected set?
// Follows the OSV schema (https://ossf.github.io/osv-schema/#affectedranges-field): events
// sorted by version under the ecosystem's scheme, `introduced` ("0" = from the beginning),
// `fixed` (exclusive), `last_affected` (inclusive), `limit` (upper bound of the walk), several
// ranges per entry, and the explicit `versions` list. GIT ranges are skipped and counted.

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.hpp"
#include "vercmp/vercmp.hpp"

namespace strata::vercmp {

struct OsvEvent {
  enum class Kind { introduced, fixed, last_affected, limit };
  Kind kind = Kind::introduced;
  std::string version;
};

struct OsvRange {
  std::string type;  // "ECOSYSTEM", "SEMVER", "GIT"
  std::vector<OsvEvent> events;
};

struct OsvAffected {
  std::string ecosystem;  // "Debian:12"
  std::string name;       // package name as the advisory names it
  std::vector<OsvRange> ranges;
  std::vector<std::string> versions;
};

struct RangeStats {
  std::uint64_t git_ranges_skipped = 0;
  std::uint64_t invalid_versions = 0;  // events or installed versions that failed to parse
};

struct AffectedVerdict {
  bool affected = false;
  // The `fixed` event closing the range that contains the version (lowest such when several
  // ranges match); empty when the version is affected with no fix, or not affected.
  std::string fixed_version;
};

// Evaluates `affected` for `version` using `scheme`. Unparseable event versions are skipped and
// counted in `stats` (never fatal); an unparseable installed version is an error.
util::Result<AffectedVerdict> evaluate(const OsvAffected& affected, SchemeId scheme,
                                       std::string_view version, RangeStats* stats = nullptr);

}  // namespace strata::vercmp
