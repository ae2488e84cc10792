#pragma once
// Small string helpers used across modules.

#include <string>
#include <string_view>
#include <vector>

namespace strata::util {

std::string_view trim(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

}  // namespace strata::util
