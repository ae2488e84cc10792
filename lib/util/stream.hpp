#pragma once
// Byte streams: the layer reader, archive readers and (later) HTTP bodies all meet here, so
// nothing above `util` needs to know whether bytes come from a file, a socket or memory.

#include <cstddef>
#include <cstdio>
#include <memory>
#include <span>
#include <string>

#include "util/fd.hpp"
#include "util/result.hpp"

namespace strata::util {

class InputStream {
 public:
  virtual ~InputStream() = default;
  // Reads up to buffer.size() bytes; returns 0 only at end of stream. Errors are input/network.
  virtual Result<std::size_t> read(std::span<std::byte> buffer) = 0;
  // A name for error messages ("blobs/sha256/ab12..", "https://reg/v2/...").
  virtual std::string name() const = 0;
};

// A file opened for reading; `open` fails with an input error naming the path.
class FileInputStream final : public InputStream {
 public:
  // Only a regular file is opened (util::open_regular: a FIFO or device is refused, never
  // waited on).
  static Result<std::unique_ptr<FileInputStream>> open(const std::string& path);
  // Reads the descriptor `fd` (taken over); `path` names it in errors.
  static Result<std::unique_ptr<FileInputStream>> from_fd(UniqueFd fd, const std::string& path);
  ~FileInputStream() override;
  Result<std::size_t> read(std::span<std::byte> buffer) override;
  std::string name() const override { return m_path; }
  // Repositions the stream (used by archive readers that index an uncompressed tar first).
  Status seek(std::uint64_t offset);
  // Limits reads to [offset, offset+length) of the file: used to read one member of a tar.
  Status set_window(std::uint64_t offset, std::uint64_t length);

 private:
  FileInputStream(std::FILE* file, std::string path) : m_file(file), m_path(std::move(path)) {}
  std::FILE* m_file;
  std::string m_path;
  std::uint64_t m_remaining = UINT64_MAX;
};

// Reads from a memory buffer it does not own.
class MemoryInputStream final : public InputStream {
 public:
  MemoryInputStream(std::span<const std::byte> data, std::string name)
      : m_data(data), m_name(std::move(name)) {}
  Result<std::size_t> read(std::span<std::byte> buffer) override;
  std::string name() const override { return m_name; }

 private:
  std::span<const std::byte> m_data;
  std::size_t m_pos = 0;
  std::string m_name;
};

}  // namespace strata::util
