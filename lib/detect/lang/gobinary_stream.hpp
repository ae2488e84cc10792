#pragma once
// A streaming variant of the Go build-info reader (gobinary.hpp), for a caller that reads a file
// once, in order, and would rather not keep it: feed the bytes, stop when done().
//
// How: a Go >= 1.18 blob holds its strings inline, right after its 32-byte header, so it can be
// read without the executable's headers. The blob is 16-byte aligned by virtual address, and
// ELF (p_offset = p_vaddr modulo the page size), PE (raw data and virtual addresses are
// multiples of the 512-byte file alignment) and Mach-O (page-aligned segments) map file
// offsets and addresses alike modulo 16, so only 16-byte aligned FILE offsets are checked. A
// header is taken when it reads: magic, pointer size 4 or 8, flags 2 or 3, 16 zero bytes; its
// two strings are then captured (bounded by k_max_go_version_length and
// k_max_go_modinfo_length) and the version must start with "go" or "devel". A candidate that
// fails (the magic as a string constant inside a program that reads build info, like the go
// command itself) is dropped and the scan goes on after it. Memory: at most 31 carried bytes
// while scanning, the blob's size while capturing.
//
// What it cannot do: the Go 1.13 - 1.17 header holds pointers that need the executable's
// segment table to resolve (state pointer_format); the caller then reads the whole file with
// parse_go_binary. Unlike parse_go_binary it does not check that the blob lies in the data
// section (the first valid aligned blob in the file wins). On every Go >= 1.18 fixture and
// build strata has, both give the same packages (tests/unit/detect/lang/gobinary_stream_test).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detect/lang/gobinary.hpp"
#include "model/types.hpp"

namespace strata::detect::lang {

class GoBuildInfoScanner {
 public:
  enum class State {
    scanning,        // looking for the blob
    capturing,       // a header was found; reading its strings
    found,           // the build info was read: raw() and packages()
    pointer_format,  // a Go 1.13 - 1.17 blob: use parse_go_binary on the whole file
    not_executable,  // the first bytes are no ELF, PE or Mach-O magic
  };

  // The next bytes of the file. Ignored once done().
  void feed(std::string_view chunk);
  State state() const { return m_state; }
  // Nothing more to learn from the rest of the file.
  bool done() const { return m_state != State::scanning && m_state != State::capturing; }
  // The build info, in state found.
  const std::optional<GoRawBuildInfo>& raw() const { return m_raw; }
  // At the end of the file: the packages (see gobinary.hpp) when found, else nothing. A blob
  // whose strings the file ends inside warns "<path>: Go build info: ... cut short".
  std::vector<model::Package> packages(std::string_view path,
                                       std::vector<std::string>& warnings) const;

 private:
  // Scans and captures over m_buf until it needs more bytes or is done.
  void process();

  State m_state = State::scanning;
  std::string m_head;          // the first bytes, until the magic can be checked
  std::uint64_t m_offset = 0;  // file offset of m_buf's first byte (16-byte aligned)
  std::string m_buf;           // the bytes kept: a tail while scanning, the blob while capturing
  std::size_t m_pos = 0;       // where the scan resumes in m_buf
  std::optional<GoRawBuildInfo> m_raw;
};

}  // namespace strata::detect::lang
