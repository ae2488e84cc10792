#include "util/file.hpp"
#include "util/fd.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

namespace strata::util {

namespace {

Status check_mode(const std::string& path, mode_t mode) {
  if (S_ISREG(mode)) {
    return {};
  }
  if (S_ISDIR(mode)) {
    return input_error("{}: is a directory", path);
  }
  return input_error("{}: not a regular file", path);
}

}  // namespace

Result<UniqueFd> open_regular(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return input_error("{}: {}", path, std::strerror(errno));
  }
  TRY(check_mode(path, st.st_mode));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd.valid()) {
    return input_error("{}: {}", path, std::strerror(errno));
  }
  if (::fstat(fd.get(), &st) != 0) {
    return input_error("{}: {}", path, std::strerror(errno));
  }
  TRY(check_mode(path, st.st_mode));  // replaced between the stat and the open
  int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
    return input_error("{}: {}", path, std::strerror(errno));
  }
  return fd;
}

namespace {

// openat2(2) with `how`; -1 with errno ENOSYS when the kernel (or a seccomp filter) lacks it.
int openat2_beneath(int dir_fd, const std::string& relative, std::uint64_t flags) {
#ifdef SYS_openat2
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(::syscall(SYS_openat2, dir_fd, relative.c_str(), &how, sizeof how));
#else
  errno = ENOSYS;
  return -1;
#endif
}

// The fallback: component by component with O_NOFOLLOW, so a symbolic link is never followed.
Result<UniqueFd> open_path_nofollow(int dir_fd, const std::string& relative,
                                    const std::string& display, std::string_view dir_name) {
  UniqueFd current;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = relative.find('/', start);
    const bool last = slash == std::string::npos;
    std::string comp = relative.substr(start, last ? std::string::npos : slash - start);
    start = slash + 1;
    if (comp.empty() || comp == ".") {
      if (last) {
        return current;
      }
      continue;
    }
    if (comp == "..") {
      return input_error("{}: a path leading outside {}", display, dir_name);
    }
    const int at = current.valid() ? current.get() : dir_fd;
    UniqueFd next(::openat(at, comp.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!next.valid()) {
      return input_error("{}: {}", display, std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(next.get(), &st) != 0) {
      return input_error("{}: {}", display, std::strerror(errno));
    }
    if (S_ISLNK(st.st_mode)) {
      return input_error("{}: a symbolic link (not followed on a kernel without openat2)", display);
    }
    current = std::move(next);
    if (last) {
      return current;
    }
  }
}

}  // namespace

Result<UniqueFd> open_beneath(int dir_fd, const std::string& relative, const std::string& display,
                              std::string_view dir_name) {
  UniqueFd probe(openat2_beneath(dir_fd, relative, O_PATH));
  bool have_openat2 = true;
  if (!probe.valid()) {
    const int err = errno;
    if (err == ENOSYS || err == EPERM) {
      have_openat2 = false;
      TRY_ASSIGN(probe, open_path_nofollow(dir_fd, relative, display, dir_name));
    } else if (err == EXDEV) {
      return input_error("{}: a symbolic link leading outside {}", display, dir_name);
    } else if (err == ELOOP) {
      return input_error("{}: a symbolic link loop, or a link into /proc (not followed)", display);
    } else {
      return input_error("{}: {}", display, std::strerror(err));
    }
  }
  struct stat st {};
  if (::fstat(probe.get(), &st) != 0) {
    return input_error("{}: {}", display, std::strerror(errno));
  }
  TRY(check_mode(display, st.st_mode));
  // Reopened for reading the same way; it must be the file that was checked. Without openat2,
  // the O_PATH descriptor is reopened through /proc/self/fd (openat cannot reopen one).
  UniqueFd fd(have_openat2 ? openat2_beneath(dir_fd, relative, O_RDONLY | O_NONBLOCK | O_NOCTTY)
                           : ::open(fmt::format("/proc/self/fd/{}", probe.get()).c_str(),
                                    O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd.valid()) {
    return input_error("{}: {}", display, std::strerror(errno));
  }
  struct stat again {};
  if (::fstat(fd.get(), &again) != 0) {
    return input_error("{}: {}", display, std::strerror(errno));
  }
  if (!S_ISREG(again.st_mode) || again.st_dev != st.st_dev || again.st_ino != st.st_ino) {
    return input_error("{}: changed while it was opened", display);
  }
  int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
    return input_error("{}: {}", display, std::strerror(errno));
  }
  return fd;
}

Result<std::string> read_fd(int fd, std::uint64_t max_size, const std::string& path) {
  std::string out;
  std::vector<char> buf(64u << 10);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return input_error("{}: read error: {}", path, std::strerror(errno));
    }
    if (n == 0) {
      return out;
    }
    if (out.size() + static_cast<std::size_t>(n) > max_size) {
      return input_error("{}: file too large (over {} bytes)", path, max_size);
    }
    out.append(buf.data(), static_cast<std::size_t>(n));
  }
}

Status check_regular_file(const std::string& path) {
  TRY_ASSIGN(UniqueFd fd, open_regular(path));
  return {};
}

Result<std::string> read_file_head(const std::string& path, std::size_t n) {
  TRY_ASSIGN(UniqueFd fd, open_regular(path));
  std::string out(n, '\0');
  std::size_t done = 0;
  while (done < n) {
    ssize_t got = ::read(fd.get(), out.data() + done, n - done);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return input_error("{}: {}", path, std::strerror(errno));
    }
    if (got == 0) {
      break;
    }
    done += static_cast<std::size_t>(got);
  }
  out.resize(done);
  return out;
}

Result<std::string> read_file(const std::string& path, std::uint64_t max_size) {
  TRY_ASSIGN(UniqueFd owned, open_regular(path));
  const int fd = owned.get();
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return input_error("{}: {}", path, std::strerror(errno));
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_size) {
    return input_error("{}: file too large ({} bytes, limit {})", path, st.st_size, max_size);
  }
  std::string out;
  out.resize(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return input_error("{}: read error: {}", path, n == 0 ? "file shrank" : std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return out;
}

Status pread_exact(int fd, void* data, std::size_t size, std::uint64_t offset,
                   const std::string& path) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = ::pread(fd, p, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return input_error("{}: read failed: {}", path,
                         n < 0 ? std::strerror(errno) : "unexpected end of file");
    }
    p += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
  return {};
}

Status write_all(int fd, const void* data, std::size_t size, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return input_error("{}: write error: {}", path, std::strerror(errno));
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return {};
}

Result<TempFile> TempFile::create(const std::string& prefix) {
  std::string name = prefix + "XXXXXX";
  int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    std::size_t slash = prefix.rfind('/');
    return input_error("{}: cannot create a temp file: {}",
                       slash == std::string::npos ? "." : prefix.substr(0, slash),
                       std::strerror(errno));
  }
  ::fchmod(fd, 0644);
  return TempFile(fd, std::move(name));
}

TempFile::TempFile(TempFile&& o) noexcept
    : m_fd(std::exchange(o.m_fd, -1)), m_path(std::exchange(o.m_path, {})) {}

TempFile::~TempFile() {
  (void)close();
  unlink();
}

Status TempFile::sync_and_close() {
  if (::fsync(m_fd) != 0) {
    int err = errno;
    (void)close();
    return input_error("{}: fsync failed: {}", m_path, std::strerror(err));
  }
  return close();
}

Status TempFile::close() {
  if (m_fd < 0) {
    return {};
  }
  int rc = ::close(std::exchange(m_fd, -1));
  if (rc != 0) {
    return input_error("{}: write error: {}", m_path, std::strerror(errno));
  }
  return {};
}

Result<std::string> TempFile::keep() {
  TRY(close());
  return std::exchange(m_path, {});
}

void TempFile::unlink() {
  if (!m_path.empty()) {
    ::unlink(m_path.c_str());
    m_path.clear();
  }
}

Status TempFile::rename_to(const std::string& target) {
  if (::rename(m_path.c_str(), target.c_str()) != 0) {
    return input_error("{}: cannot rename into place: {}", target, std::strerror(errno));
  }
  m_path.clear();
  return {};
}

Status write_file_atomic(const std::string& path, std::string_view content) {
  TRY_ASSIGN(TempFile tmp, TempFile::create(path + ".tmp."));
  TRY(tmp.write(content));
  TRY(tmp.sync_and_close());
  return tmp.rename_to(path);
}

Status make_dirs(const std::string& path, unsigned mode) {
  if (path.empty()) {
    return input_error("cannot create a directory with an empty name");
  }
  // Each prefix ending before a '/', then the whole path.
  for (std::size_t end = path.find('/', 1);; end = path.find('/', end + 1)) {
    const std::string prefix = path.substr(0, end);
    if (!prefix.empty() && prefix.back() != '/' && ::mkdir(prefix.c_str(), mode) != 0 &&
        errno != EEXIST) {
      return input_error("{}: cannot create directory: {}", prefix, std::strerror(errno));
    }
    if (end == std::string::npos) {
      break;
    }
  }
  if (!is_directory(path)) {
    return input_error("{}: cannot create directory: {}", path, std::strerror(ENOTDIR));
  }
  return {};
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace strata::util
