#include "util/file.hpp"
#include "util/fd.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

namespace strata::util {

Result<std::string> read_file_head(const std::string& path, std::size_t n) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    return input_error("{}: {}", path, std::strerror(errno));
  }
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
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return input_error("{}: {}", path, std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return input_error("{}: not a regular file", path);
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_size) {
    ::close(fd);
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
      int err = errno;
      ::close(fd);
      return input_error("{}: read error: {}", path, n == 0 ? "file shrank" : std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
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

Status make_dirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return input_error("{}: cannot create directory: {}", path, ec.message());
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
