// Placeholder: replaced by the real apk implementation (being written in parallel).
#include "vercmp/apk.hpp"

namespace strata::vercmp::apk {

util::Result<int> compare_strings(std::string_view, std::string_view) {
  return util::Error{util::ErrorCategory::internal, "apk versions: not implemented yet"};
}
util::Status validate(std::string_view) {
  return util::Error{util::ErrorCategory::internal, "apk versions: not implemented yet"};
}

}  // namespace strata::vercmp::apk
