// Placeholder: replaced by the real pep440 implementation (being written in parallel).
#include "vercmp/pep440.hpp"

namespace strata::vercmp::pep440 {

util::Result<int> compare_strings(std::string_view, std::string_view) {
  return util::Error{util::ErrorCategory::internal, "pep440 versions: not implemented yet"};
}
util::Status validate(std::string_view) {
  return util::Error{util::ErrorCategory::internal, "pep440 versions: not implemented yet"};
}

}  // namespace strata::vercmp::pep440
