// Placeholder: replaced by the real semver implementation (being written in parallel).
#include "vercmp/semver.hpp"

namespace strata::vercmp::semver {

util::Result<int> compare_strings(std::string_view, std::string_view) {
  return util::Error{util::ErrorCategory::internal, "semver versions: not implemented yet"};
}
util::Status validate(std::string_view) {
  return util::Error{util::ErrorCategory::internal, "semver versions: not implemented yet"};
}

}  // namespace strata::vercmp::semver

namespace strata::vercmp::npm_range {
util::Result<bool> satisfies(std::string_view, std::string_view) {
  return util::Error{util::ErrorCategory::internal, "npm ranges: not implemented yet"};
}
}  // namespace strata::vercmp::npm_range
