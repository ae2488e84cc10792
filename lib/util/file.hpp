#pragma once
// File helpers that never throw: failures come back as input errors naming the path.

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::util {

// Reads a whole file; fails if it is larger than `max_size` bytes.
Result<std::string> read_file(const std::string& path, std::uint64_t max_size = 256u << 20);

// Writes `content` to a temp file in the same directory and renames it over `path`, so readers
// see the old or the new content, never a mix. The temp file is removed on failure.
Status write_file_atomic(const std::string& path, std::string_view content);

// Writes all `size` bytes to `fd` (retrying short writes and EINTR); the error names `path`.
Status write_all(int fd, const void* data, std::size_t size, const std::string& path);

// Creates `path` and its parents (like mkdir -p).
Status make_dirs(const std::string& path);

// The user's cache base: $XDG_CACHE_HOME when it is an absolute path, else $HOME/.cache (the
// passwd entry's home when HOME is unset, /tmp as a last resort). strata's own directories are
// below it ("<base>/strata/...").
std::string user_cache_home();

bool is_directory(const std::string& path);
bool is_regular_file(const std::string& path);

}  // namespace strata::util
