#pragma once
// The primitive binary encodings of strata's on-disk formats (the vulnerability database,
// vulndb/format.hpp; the layer cache records, cache/record.hpp): LEB128 varints, fixed
// little-endian integers, raw bytes and length-prefixed strings (varint or u32 length). The
// reader is bounds-checked: reading past the end never touches memory outside the span; it sets
// a sticky `failed` flag and returns zero / empty values, and the caller reports a corrupt
// block or record once at the end.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace strata::util::codec {

class Writer {
 public:
  explicit Writer(std::string& out) : m_out(out) {}

  void u8(std::uint8_t v) { m_out.push_back(static_cast<char>(v)); }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      m_out.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    m_out.push_back(static_cast<char>(v));
  }
  void u32le(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) {
      m_out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }
  }
  void u64le(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      m_out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }
  }
  void raw(std::string_view s) { m_out.append(s); }
  // A string with a varint length.
  void str(std::string_view s) {
    varint(s.size());
    m_out.append(s);
  }
  // A string with a u32le length.
  void str32(std::string_view s) {
    u32le(static_cast<std::uint32_t>(s.size()));
    m_out.append(s);
  }
  void strs(const std::vector<std::string>& list) {
    varint(list.size());
    for (const auto& s : list) {
      str(s);
    }
  }

 private:
  std::string& m_out;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : m_in(in) {}

  bool failed() const { return m_failed; }
  bool at_end() const { return m_pos >= m_in.size(); }
  std::size_t pos() const { return m_pos; }
  std::size_t remaining() const { return m_in.size() - std::min(m_pos, m_in.size()); }

  std::uint8_t u8() {
    if (!need(1)) {
      return 0;
    }
    return static_cast<std::uint8_t>(m_in[m_pos++]);
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!need(1)) {
        return 0;
      }
      auto b = static_cast<std::uint8_t>(m_in[m_pos++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    m_failed = true;  // more than 10 bytes: not a varint we wrote
    return 0;
  }
  std::uint32_t u32le() { return static_cast<std::uint32_t>(fixed(4)); }
  std::uint64_t u64le() { return fixed(8); }
  // A string with a varint length.
  std::string_view str() { return raw(varint()); }
  // A string with a u32le length.
  std::string_view str32() { return raw(u32le()); }
  // The next `n` bytes.
  std::string_view raw(std::uint64_t n) {
    if (!need(n)) {
      return {};
    }
    std::string_view s = m_in.substr(m_pos, n);
    m_pos += n;
    return s;
  }
  std::vector<std::string> strs() {
    std::vector<std::string> out;
    std::uint64_t n = varint();
    // Every string takes at least one byte: a count larger than what is left is corrupt (and
    // must not drive a huge reserve()).
    if (n > remaining()) {
      m_failed = true;
      return out;
    }
    out.reserve(n);
    for (std::uint64_t i = 0; i < n && !m_failed; ++i) {
      out.emplace_back(str());
    }
    return out;
  }
  // A varint count of items of at least `min_size` bytes each; 0 (and failed) when it cannot be.
  std::uint64_t count(std::size_t min_size = 1) { return bounded(varint(), min_size); }
  // The same with a u32le or u64le count.
  std::uint64_t count32(std::size_t min_size = 1) { return bounded(u32le(), min_size); }
  std::uint64_t count64(std::size_t min_size = 1) { return bounded(u64le(), min_size); }
  void skip(std::uint64_t n) {
    if (need(n)) {
      m_pos += n;
    }
  }

 private:
  std::uint64_t bounded(std::uint64_t n, std::size_t min_size) {
    if (n > remaining() / std::max<std::size_t>(min_size, 1)) {
      m_failed = true;
      return 0;
    }
    return n;
  }
  bool need(std::uint64_t n) {
    if (m_failed || n > remaining()) {
      m_failed = true;
      return false;
    }
    return true;
  }
  std::uint64_t fixed(int bytes) {
    if (!need(static_cast<std::uint64_t>(bytes))) {
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
      v |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(m_in[m_pos + i])) << (8 * i);
    }
    m_pos += static_cast<std::size_t>(bytes);
    return v;
  }

  std::string_view m_in;
  std::size_t m_pos = 0;
  bool m_failed = false;
};

}  // namespace strata::util::codec
