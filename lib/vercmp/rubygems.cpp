// Placeholder: replaced by the real rubygems implementation (being written in parallel).
#include "vercmp/rubygems.hpp"

namespace strata::vercmp::rubygems {

util::Result<int> compare_strings(std::string_view, std::string_view) {
  return util::Error{util::ErrorCategory::internal, "rubygems versions: not implemented yet"};
}
util::Status validate(std::string_view) {
  return util::Error{util::ErrorCategory::internal, "rubygems versions: not implemented yet"};
}

}  // namespace strata::vercmp::rubygems
