// Placeholder: replaced by the real composer implementation (being written in parallel).
#include "vercmp/composer.hpp"

namespace strata::vercmp::composer {

util::Result<int> compare_strings(std::string_view, std::string_view) {
  return util::Error{util::ErrorCategory::internal, "composer versions: not implemented yet"};
}
util::Status validate(std::string_view) {
  return util::Error{util::ErrorCategory::internal, "composer versions: not implemented yet"};
}

}  // namespace strata::vercmp::composer
