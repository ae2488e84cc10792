// Placeholder: replaced by the real nuget implementation (being written in parallel).
#include "vercmp/nuget.hpp"

namespace strata::vercmp::nuget {

util::Result<int> compare_strings(std::string_view, std::string_view) {
  return util::Error{util::ErrorCategory::internal, "nuget versions: not implemented yet"};
}
util::Status validate(std::string_view) {
  return util::Error{util::ErrorCategory::internal, "nuget versions: not implemented yet"};
}

}  // namespace strata::vercmp::nuget
