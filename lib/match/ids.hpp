#pragma once
// The id a finding is reported under (see matcher.hpp).

#include <string>
#include <string_view>

#include "vulndb/database.hpp"

namespace strata::match {

// "CVE-YYYY-NNNN..." exactly.
bool is_cve(std::string_view id);

// The first CVE id in the advisory's `aliases`, then `upstream`; else the CVE a distro CVE record
// names in its id ("UBUNTU-CVE-2021-3782" -> "CVE-2021-3782") or in its aliases/upstream; else the
// advisory's own id.
std::string finding_id(const vulndb::Advisory& advisory);

}  // namespace strata::match
