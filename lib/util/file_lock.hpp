#pragma once
// An exclusive advisory lock on a file (flock), released when the FileLock is destroyed or the
// process dies, so a crashed holder never leaves a stale lock behind.

#include <string>

#include "util/result.hpp"

namespace strata::util {

class FileLock {
 public:
  // Opens (creating it, mode 0644) `path` and takes an exclusive flock on it. With `wait`, blocks
  // until the lock is free; without, fails at once when it is held: an input error
  // "PATH: locked by another process". Other failures (cannot create the file) are input errors
  // naming the path.
  static Result<FileLock> acquire(const std::string& path, bool wait);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

// The text ending the error of a non-waiting acquire() that found the lock held.
inline constexpr std::string_view k_lock_busy = "locked by another process";

}  // namespace strata::util
