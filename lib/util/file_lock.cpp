#include "util/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace strata::util {

Result<FileLock> FileLock::acquire(const std::string& path, bool wait) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return input_error("{}: cannot open lock file: {}", path, std::strerror(errno));
  }
  while (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    if (errno != EINTR) {
      int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) {
        return input_error("{}: {}", path, k_lock_busy);
      }
      return input_error("{}: cannot lock: {}", path, std::strerror(err));
    }
  }
  return FileLock(fd);
}

Result<std::optional<FileLock>> FileLock::try_acquire_existing(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return std::optional<FileLock>();
    }
    return input_error("{}: cannot open lock file: {}", path, std::strerror(errno));
  }
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) {
      continue;
    }
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return std::optional<FileLock>();
    }
    return input_error("{}: cannot lock: {}", path, std::strerror(err));
  }
  return std::optional<FileLock>(FileLock(fd));
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    m_fd = other.m_fd;
    other.m_fd = -1;
  }
  return *this;
}

void FileLock::release() {
  if (m_fd >= 0) {
    ::close(m_fd);  // closing the last descriptor of the description drops the flock
    m_fd = -1;
  }
}

}  // namespace strata::util
