#pragma once
// Internal to lib/secret: rules compiled into RE2 objects (RE2 stays inside this module).
// Compiled objects are immutable; RE2 matching is thread-safe.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "secret/rules.hpp"
#include "secret/validators.hpp"
#include "util/result.hpp"

namespace strata::secret::detail {

// One byte of a magic prefix: `value`, or any byte when `any`.
struct MagicByte {
  unsigned char value = 0;
  bool any = false;
};
using Magic = std::vector<MagicByte>;

struct CompiledAllow {
  std::string id;
  std::unique_ptr<re2::RE2> path;   // null: none
  std::unique_ptr<re2::RE2> regex;  // null: none
};

struct CompiledRule {
  Rule rule;                        // the source, for ids, titles and options
  std::unique_ptr<re2::RE2> regex;  // null for a magic rule
  std::unique_ptr<re2::RE2> path;   // null: every path
  std::unique_ptr<re2::RE2> near;   // null: no near condition
  int group = 0;                    // capture index of the secret value (0: whole match)
  std::vector<CompiledAllow> allow;
  std::vector<Magic> magic;
  Validator validator = nullptr;
};

// Compiles `pattern` (RE2 syntax, errors not logged by RE2). Error: "WHAT: <RE2's reason>",
// never quoting the pattern.
util::Result<std::unique_ptr<re2::RE2>> compile_regex(std::string_view pattern,
                                                      std::string_view what);

// Errors: "ORIGIN: rule 'ID': PROBLEM" (missing regex, bad regex, unknown group, severity,
// validator or magic).
util::Result<CompiledRule> compile_rule(const Rule& rule);

// `context` prefixes errors ("ORIGIN: allow rule 'ID'" or "ORIGIN: rule 'R': allow rule 'ID'").
util::Result<CompiledAllow> compile_allow(const AllowRule& allow, std::string_view context);

// "3082????020103" (spaces allowed) -> bytes; nullopt-like error on odd length or a non-hex pair.
util::Result<Magic> parse_magic(std::string_view hex);

// Whether `re` matches the absolute `path` or, for Trivy's relative patterns, the same path
// without its leading '/'.
bool path_matches(const re2::RE2& re, std::string_view path);

// The normalised absolute form of a path as the caller names it: "./etc/x", "etc/x", "/etc/x"
// -> "/etc/x". Returns `path` itself (no copy) when it is already absolute.
std::string_view absolute_path(std::string_view path, std::string& storage);

}  // namespace strata::secret::detail
