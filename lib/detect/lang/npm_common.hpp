#pragma once
// Helpers shared by the npm parsers (npm.cpp, npm_lock.cpp, npm_yarn.cpp, npm_pnpm.cpp).

#include <string_view>
#include <utility>

namespace strata::detect::lang::npm_detail {

// A package name as node_modules holds it: "name" or "@scope/name" (one '/', both parts
// non-empty), no whitespace or control characters, not "." / ".." or starting with '.'.
bool valid_name(std::string_view name);

// "name@range" -> {"name", "range"}, "@scope/name@range" -> {"@scope/name", "range"}: split at
// the first '@' after the first character; {spec, ""} when there is none.
std::pair<std::string_view, std::string_view> split_spec(std::string_view spec);

// Whether `ref` (what follows "file:") names a directory rather than a tarball (.tgz, .tar.gz,
// .tar; Yarn 2's "::locator=..." suffix ignored).
bool is_directory_ref(std::string_view ref);

// Whether `text` can be a version (semver-like: a digit first, no ':', '/', '#' or whitespace).
// A lockfile v1 "version" that is a git URL or "file:..." is not.
bool looks_like_version(std::string_view text);

// "/a/b/c" -> "c"; "c" -> "c".
std::string_view base_name(std::string_view path);
// "/a/b/c" -> "/a/b"; "/c" -> ""; "c" -> "".
std::string_view dir_name(std::string_view path);

}  // namespace strata::detect::lang::npm_detail
