#include "http/client.hpp"

#include "util/strings.hpp"

namespace strata::http {

std::optional<std::string> Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (util::iequals(key, name)) {
      return value;
    }
  }
  return std::nullopt;
}

std::vector<std::string> Response::header_values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : headers) {
    if (util::iequals(key, name)) {
      out.push_back(value);
    }
  }
  return out;
}

}  // namespace strata::http
