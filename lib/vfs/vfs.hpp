#pragma once
// The read-only filesystem interface every detector reads through. The same detector then runs
// on a merged image (MemFs built from layers), on a live host root, and on an in-memory tree in
// a unit test.
//
// Paths are absolute within the filesystem's root ("/etc/os-release"). Implementations resolve
// them component by component; symlinks (absolute or relative) resolve inside the root only: an
// absolute target restarts at the root, ".." at the root stays at the root, and more than
// k_max_symlink_hops hops is an error (a loop never hangs).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace strata::vfs {

inline constexpr int k_max_symlink_hops = 40;

enum class FileType { regular, directory, symlink, other };

struct Stat {
  FileType type = FileType::regular;
  std::uint64_t size = 0;
  std::uint32_t mode = 0;
  std::uint32_t uid = 0;  // owner (0 where the view does not record one)
  std::string layer;      // diff_id of the layer that last wrote the file; empty when not layered
};

class Filesystem {
 public:
  virtual ~Filesystem() = default;

  // Contents of the regular file at `path` (symlinks followed). Errors: not found, not a regular
  // file, symlink loop, larger than `max_size`.
  virtual util::Result<std::string> read_file(std::string_view path,
                                              std::uint64_t max_size = 64u << 20) const = 0;
  // The first `n` bytes (fewer when the file is shorter) of the regular file at `path`, symlinks
  // followed; errors as read_file, without a size limit.
  virtual util::Result<std::string> read_prefix(std::string_view path, std::size_t n) const = 0;
  // Follows symlinks; fails when the path does not exist.
  virtual util::Result<Stat> stat(std::string_view path) const = 0;
  // Does not follow a final symlink.
  virtual util::Result<Stat> lstat(std::string_view path) const = 0;
  // Names (not paths) of the entries of a directory, sorted.
  virtual util::Result<std::vector<std::string>> list_dir(std::string_view path) const = 0;
  // The normalised path, inside the root, that `path` resolves to with every symlink on the way
  // (and a final one) followed: where the file really is ("/var/lib/rpm/rpmdb.sqlite" ->
  // "/usr/lib/sysimage/rpm/rpmdb.sqlite"). Fails as stat() does.
  virtual util::Result<std::string> real_path(std::string_view path) const = 0;

  bool exists(std::string_view path) const { return stat(path).ok(); }
};

// Lexically normalises an absolute path inside a root: collapses "//", "." and ".." (never above
// "/"), strips a trailing "/". "etc/x" is treated as "/etc/x".
std::string normalize(std::string_view path);

}  // namespace strata::vfs
