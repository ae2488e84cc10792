#pragma once
// The few file operations the cache needs, as plain functions returning errors.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cache/index.hpp"
#include "util/result.hpp"

namespace strata::cache {

// Writes `content` to a new file "<dir>/<prefix>XXXXXX" (mode 0644, no fsync) and returns its
// path. The file is removed again on failure (e.g. a full disk).
util::Result<std::string> write_temp(const std::string& dir, std::string_view prefix,
                                     std::string_view content);
// write_temp next to `path`, then rename over it: readers see the old or the new file.
util::Status replace_file(const std::string& path, std::string_view content);
// Like replace_file, for a file replaced often under a lock: the old file is first renamed to
// `path`.prev and removed at the end, because ext4 (auto_da_alloc) makes a rename over an
// existing file wait for the new data to be written out (about 3 ms here, against 0.1 ms).
// A process killed between the two renames leaves only `path`.prev, which the reader uses.
util::Status replace_file_via_prev(const std::string& path, std::string_view content);
// The names in `dir` (no "." or ".."); empty if it cannot be read.
std::vector<std::string> list_dir(const std::string& dir);

struct FileInfo {
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  TimePoint mtime{};
  bool regular = false;
  friend bool operator==(const FileInfo&, const FileInfo&) = default;
};
// nullopt if `path` does not exist (or cannot be stat'ed).
std::optional<FileInfo> stat_file(const std::string& path);
void remove_file(const std::string& path);

}  // namespace strata::cache
