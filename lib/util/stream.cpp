#include "util/stream.hpp"

#include <stdio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/file.hpp"

namespace strata::util {

Result<std::unique_ptr<FileInputStream>> FileInputStream::open(const std::string& path) {
  TRY_ASSIGN(UniqueFd fd, open_regular(path));
  return from_fd(std::move(fd), path);
}

Result<std::unique_ptr<FileInputStream>> FileInputStream::from_fd(UniqueFd fd,
                                                                  const std::string& path) {
  std::FILE* f = ::fdopen(fd.get(), "rb");
  if (f == nullptr) {
    return input_error("{}: {}", path, std::strerror(errno));
  }
  fd.release();  // owned by f now
  return std::unique_ptr<FileInputStream>(new FileInputStream(f, path));
}

FileInputStream::~FileInputStream() {
  std::fclose(m_file);
}

Result<std::size_t> FileInputStream::read(std::span<std::byte> buffer) {
  std::size_t want = std::min<std::uint64_t>(buffer.size(), m_remaining);
  if (want == 0) {
    return std::size_t{0};
  }
  std::size_t n = std::fread(buffer.data(), 1, want, m_file);
  if (n < want && std::ferror(m_file)) {
    return input_error("{}: read error: {}", m_path, std::strerror(errno));
  }
  if (m_remaining != UINT64_MAX) {
    m_remaining -= n;
  }
  return n;
}

Status FileInputStream::seek(std::uint64_t offset) {
  if (fseeko(m_file, static_cast<off_t>(offset), SEEK_SET) != 0) {
    return input_error("{}: seek failed: {}", m_path, std::strerror(errno));
  }
  m_remaining = UINT64_MAX;
  return {};
}

Status FileInputStream::set_window(std::uint64_t offset, std::uint64_t length) {
  TRY(seek(offset));
  m_remaining = length;
  return {};
}

Result<std::size_t> MemoryInputStream::read(std::span<std::byte> buffer) {
  std::size_t n = std::min(buffer.size(), m_data.size() - m_pos);
  std::memcpy(buffer.data(), m_data.data() + m_pos, n);
  m_pos += n;
  return n;
}

}  // namespace strata::util
