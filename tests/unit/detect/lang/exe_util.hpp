#pragma once
// Helpers for the executable-reading tests (Go build info, cargo-auditable): zstd-compressed
// fixtures, exact-size buffers (so AddressSanitizer sees a read one byte past the end), a
// minimal ELF writer, and (name, version) multisets.

#include <zstd.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/types.hpp"

namespace strata::detect::test {

// The content of a zstd frame (the fixtures are stored compressed to keep the repository small).
inline std::string unzstd(const std::string& compressed) {
  auto size = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1u << 30)) {
    throw std::runtime_error("not a zstd frame with a known size");
  }
  std::string out(size, '\0');
  std::size_t n = ZSTD_decompress(out.data(), out.size(), compressed.data(), compressed.size());
  if (ZSTD_isError(n) || n != size) {
    throw std::runtime_error("zstd decompression failed");
  }
  return out;
}

// A heap block of exactly `n` bytes (std::string keeps spare capacity and a NUL after the end).
class ExactBuffer {
 public:
  explicit ExactBuffer(std::string_view bytes)
      : m_data(new char[bytes.empty() ? 1 : bytes.size()]), m_size(bytes.size()) {
    if (!bytes.empty()) {
      std::memcpy(m_data.get(), bytes.data(), bytes.size());
    }
  }
  std::string_view view() const { return {m_data.get(), m_size}; }
  char* data() { return m_data.get(); }
  std::size_t size() const { return m_size; }

 private:
  std::unique_ptr<char[]> m_data;
  std::size_t m_size;
};

using NameVersions = std::multiset<std::pair<std::string, std::string>>;

inline NameVersions name_versions(const std::vector<model::Package>& pkgs) {
  NameVersions out;
  for (const auto& p : pkgs) {
    out.emplace(p.name, p.version);
  }
  return out;
}

// Integers in a chosen byte order, appended or written in place.
struct Endian {
  bool big = false;
  void put(std::string& out, std::uint64_t v, int width) const {
    for (int i = 0; i < width; ++i) {
      int shift = big ? 8 * (width - 1 - i) : 8 * i;
      out.push_back(static_cast<char>((v >> shift) & 0xff));
    }
  }
  void set(std::string& out, std::size_t at, std::uint64_t v, int width) const {
    for (int i = 0; i < width; ++i) {
      int shift = big ? 8 * (width - 1 - i) : 8 * i;
      out[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> shift) & 0xff);
    }
  }
};

// A minimal ELF executable: one read-write PT_LOAD holding `data` at vaddr k_data_vaddr (file
// offset k_data_offset), and optionally a section table naming ranges of `data`.
struct ElfSpec {
  static constexpr std::uint64_t k_data_vaddr = 0x500000;
  static constexpr std::uint64_t k_data_offset = 0x1000;

  bool is64 = true;
  bool big = false;
  bool section_table = true;
  std::string data;
  struct Section {
    std::string name;
    std::uint64_t offset = 0;  // within data
    std::uint64_t size = 0;
  };
  std::vector<Section> sections;

  std::string build() const {
    Endian e{big};
    const int w = is64 ? 8 : 4;
    const std::uint64_t ehsize = is64 ? 64 : 52;
    const std::uint64_t phentsize = is64 ? 56 : 32;
    const std::uint64_t shentsize = is64 ? 64 : 40;
    std::string out;
    out +=
        "\x7f"
        "ELF";
    out.push_back(is64 ? 2 : 1);
    out.push_back(big ? 2 : 1);
    out.push_back(1);
    out.resize(16, '\0');
    e.put(out, 2, 2);       // ET_EXEC
    e.put(out, 62, 2);      // EM_X86_64
    e.put(out, 1, 4);       // EV_CURRENT
    e.put(out, 0, w);       // entry
    e.put(out, ehsize, w);  // phoff
    std::size_t shoff_at = out.size();
    e.put(out, 0, w);  // shoff, patched below
    e.put(out, 0, 4);  // flags
    e.put(out, ehsize, 2);
    e.put(out, phentsize, 2);
    e.put(out, 1, 2);  // phnum
    e.put(out, shentsize, 2);
    std::size_t shnum_at = out.size();
    e.put(out, 0, 2);  // shnum, patched
    e.put(out, 0, 2);  // shstrndx, patched
    // PT_LOAD, read-write.
    if (is64) {
      e.put(out, 1, 4);
      e.put(out, 6, 4);
      e.put(out, k_data_offset, 8);
      e.put(out, k_data_vaddr, 8);
      e.put(out, k_data_vaddr, 8);
      e.put(out, data.size(), 8);
      e.put(out, data.size(), 8);
      e.put(out, 0x1000, 8);
    } else {
      e.put(out, 1, 4);
      e.put(out, k_data_offset, 4);
      e.put(out, k_data_vaddr, 4);
      e.put(out, k_data_vaddr, 4);
      e.put(out, data.size(), 4);
      e.put(out, data.size(), 4);
      e.put(out, 6, 4);
      e.put(out, 0x1000, 4);
    }
    out.resize(k_data_offset, '\0');
    out += data;
    if (!section_table) {
      return out;
    }
    std::string shstrtab(1, '\0');
    std::vector<std::uint64_t> names;
    for (const auto& s : sections) {
      names.push_back(shstrtab.size());
      shstrtab += s.name;
      shstrtab.push_back('\0');
    }
    std::uint64_t shstrtab_name = shstrtab.size();
    shstrtab += ".shstrtab";
    shstrtab.push_back('\0');
    std::uint64_t shstrtab_offset = out.size();
    out += shstrtab;
    out.resize((out.size() + 7) / 8 * 8, '\0');
    std::uint64_t shoff = out.size();
    auto shdr = [&](std::uint64_t name, std::uint32_t type, std::uint64_t flags, std::uint64_t addr,
                    std::uint64_t offset, std::uint64_t size) {
      e.put(out, name, 4);
      e.put(out, type, 4);
      e.put(out, flags, w);
      e.put(out, addr, w);
      e.put(out, offset, w);
      e.put(out, size, w);
      e.put(out, 0, 4);
      e.put(out, 0, 4);
      e.put(out, 1, w);
      e.put(out, 0, w);
    };
    shdr(0, 0, 0, 0, 0, 0);
    for (std::size_t i = 0; i < sections.size(); ++i) {
      const auto& s = sections[i];
      shdr(names[i], 1, 3, k_data_vaddr + s.offset, k_data_offset + s.offset, s.size);
    }
    shdr(shstrtab_name, 3, 0, 0, shstrtab_offset, shstrtab.size() - 0);
    std::uint64_t shnum = sections.size() + 2;
    e.set(out, shoff_at, shoff, w);
    e.set(out, shnum_at, shnum, 2);
    e.set(out, shnum_at + 2, shnum - 1, 2);
    return out;
  }
};

}  // namespace strata::detect::test
