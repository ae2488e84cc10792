#pragma once
// The headers of an executable (ELF, PE, thin Mach-O), enough to find a named section and to
// read bytes at a virtual address: what the Go build-info and cargo-auditable readers need. Only
// the file header, the program/segment headers and the section table are read; every offset,
// size and count is checked against the buffer (a malformed or truncated file is an error value,
// never a read outside it). An ELF section table that lies past the end of the buffer (a
// truncated file) is read as no sections: the program headers still map the data. Not supported:
// Mach-O universal ("fat") files (their magic is also Java's class-file magic), XCOFF and Plan 9
// a.out.
//
// Layouts read (all integers in the file's byte order; PE is little-endian):
//   ELF    e_ident[16] ... phoff/shoff, phentsize/phnum, shentsize/shnum/shstrndx (32 or 64 bit;
//          shnum/shstrndx overflow into section 0's sh_size/sh_link as the ELF spec says)
//   PE     "MZ" ... u32 at 0x3c -> "PE\0\0" COFF header (20 bytes), optional header (ImageBase),
//          section table (40 bytes each; "/N" names from the COFF string table)
//   Mach-O mach_header(_64) then load commands; LC_SEGMENT(_64) with their section(_64)s

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace strata::detect::lang {

enum class ExeFormat { none, elf, pe, macho };

// The format `head` (a file's first bytes; 4 are enough) starts with: "\x7fELF", "MZ", or one of
// the four Mach-O magics (FEEDFACE / FEEDFACF in either byte order). Cheap; no validation.
ExeFormat executable_format(std::string_view head);
inline bool looks_like_executable(std::string_view head) {
  return executable_format(head) != ExeFormat::none;
}

struct ExeSection {
  std::string name;             // ".go.buildinfo", ".dep-v0", "__go_buildinfo" (Mach-O sectname)
  std::uint64_t addr = 0;       // virtual address (PE: VirtualAddress + ImageBase)
  std::uint64_t size = 0;       // size in memory
  std::uint64_t offset = 0;     // file offset of its data
  std::uint64_t file_size = 0;  // bytes of data in the file (0: SHT_NOBITS, zero-fill)
  std::uint64_t flags = 0;      // ELF sh_flags, PE Characteristics, Mach-O flags
};

// A span of the file mapped at a virtual address: an ELF PT_LOAD, a PE section, a Mach-O segment.
struct ExeSegment {
  std::string name;  // Mach-O segname ("__DATA"), PE section name, "" for ELF
  std::uint64_t vaddr = 0;
  std::uint64_t mem_size = 0;
  std::uint64_t offset = 0;
  std::uint64_t file_size = 0;
  std::uint32_t flags = 0;      // ELF p_flags (PF_X 1, PF_W 2, PF_R 4), Mach-O initprot, PE 0
  std::uint32_t max_flags = 0;  // Mach-O maxprot, else 0
};

class Executable {
 public:
  // Reads the headers of `bytes` (which must outlive the object). Errors (input): not an
  // executable of a supported format, or headers that do not fit the buffer or make no sense.
  static util::Result<Executable> parse(std::string_view bytes);

  ExeFormat format() const { return m_format; }
  bool big_endian() const { return m_big_endian; }
  const std::vector<ExeSection>& sections() const { return m_sections; }
  const std::vector<ExeSegment>& segments() const { return m_segments; }

  // The first section named `name`, or nullptr.
  const ExeSection* section(std::string_view name) const;
  // A section's bytes in the file (empty when it has none or they lie outside the buffer).
  std::string_view data(const ExeSection& section) const;
  // Up to `size` bytes at virtual address `addr`, from the first segment whose file data holds
  // `addr` (clipped to that data and to the buffer); empty when no segment maps it.
  std::string_view read_at(std::uint64_t addr, std::uint64_t size) const;

 private:
  std::string_view m_bytes;
  ExeFormat m_format = ExeFormat::none;
  bool m_big_endian = false;
  std::vector<ExeSection> m_sections;
  std::vector<ExeSegment> m_segments;

  friend class ExeParser;
};

// Bounds on what a header may declare (a larger count is an error, not an allocation).
inline constexpr std::size_t k_max_exe_sections = 65536;
inline constexpr std::size_t k_max_exe_segments = 65536;
inline constexpr std::size_t k_max_macho_load_commands = 65536;

}  // namespace strata::detect::lang
