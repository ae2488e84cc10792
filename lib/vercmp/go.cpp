// Placeholder: replaced by the real go implementation (being written in parallel).
#include "vercmp/go.hpp"

namespace strata::vercmp::go {

util::Result<int> compare_strings(std::string_view, std::string_view) {
  return util::Error{util::ErrorCategory::internal, "go versions: not implemented yet"};
}
util::Status validate(std::string_view) {
  return util::Error{util::ErrorCategory::internal, "go versions: not implemented yet"};
}

}  // namespace strata::vercmp::go
