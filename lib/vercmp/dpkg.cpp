// Placeholder: replaced by the real dpkg implementation (being written in parallel).
#include "vercmp/dpkg.hpp"

namespace strata::vercmp::dpkg {

util::Result<int> compare_strings(std::string_view, std::string_view) {
  return util::Error{util::ErrorCategory::internal, "dpkg versions: not implemented yet"};
}
util::Status validate(std::string_view) {
  return util::Error{util::ErrorCategory::internal, "dpkg versions: not implemented yet"};
}

}  // namespace strata::vercmp::dpkg
