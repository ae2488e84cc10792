#pragma once
// JSON documents for the language lock-file readers (composer, NuGet): parsed without exceptions,
// their nesting bounded before nlohmann/json sees them, object keys kept in file order.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace strata::detect::lang {

// Deepest nesting of arrays and objects accepted (composer.lock and deps.json need 5 or 6).
inline constexpr std::size_t k_max_json_depth = 64;

// The deepest nesting of '[' and '{' outside strings in `content`, counted only until it passes
// `limit` (then that depth is returned): the check that keeps a recursive JSON parser's stack
// bounded.
std::size_t json_nesting_depth(std::string_view content, std::size_t limit);

// Parses `content` into `out`. False, with `error` saying why ("not valid JSON", "nested deeper
// than 64 levels"), when it is not one JSON value or nests deeper than `max_depth`.
bool parse_lock_json(std::string_view content, nlohmann::ordered_json& out, std::string& error,
                     std::size_t max_depth = k_max_json_depth);

// The string member `key` of `value`, or nullptr when `value` is not an object or the member is
// absent or not a string.
const std::string* json_string(const nlohmann::ordered_json& value, std::string_view key);

// The member `key` of `value`, or nullptr when `value` is not an object or has no such member.
const nlohmann::ordered_json* json_member(const nlohmann::ordered_json& value,
                                          std::string_view key);

}  // namespace strata::detect::lang
