#pragma once
// File helpers that never throw: failures come back as input errors naming the path.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "util/fd.hpp"
#include "util/result.hpp"

namespace strata::util {

// Opens `path` (symlinks followed) read-only for a caller that expects a regular file, without
// ever blocking or reading anything else: the path is checked with stat first (a device, FIFO or
// socket is never opened), then opened O_NONBLOCK | O_NOCTTY and checked again with fstat on the
// descriptor (it may have been replaced in between); O_NONBLOCK is cleared before returning.
// Errors (input category): "PATH: <strerror>", "PATH: is a directory", "PATH: not a regular
// file".
Result<UniqueFd> open_regular(const std::string& path);

// The same checks as open_regular, for a path handed to something else to open (a CA file for
// curl): the file is opened and closed again.
Status check_regular_file(const std::string& path);

// Opens the regular file `relative` (no ".." components) below the directory `dir_fd`, never
// leaving it: with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) a symbolic link that stays
// below the directory is followed and one that leads out of it (absolute, "..", /proc magic
// links) is refused; on a kernel without openat2 (before 5.6) no symbolic link is followed at
// all. The file is first opened O_PATH and checked with fstat, so a FIFO, device or socket is
// never opened for reading; the descriptor returned is O_RDONLY (blocking). `display` names the
// file in errors: "DISPLAY: <strerror>", "DISPLAY: is a directory", "DISPLAY: not a regular
// file", "DISPLAY: a symbolic link leading outside DIR_NAME".
Result<UniqueFd> open_beneath(int dir_fd, const std::string& relative, const std::string& display,
                              std::string_view dir_name);

// Reads `fd` to its end; fails if that is more than `max_size` bytes. Errors name `path`.
Result<std::string> read_fd(int fd, std::uint64_t max_size, const std::string& path);

// Reads a whole file (opened with open_regular: only a regular file is read); fails if it is larger
// than `max_size` bytes.
Result<std::string> read_file(const std::string& path, std::uint64_t max_size = 256u << 20);

// The first `n` bytes of the file at `path` (fewer when it is shorter): enough to tell a format
// by its magic. Errors: those of open_regular, or "PATH: <strerror>" when it cannot be read.
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

// Creates `path` and its parents (like mkdir -p); the directories it creates get `mode` (less
// the umask), existing ones are left as they are.
Status make_dirs(const std::string& path, unsigned mode = 0777);

// The user's cache base: $XDG_CACHE_HOME when it is an absolute path, else $HOME/.cache (the
// passwd entry's home when HOME is unset, /tmp as a last resort). strata's own directories are
// below it ("<base>/strata/...").

bool is_directory(const std::string& path);
bool is_regular_file(const std::string& path);

}  // namespace strata::util
