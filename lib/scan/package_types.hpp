#pragma once
// Which packages a scan reports (--pkg-types): OS packages (dpkg, apk, rpm), libraries (every
// language package), or both. Packages not selected are dropped before matching, so neither
// they nor their findings are in the result.

#include <string_view>
#include <vector>

#include "model/types.hpp"
#include "util/result.hpp"

namespace strata::scan {

struct PackageTypes {
  bool os = true;       // model::is_os_package_type
  bool library = true;  // every other type
  bool all() const { return os && library; }
};

// A comma-separated list of "os" and "library" (Trivy's --pkg-types values), e.g. "os",
// "library", "os,library"; spaces around the names are ignored, a name may repeat. Usage error
// for an empty list or any other name.
util::Result<PackageTypes> parse_package_types(std::string_view text);

// Whether `types` selects `pkg`.
bool selected(const PackageTypes& types, const model::Package& pkg);

// Removes the packages `types` does not select, keeping the others' order.
void keep_package_types(std::vector<model::Package>& packages, const PackageTypes& types);

}  // namespace strata::scan
