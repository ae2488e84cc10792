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

// An event version that does not parse under the scheme its range is read with.
struct InvalidBound {
  OsvEvent::Kind kind = OsvEvent::Kind::introduced;
  std::string version;
  std::string reason;  // the scheme's error: "invalid semver version 'x': bad major version"
};

struct RangeStats {
  std::uint64_t git_ranges_skipped = 0;
  std::uint64_t invalid_versions = 0;  // events or installed versions that failed to parse
  // Every event skipped because its version did not parse, in the order met (one entry per
  // evaluation: the caller takes them out and de-duplicates).
  std::vector<InvalidBound> invalid_bounds;
};

// "introduced", "fixed", "last_affected", "limit".
const char* event_kind_name(OsvEvent::Kind kind);

struct AffectedVerdict {
  bool affected = false;
  // The `fixed` event closing the range that contains the version (lowest such when several
  // ranges match); empty when the version is affected with no fix, or not affected.
  std::string fixed_version;
};

// Evaluates `affected` for `version` using `scheme`. Unparseable event versions are skipped,
// counted in `stats` and recorded in stats->invalid_bounds (never fatal: the range's other events
// and the other ranges still decide); an unparseable installed version is an error (and counted)
// unless `versions` lists it verbatim, in which case it is affected.
// Details:
// - ECOSYSTEM ranges compare with `scheme`, SEMVER ranges with SchemeId::semver (an installed
//   "v1.2.3", as Go writes it, is read as "1.2.3" there); GIT ranges are skipped and counted;
//   other range types are ignored.
// - Events are walked in version order (ties in listed order); introduced "0" is below every
//   version and limit "*" above. Affected in a range = the greatest event at or below the version
//   (last_affected: strictly below) is an `introduced`, and, if the range has limit events, the
//   version is below one of them.
// - With SchemeId::exact (no ordering) a range only counts when it is introduced "0" alone
//   (every version affected); otherwise only the `versions` list decides.
// - `versions` matches by exact string or, under `scheme`, by compare() == 0.
// - fixed_version: among the ranges containing the version, the lowest `fixed` event that closes
//   one (a range closed by last_affected, or open, contributes none).
// Allocates only a small per-range scratch vector; thread-safe (no shared state).
util::Result<AffectedVerdict> evaluate(const OsvAffected& affected, SchemeId scheme,
                                       std::string_view version, RangeStats* stats = nullptr);

}  // namespace strata::vercmp
