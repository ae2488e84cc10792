// Placeholder: replaced by the real maven implementation (being written in parallel).
#include "vercmp/maven.hpp"

namespace strata::vercmp::maven {

util::Result<int> compare_strings(std::string_view, std::string_view) {
  return util::Error{util::ErrorCategory::internal, "maven versions: not implemented yet"};
}
util::Status validate(std::string_view) {
  return util::Error{util::ErrorCategory::internal, "maven versions: not implemented yet"};
}

}  // namespace strata::vercmp::maven
