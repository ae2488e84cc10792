#pragma once
// Packages x advisories -> findings.
//
// Which packages are matched against which advisories:
//  - OS packages (`ecosystem` empty or equal to os.ecosystem, e.g. "Alpine:v3.10") only against
//    advisories of the image's own ecosystem and release; packages of another OS ecosystem are
//    not matched;
//  - language packages (`ecosystem` one of is_language_ecosystem(): "PyPI", "Go", "npm", ...)
//    against their own ecosystem, whatever the OS (also when the OS is unknown);
//  - the names and versions each package is looked up with follow match/rules.hpp (Debian and
//    Ubuntu by source package, Alpine by origin, rpm distros by binary then source rpm name,
//    PyPI names PEP 503-normalised, ...).
// A package is affected when vercmp::evaluate says so for any `affected` entry of an advisory,
// under vercmp::scheme_for_ecosystem(ecosystem); the finding's `fixed_version` is the lowest fix
// above the installed version over all of the advisory's entries and ranges (evaluate returns,
// per entry, the fix closing the range the version is in), "" when none has one.
//
// Finding ids: one finding per (package, advisory), whose `id` is match::finding_id() (the
// advisory's first CVE; a DSA fixing several CVEs gives one finding named after its first CVE,
// the other CVEs are listed in `aliases`). Findings of the same package and version are merged
// into one when they have the same id, or when one has no CVE and its id is an alias or advisory
// id of the other (a PYSEC record naming only its GHSA twin); the merged finding keeps a CVE id
// when either has one, else the smaller id. `advisory_id` is the first advisory (by id), every
// other advisory id and alias goes to `aliases`, severity and cvss_score are the highest,
// `fixed_version` the lowest fix found ("" only when no advisory has a fix).
//
// When the database has no data for the image's ecosystem at all (or the OS is unknown), or for
// a language ecosystem that packages were found for, a warning says so: zero findings must never
// read as a clean image.

#include <string>
#include <vector>

#include "model/types.hpp"
#include "vulndb/database.hpp"

namespace strata::match {

struct MatchOptions {
  bool ignore_unfixed = false;  // drop findings with no fixed version
  // False when OS packages were not asked for (--pkg-types library): none is matched and no
  // warning is given about the OS's data (os_data stays false).
  bool os_packages = true;
};

struct MatchOutput {
  std::vector<model::Finding> findings;  // sorted by package name, then id
  std::vector<std::string> warnings;
  // False when the OS is unknown, has no data source, or its ecosystem is not in the database
  // (then a warning says which): OS packages were not matched at all.
  bool os_data = false;
  // Language ecosystems that packages were found for but the database has no data for, sorted
  // (a warning names each): those packages were not matched.
  std::vector<std::string> unsupported_ecosystems;
};

// Never fails: a lookup error or an unparseable installed version becomes a warning naming the
// package, and matching goes on with the next one. An advisory event version that does not parse
// under the scheme ("fixed": "1.x" in an npm record) is skipped -- the record's other events and
// ranges still decide -- and becomes a warning: "GHSA-...: package foo: cannot compare fixed
// version '1.x': invalid semver version '1.x': ...", each once, at most 20 of them, then one
// line counting the others.
MatchOutput match_packages(const std::vector<model::Package>& packages, const model::OsInfo& os,
                           const vulndb::Database& db, const MatchOptions& options = {});

}  // namespace strata::match
