// Placeholder: replaced by the real rpm implementation (being written in parallel).
#include "vercmp/rpm.hpp"

namespace strata::vercmp::rpm {

util::Result<int> compare_strings(std::string_view, std::string_view) {
  return util::Error{util::ErrorCategory::internal, "rpm versions: not implemented yet"};
}
util::Status validate(std::string_view) {
  return util::Error{util::ErrorCategory::internal, "rpm versions: not implemented yet"};
}

}  // namespace strata::vercmp::rpm
