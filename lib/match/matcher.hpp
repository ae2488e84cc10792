#pragma once
// Packages x advisories -> findings. Matches OS packages only within the image's own ecosystem
// and release (os.ecosystem, e.g. "Alpine:v3.10"):
//  - Debian / Ubuntu advisories name SOURCE packages: a package is looked up by `source_name`
//    (falling back to `name`) and compared by `source_version` (falling back to `version`);
//  - Alpine advisories name origin packages: looked up by `source_name` (the apk origin, falling
//    back to `name`), compared by the package's own `version`;
//  - other ecosystems: by `source_name` if set, else `name`, and the package version.
// A package is affected when vercmp::evaluate says so for any `affected` entry of an advisory,
// under vercmp::scheme_for_ecosystem(os.ecosystem).
//
// Finding ids: one finding per (package, advisory), whose `id` is the first CVE id found in the
// advisory's `aliases`, then `upstream` (a DSA fixing several CVEs gives one finding named after
// its first CVE; the other CVEs are listed in `aliases`); else the CVE a distro CVE record names
// in its id or aliases/upstream ("UBUNTU-CVE-2021-3782" -> "CVE-2021-3782", as USN records refer
// to them); else the advisory id. Findings with the
// same (package, id) from several advisories are merged into one: `advisory_id` is the first
// advisory (by id), every other advisory id and alias goes to `aliases`, severity and cvss_score
// are the highest, `fixed_version` the lowest fix found ("" only when no advisory has a fix).
//
// When the database has no data for the image's ecosystem at all (or the OS is unknown), a
// warning says so: zero findings must never read as a clean image.

#include <string>
#include <vector>

#include "model/types.hpp"
#include "vulndb/database.hpp"

namespace strata::match {

struct MatchOptions {
  bool ignore_unfixed = false;  // drop findings with no fixed version
};

struct MatchOutput {
  std::vector<model::Finding> findings;  // sorted by package name, then id
  std::vector<std::string> warnings;
  // False when the OS is unknown, has no data source, or its ecosystem is not in the database
  // (then a warning says which): OS packages were not matched at all.
  bool os_data = false;
};

// Never fails: a lookup error or an unparseable installed version becomes a warning naming the
// package, and matching goes on with the next one.
MatchOutput match_packages(const std::vector<model::Package>& packages, const model::OsInfo& os,
                           const vulndb::Database& db, const MatchOptions& options = {});

}  // namespace strata::match
