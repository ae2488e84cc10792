#include "detect/lang/lock_json.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace strata::detect::lang {

std::size_t json_nesting_depth(std::string_view content, std::size_t limit) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < content.size(); ++i) {
    char c = content[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) {
          return deepest;
        }
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

bool parse_lock_json(std::string_view content, nlohmann::ordered_json& out, std::string& error,
                     std::size_t max_depth) {
  if (json_nesting_depth(content, max_depth) > max_depth) {
    error = fmt::format("nested deeper than {} levels", max_depth);
    return false;
  }
  out = nlohmann::ordered_json::parse(content.begin(), content.end(), nullptr,
                                      /*allow_exceptions=*/false);
  if (out.is_discarded()) {
    error = "not valid JSON";
    return false;
  }
  return true;
}

const nlohmann::ordered_json* json_member(const nlohmann::ordered_json& value,
                                          std::string_view key) {
  if (!value.is_object()) {
    return nullptr;
  }
  auto it = value.find(key);
  return it == value.end() ? nullptr : &*it;
}

const std::string* json_string(const nlohmann::ordered_json& value, std::string_view key) {
  auto* member = json_member(value, key);
  return member && member->is_string() ? member->get_ptr<const std::string*>() : nullptr;
}

}  // namespace strata::detect::lang
