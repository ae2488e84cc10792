#include "detect/lang/executable.hpp"

#include <algorithm>

namespace strata::detect::lang {

namespace {

// Fixed-width integers at absolute offsets; a read past the end sets `bad` and yields 0.
class Bytes {
 public:
  Bytes(std::string_view data, bool big) : m_data(data), m_big(big) {}

  bool bad() const { return m_bad; }
  std::uint64_t size() const { return m_data.size(); }
  bool fits(std::uint64_t offset, std::uint64_t length) const {
    return offset <= m_data.size() && length <= m_data.size() - offset;
  }
  std::uint16_t u16(std::uint64_t off) { return static_cast<std::uint16_t>(get(off, 2)); }
  std::uint32_t u32(std::uint64_t off) { return static_cast<std::uint32_t>(get(off, 4)); }
  std::uint64_t u64(std::uint64_t off) { return get(off, 8); }
  // A NUL-padded fixed-size name field.
  std::string name(std::uint64_t off, std::size_t max) {
    if (!fits(off, max)) {
      m_bad = true;
      return {};
    }
    std::string_view s = m_data.substr(off, max);
    return std::string(s.substr(0, s.find('\0')));
  }
  // A NUL-terminated string starting at `off` and ending before `end` (or empty).
  std::string cstr(std::uint64_t off, std::uint64_t end) const {
    end = std::min<std::uint64_t>(end, m_data.size());
    if (off >= end) {
      return {};
    }
    std::string_view s = m_data.substr(off, end - off);
    auto nul = s.find('\0');
    return nul == std::string_view::npos ? std::string() : std::string(s.substr(0, nul));
  }

 private:
  std::uint64_t get(std::uint64_t off, int width) {
    if (!fits(off, static_cast<std::uint64_t>(width))) {
      m_bad = true;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < width; ++i) {
      auto b = static_cast<std::uint8_t>(m_data[off + static_cast<std::uint64_t>(i)]);
      int shift = m_big ? 8 * (width - 1 - i) : 8 * i;
      v |= static_cast<std::uint64_t>(b) << shift;
    }
    return v;
  }

  std::string_view m_data;
  bool m_big;
  bool m_bad = false;
};

util::Error bad(std::string_view format_name, std::string_view what) {
  return util::input_error("malformed {} headers: {}", format_name, what);
}

}  // namespace

// Fills an Executable; a friend so the three readers can stay free of accessors.
class ExeParser {
 public:
  explicit ExeParser(std::string_view bytes) { m_exe.m_bytes = bytes; }

  util::Result<Executable> run() {
    m_exe.m_format = executable_format(m_exe.m_bytes);
    util::Result<void> r;
    switch (m_exe.m_format) {
      case ExeFormat::elf:
        r = elf();
        break;
      case ExeFormat::pe:
        r = pe();
        break;
      case ExeFormat::macho:
        r = macho();
        break;
      case ExeFormat::none:
        return util::input_error("not an ELF, PE or Mach-O executable");
    }
    if (!r) {
      return std::move(r).error();
    }
    return std::move(m_exe);
  }

 private:
  util::Result<void> elf() {
    std::string_view b = m_exe.m_bytes;
    if (b.size() < 16) {
      return bad("ELF", "truncated identification");
    }
    const bool is64 = b[4] == 2;
    if (b[4] != 1 && b[4] != 2) {
      return bad("ELF", "unknown class");
    }
    if (b[5] != 1 && b[5] != 2) {
      return bad("ELF", "unknown data encoding");
    }
    m_exe.m_big_endian = b[5] == 2;
    Bytes in(b, m_exe.m_big_endian);
    std::uint64_t phoff = is64 ? in.u64(32) : in.u32(28);
    std::uint64_t shoff = is64 ? in.u64(40) : in.u32(32);
    std::uint64_t at = is64 ? 54 : 42;
    std::uint16_t phentsize = in.u16(at);
    std::uint64_t phnum = in.u16(at + 2);
    std::uint16_t shentsize = in.u16(at + 4);
    std::uint64_t shnum = in.u16(at + 6);
    std::uint64_t shstrndx = in.u16(at + 8);
    if (in.bad()) {
      return bad("ELF", "truncated file header");
    }
    const std::uint64_t sh_min = is64 ? 64 : 40;
    const std::uint64_t ph_min = is64 ? 56 : 32;
    // Section 0 carries the real counts when they overflow 16 bits.
    if (shoff != 0 && shentsize >= sh_min && in.fits(shoff, sh_min)) {
      if (shnum == 0) {
        shnum = is64 ? in.u64(shoff + 32) : in.u32(shoff + 20);
      }
      if (shstrndx == 0xffff) {
        shstrndx = in.u32(shoff + (is64 ? 40 : 24));
      }
      if (phnum == 0xffff) {
        phnum = in.u32(shoff + (is64 ? 44 : 28));
      }
    }
    if (phnum > 0) {
      if (phentsize < ph_min || phnum > k_max_exe_segments ||
          !in.fits(phoff, phnum * std::uint64_t{phentsize})) {
        return bad("ELF", "program headers outside the file");
      }
      for (std::uint64_t i = 0; i < phnum; ++i) {
        std::uint64_t p = phoff + i * phentsize;
        std::uint32_t type = in.u32(p);
        if (type != 1) {  // PT_LOAD
          continue;
        }
        ExeSegment s;
        if (is64) {
          s.flags = in.u32(p + 4);
          s.offset = in.u64(p + 8);
          s.vaddr = in.u64(p + 16);
          s.file_size = in.u64(p + 32);
          s.mem_size = in.u64(p + 40);
        } else {
          s.offset = in.u32(p + 4);
          s.vaddr = in.u32(p + 8);
          s.file_size = in.u32(p + 16);
          s.mem_size = in.u32(p + 20);
          s.flags = in.u32(p + 24);
        }
        m_exe.m_segments.push_back(std::move(s));
      }
    }
    // A section table that does not fit (a truncated file: it is usually at the end) is read
    // as none; the program headers still map the data.
    if (shoff != 0 && shnum > 0 && shentsize >= sh_min && shnum <= k_max_exe_sections &&
        in.fits(shoff, shnum * std::uint64_t{shentsize})) {
      std::uint64_t str_off = 0;
      std::uint64_t str_end = 0;
      if (shstrndx < shnum) {
        std::uint64_t s = shoff + shstrndx * shentsize;
        str_off = is64 ? in.u64(s + 24) : in.u32(s + 16);
        std::uint64_t str_size = is64 ? in.u64(s + 32) : in.u32(s + 20);
        if (str_off < in.size()) {
          str_end = str_off + std::min<std::uint64_t>(str_size, in.size() - str_off);
        }
      }
      for (std::uint64_t i = 0; i < shnum; ++i) {
        std::uint64_t p = shoff + i * shentsize;
        ExeSection s;
        std::uint32_t name = in.u32(p);
        std::uint32_t type = in.u32(p + 4);
        if (is64) {
          s.flags = in.u64(p + 8);
          s.addr = in.u64(p + 16);
          s.offset = in.u64(p + 24);
          s.size = in.u64(p + 32);
        } else {
          s.flags = in.u32(p + 8);
          s.addr = in.u32(p + 12);
          s.offset = in.u32(p + 16);
          s.size = in.u32(p + 20);
        }
        s.file_size = type == 8 ? 0 : s.size;  // SHT_NOBITS
        if (str_end > str_off && name < str_end - str_off) {
          s.name = in.cstr(str_off + name, str_end);
        }
        m_exe.m_sections.push_back(std::move(s));
      }
    }
    if (in.bad()) {
      return bad("ELF", "truncated headers");
    }
    return {};
  }

  util::Result<void> pe() {
    Bytes in(m_exe.m_bytes, false);
    std::uint64_t pe_off = in.u32(0x3c);
    if (in.bad() || !in.fits(pe_off, 24) ||
        m_exe.m_bytes.substr(pe_off, 4) != std::string_view("PE\0\0", 4)) {
      return bad("PE", "no PE signature");
    }
    std::uint64_t coff = pe_off + 4;
    std::uint64_t nsections = in.u16(coff + 2);
    std::uint64_t symtab = in.u32(coff + 8);
    std::uint64_t nsymbols = in.u32(coff + 12);
    std::uint64_t opt_size = in.u16(coff + 16);
    std::uint64_t opt = coff + 20;
    std::uint64_t image_base = 0;
    if (opt_size >= 2) {
      std::uint16_t magic = in.u16(opt);
      if (magic == 0x10b && opt_size >= 32) {
        image_base = in.u32(opt + 28);
      } else if (magic == 0x20b && opt_size >= 32) {
        image_base = in.u64(opt + 24);
      }
    }
    std::uint64_t table = opt + opt_size;
    if (in.bad() || !in.fits(table, nsections * 40)) {
      return bad("PE", "section table outside the file");
    }
    std::uint64_t strtab = symtab + nsymbols * 18;
    for (std::uint64_t i = 0; i < nsections; ++i) {
      std::uint64_t p = table + i * 40;
      ExeSection s;
      s.name = in.name(p, 8);
      if (s.name.size() > 1 && s.name[0] == '/' && symtab != 0) {
        // "/N": the name is at offset N of the COFF string table (after the symbol table).
        std::uint64_t n = 0;
        bool digits = true;
        for (char c : std::string_view(s.name).substr(1)) {
          digits = digits && c >= '0' && c <= '9';
          n = n * 10 + static_cast<std::uint64_t>(c - '0');
        }
        if (digits) {
          s.name = in.cstr(strtab + n, in.size());
        }
      }
      s.size = in.u32(p + 8);  // VirtualSize
      std::uint64_t rva = in.u32(p + 12);
      s.addr = rva + image_base;
      s.file_size = in.u32(p + 16);  // SizeOfRawData
      s.offset = in.u32(p + 20);     // PointerToRawData
      s.flags = in.u32(p + 36);
      ExeSegment seg;
      seg.name = s.name;
      seg.vaddr = s.addr;
      seg.mem_size = s.size;
      seg.offset = s.offset;
      seg.file_size = s.file_size;
      m_exe.m_sections.push_back(std::move(s));
      m_exe.m_segments.push_back(std::move(seg));
    }
    if (in.bad()) {
      return bad("PE", "truncated section table");
    }
    return {};
  }

  util::Result<void> macho() {
    std::string_view b = m_exe.m_bytes;
    auto magic0 = static_cast<std::uint8_t>(b[0]);
    m_exe.m_big_endian = magic0 == 0xfe;
    const bool is64 = (m_exe.m_big_endian ? static_cast<std::uint8_t>(b[3])
                                          : static_cast<std::uint8_t>(b[0])) == 0xcf;
    Bytes in(b, m_exe.m_big_endian);
    std::uint64_t ncmds = in.u32(16);
    std::uint64_t sizeofcmds = in.u32(20);
    std::uint64_t at = is64 ? 32 : 28;
    if (in.bad() || ncmds > k_max_macho_load_commands || !in.fits(at, sizeofcmds)) {
      return bad("Mach-O", "load commands outside the file");
    }
    const std::uint64_t end = at + sizeofcmds;
    for (std::uint64_t i = 0; i < ncmds; ++i) {
      if (!in.fits(at, 8) || at + 8 > end) {
        return bad("Mach-O", "truncated load command");
      }
      std::uint32_t cmd = in.u32(at);
      std::uint64_t cmdsize = in.u32(at + 4);
      if (cmdsize < 8 || cmdsize > end - at) {
        return bad("Mach-O", "load command size out of range");
      }
      const bool seg64 = cmd == 0x19;  // LC_SEGMENT_64
      if (cmd == 0x1 || seg64) {       // LC_SEGMENT
        const std::uint64_t hdr = seg64 ? 72 : 56;
        const std::uint64_t sect = seg64 ? 80 : 68;
        if (cmdsize < hdr) {
          return bad("Mach-O", "segment command too short");
        }
        ExeSegment s;
        s.name = in.name(at + 8, 16);
        std::uint64_t nsects = 0;
        if (seg64) {
          s.vaddr = in.u64(at + 24);
          s.mem_size = in.u64(at + 32);
          s.offset = in.u64(at + 40);
          s.file_size = in.u64(at + 48);
          s.max_flags = in.u32(at + 56);
          s.flags = in.u32(at + 60);
          nsects = in.u32(at + 64);
        } else {
          s.vaddr = in.u32(at + 24);
          s.mem_size = in.u32(at + 28);
          s.offset = in.u32(at + 32);
          s.file_size = in.u32(at + 36);
          s.max_flags = in.u32(at + 40);
          s.flags = in.u32(at + 44);
          nsects = in.u32(at + 48);
        }
        if (nsects > (cmdsize - hdr) / sect ||
            m_exe.m_sections.size() + nsects > k_max_exe_sections) {
          return bad("Mach-O", "more sections than the segment command holds");
        }
        for (std::uint64_t j = 0; j < nsects; ++j) {
          std::uint64_t p = at + hdr + j * sect;
          ExeSection x;
          x.name = in.name(p, 16);
          std::uint32_t flags = 0;
          if (seg64) {
            x.addr = in.u64(p + 32);
            x.size = in.u64(p + 40);
            x.offset = in.u32(p + 48);
            flags = in.u32(p + 64);
          } else {
            x.addr = in.u32(p + 32);
            x.size = in.u32(p + 36);
            x.offset = in.u32(p + 40);
            flags = in.u32(p + 56);
          }
          x.flags = flags;
          std::uint32_t type =
              flags & 0xff;  // S_ZEROFILL 1, S_GB_ZEROFILL 12, S_THREAD_LOCAL_ZEROFILL 18
          x.file_size = (type == 1 || type == 12 || type == 18) ? 0 : x.size;
          m_exe.m_sections.push_back(std::move(x));
        }
        if (s.name != "__PAGEZERO") {
          if (m_exe.m_segments.size() >= k_max_exe_segments) {
            return bad("Mach-O", "too many segments");
          }
          m_exe.m_segments.push_back(std::move(s));
        }
      }
      at += cmdsize;
    }
    if (in.bad()) {
      return bad("Mach-O", "truncated load commands");
    }
    return {};
  }

  Executable m_exe;
};

ExeFormat executable_format(std::string_view head) {
  if (head.size() >= 4 && head.substr(0, 4) ==
                              "\x7f"
                              "ELF") {
    return ExeFormat::elf;
  }
  if (head.size() >= 2 && head.substr(0, 2) == "MZ") {
    return ExeFormat::pe;
  }
  if (head.size() >= 4) {
    std::string_view m = head.substr(0, 4);
    if (m == "\xfe\xed\xfa\xce" || m == "\xfe\xed\xfa\xcf" || m == "\xce\xfa\xed\xfe" ||
        m == "\xcf\xfa\xed\xfe") {
      return ExeFormat::macho;
    }
  }
  return ExeFormat::none;
}

util::Result<Executable> Executable::parse(std::string_view bytes) {
  return ExeParser(bytes).run();
}

const ExeSection* Executable::section(std::string_view name) const {
  for (const auto& s : m_sections) {
    if (s.name == name) {
      return &s;
    }
  }
  return nullptr;
}

std::string_view Executable::data(const ExeSection& s) const {
  if (s.offset >= m_bytes.size()) {
    return {};
  }
  return m_bytes.substr(s.offset, std::min<std::uint64_t>(s.file_size, m_bytes.size() - s.offset));
}

std::string_view Executable::read_at(std::uint64_t addr, std::uint64_t size) const {
  for (const auto& s : m_segments) {
    if (s.file_size == 0 || addr < s.vaddr || addr - s.vaddr >= s.file_size) {
      continue;
    }
    std::uint64_t rel = addr - s.vaddr;
    std::uint64_t n = std::min(size, s.file_size - rel);
    if (s.offset > m_bytes.size() || rel > m_bytes.size() - s.offset) {
      return {};
    }
    std::uint64_t off = s.offset + rel;
    return m_bytes.substr(off, std::min<std::uint64_t>(n, m_bytes.size() - off));
  }
  return {};
}

}  // namespace strata::detect::lang
