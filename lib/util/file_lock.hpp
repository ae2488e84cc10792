#pragma once
// Advisory whole-file locks (flock(2)) held for the lifetime of a FileLock object. flock locks
// belong to an open file description, so two FileLocks on one path exclude each other even in
// the same process, and the kernel drops a lock when its holder dies (kill -9 included).
// flock is unreliable on NFS: lock only files on local file systems.

#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::util {

class FileLock {
 public:
  // Opens `path` (creating it empty with mode 0600 if missing) and takes an exclusive lock,
  // waiting for it unless `wait` is false: then a lock held elsewhere is the input error
  // "PATH: locked by another process" (k_lock_busy). Fails (input error naming the path) if the
  // file cannot be opened or locked: the caller must not go on unlocked.
  static Result<FileLock> acquire(const std::string& path, bool wait = true);
  // Opens an existing `path` and tries to take an exclusive lock without waiting. Returns
  // nullopt if another open file description holds a lock on it, or if the file does not exist.
  static Result<std::optional<FileLock>> try_acquire_existing(const std::string& path);

  FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock() { release(); }

  // Drops the lock and closes the file (also done by the destructor).
  void release();
  // The open file (e.g. to write to a lock file that records something).
  int fd() const { return m_fd; }

 private:
  explicit FileLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

// The text ending the error of a non-waiting acquire() that found the lock held.
inline constexpr std::string_view k_lock_busy = "locked by another process";

}  // namespace strata::util
