#pragma once
// File helpers that never throw: failures come back as input errors naming the path.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "util/result.hpp"

namespace strata::util {

// Reads a whole file; fails if it is larger than `max_size` bytes.
Result<std::string> read_file(const std::string& path, std::uint64_t max_size = 256u << 20);

// The first `n` bytes of the file at `path` (fewer when it is shorter): enough to tell a format
// by its magic. Error: "PATH: <strerror>" when it cannot be opened or read.
Result<std::string> read_file_head(const std::string& path, std::size_t n);

// Reads exactly `size` bytes of `fd` at `offset` (retrying short reads and EINTR); the error
// names `path` ("unexpected end of file" when the file is shorter).
Status pread_exact(int fd, void* data, std::size_t size, std::uint64_t offset,
                   const std::string& path);

// Writes all `size` bytes to `fd` (retrying short writes and EINTR); the error names `path`.
Status write_all(int fd, const void* data, std::size_t size, const std::string& path);

// A file created as `prefix` followed by six random characters (mode 0644), typically beside
// where it will go, and removed when this is destroyed unless it was renamed into place first.
class TempFile {
 public:
  // Errors name the directory of `prefix`.
  static Result<TempFile> create(const std::string& prefix);
  TempFile(TempFile&& o) noexcept;
  TempFile& operator=(TempFile&&) = delete;
  ~TempFile();

  int fd() const { return m_fd; }
  const std::string& path() const { return m_path; }
  Status write(std::string_view data) { return write_all(m_fd, data.data(), data.size(), m_path); }
  // fsync, then close; the error names the file.
  Status sync_and_close();
  // Closes the descriptor (an error from close, e.g. a full disk on NFS, is returned).
  Status close();
  // Closes the file and keeps it: its path is returned and it is no longer removed.
  Result<std::string> keep();
  // Removes the name now (the descriptor stays usable): an anonymous scratch file.
  void unlink();
  // Renames the file over `target`; from then on it is no longer removed.
  Status rename_to(const std::string& target);

 private:
  TempFile(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
  int m_fd = -1;
  std::string m_path;  // empty once renamed or unlinked
};

// Writes `content` to a temp file in the same directory and renames it over `path`, so readers
// see the old or the new content, never a mix. The temp file is removed on failure.
Status write_file_atomic(const std::string& path, std::string_view content);

// Creates `path` and its parents (like mkdir -p).
Status make_dirs(const std::string& path);

// The user's cache base: $XDG_CACHE_HOME when it is an absolute path, else $HOME/.cache (the
// passwd entry's home when HOME is unset, /tmp as a last resort). strata's own directories are
// below it ("<base>/strata/...").

bool is_directory(const std::string& path);
bool is_regular_file(const std::string& path);

}  // namespace strata::util
