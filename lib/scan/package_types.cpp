#include "scan/package_types.hpp"

#include <algorithm>

#include "util/strings.hpp"

namespace strata::scan {

util::Result<PackageTypes> parse_package_types(std::string_view text) {
  PackageTypes types{false, false};
  std::string_view rest = text;
  while (true) {
    auto comma = rest.find(',');
    std::string name = util::to_lower(util::trim(rest.substr(0, comma)));
    if (name == "os") {
      types.os = true;
    } else if (name == "library") {
      types.library = true;
    } else {
      return util::make_error(util::ErrorCategory::usage,
                              "--pkg-types: '{}' is not a package type (give os, library or "
                              "os,library)",
                              name.empty() ? std::string(text) : name);
    }
    if (comma == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(comma + 1);
  }
  return types;
}

bool selected(const PackageTypes& types, const model::Package& pkg) {
  return model::is_os_package_type(pkg.type) ? types.os : types.library;
}

void keep_package_types(std::vector<model::Package>& packages, const PackageTypes& types) {
  if (types.all()) {
    return;
  }
  std::erase_if(packages, [&](const model::Package& p) { return !selected(types, p); });
}

}  // namespace strata::scan
