#pragma once
// JSON for the npm parsers: a parse that never throws and refuses input nested deeper than a
// limit (nlohmann's DOM parse has no depth limit of its own).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace strata::detect::lang {

// `content` parsed as one JSON value. std::nullopt, with `error` set ("line 3, column 7: syntax
// error ..." or "nested deeper than 512 levels"), when it is not valid JSON (RFC 8259, UTF-8) or
// is nested deeper than `max_depth` arrays/objects.
std::optional<nlohmann::json> parse_json_bounded(std::string_view content, std::size_t max_depth,
                                                 std::string& error);

// The string member `key` of `object`, or "" when `object` is not an object or the member is
// absent or not a string.
std::string json_string(const nlohmann::json& object, const char* key);
// The boolean member `key` of `object`; false when absent or not a boolean.
bool json_bool(const nlohmann::json& object, const char* key);

}  // namespace strata::detect::lang
