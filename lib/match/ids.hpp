#pragma once
// The id a finding is reported under (see matcher.hpp).

#include <string>
#include <string_view>

#include "vulndb/database.hpp"

namespace strata::match {

// "CVE-YYYY-NNNN..." exactly.
bool is_cve(std::string_view id);

// The first CVE id in the advisory's `aliases`, then `upstream`, then (with `related_cves`)
// `related`; else the CVE a distro CVE record names in its id ("UBUNTU-CVE-2021-3782" ->
// "CVE-2021-3782") or in its aliases/upstream; else the advisory's own id.
// `related_cves` is for rpm distributions, whose errata (ALSA, RLSA, RHSA) list the CVEs they fix
// under `related`, not `aliases` (OSV's `related` means "another vulnerability" elsewhere).
std::string finding_id(const vulndb::Advisory& advisory, bool related_cves);

}  // namespace strata::match
