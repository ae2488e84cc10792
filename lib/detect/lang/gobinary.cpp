#include "detect/lang/gobinary.hpp"

#include <fmt/format.h>

#include "detect/purl.hpp"
#include "vercmp/go.hpp"

namespace strata::detect::lang {

namespace {

constexpr std::string_view k_magic = "\xff Go buildinf:";
constexpr std::uint64_t k_align = 16;
constexpr std::uint64_t k_header_size = 32;
// A malformed modinfo warns about this many lines, then counts the rest in one warning.
constexpr std::size_t k_max_line_warnings = 5;

struct Region {
  std::uint64_t addr = 0;
  std::uint64_t size = 0;
};

// debug/buildinfo's DataStart: where the blob must be.
std::optional<Region> data_start(const Executable& exe) {
  switch (exe.format()) {
    case ExeFormat::elf:
      if (const auto* s = exe.section(".go.buildinfo")) {
        return Region{s->addr, s->size};
      }
      for (const auto& seg : exe.segments()) {
        if ((seg.flags & 3u) == 2u) {  // PF_W without PF_X
          return Region{seg.vaddr, seg.mem_size};
        }
      }
      return std::nullopt;
    case ExeFormat::pe:
      for (const auto& s : exe.sections()) {
        // IMAGE_SCN_CNT_INITIALIZED_DATA | MEM_READ | MEM_WRITE, alignment bits aside.
        if (s.file_size != 0 && (s.flags & ~std::uint64_t{0x600000}) == 0xc0000040) {
          return Region{s.addr, s.size};
        }
      }
      return std::nullopt;
    case ExeFormat::macho:
      if (const auto* s = exe.section("__go_buildinfo")) {
        return Region{s->addr, s->size};
      }
      for (const auto& seg : exe.segments()) {
        if (seg.vaddr != 0 && seg.file_size != 0 && seg.flags == 3 && seg.max_flags == 3) {
          return Region{seg.vaddr, seg.mem_size};
        }
      }
      return std::nullopt;
    case ExeFormat::none:
      break;
  }
  return std::nullopt;
}

// binary.Uvarint over at most 10 bytes; false when truncated or overflowing.
bool uvarint(std::string_view in, std::uint64_t& value, std::size_t& used) {
  value = 0;
  for (std::size_t i = 0; i < in.size() && i < 10; ++i) {
    auto b = static_cast<std::uint8_t>(in[i]);
    if (i == 9 && b > 1) {
      return false;
    }
    value |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      used = i + 1;
      return true;
    }
  }
  return false;
}

// A uvarint-prefixed string at `addr`; advances `addr` past it.
util::Result<std::string> inline_string(const Executable& exe, std::uint64_t& addr,
                                        std::uint64_t max, std::string_view what) {
  std::uint64_t length = 0;
  std::size_t used = 0;
  if (!uvarint(exe.read_at(addr, 10), length, used)) {
    return util::input_error("{} length at {:#x}: not a varint", what, addr);
  }
  if (length > max) {
    return util::input_error("{} of {} bytes (more than {})", what, length, max);
  }
  std::string_view data = exe.read_at(addr + used, length);
  if (data.size() != length) {
    return util::input_error("{} at {:#x}: {} bytes, only {} in the file", what, addr + used,
                             length, data.size());
  }
  addr += used + length;
  return std::string(data);
}

std::uint64_t read_ptr(std::string_view b, int ptr_size, bool big) {
  std::uint64_t v = 0;
  for (int i = 0; i < ptr_size; ++i) {
    auto byte = static_cast<std::uint8_t>(b[static_cast<std::size_t>(i)]);
    v |= static_cast<std::uint64_t>(byte) << (big ? 8 * (ptr_size - 1 - i) : 8 * i);
  }
  return v;
}

// A Go string whose header {data, len} is at `addr` (the Go 1.13 - 1.17 layout).
util::Result<std::string> pointed_string(const Executable& exe, std::uint64_t addr, int ptr_size,
                                         bool big, std::uint64_t max, std::string_view what) {
  auto psize = static_cast<std::uint64_t>(ptr_size);
  std::string_view hdr = exe.read_at(addr, 2 * psize);
  if (hdr.size() != 2 * psize) {
    return util::input_error(
        "{} header at {:#x} is not in the file (a position-independent binary built by Go "
        "before 1.18?)",
        what, addr);
  }
  std::uint64_t data_addr = read_ptr(hdr, ptr_size, big);
  std::uint64_t length = read_ptr(hdr.substr(psize), ptr_size, big);
  if (length > max) {
    return util::input_error("{} of {} bytes (more than {})", what, length, max);
  }
  std::string_view data = exe.read_at(data_addr, length);
  if (data.size() != length) {
    return util::input_error("{} at {:#x} ({} bytes) is not in the file", what, data_addr, length);
  }
  return std::string(data);
}

std::vector<std::string_view> split_tabs(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    auto tab = s.find('\t', start);
    out.push_back(
        s.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) {
      return out;
    }
    start = tab + 1;
  }
}

bool real_version(std::string_view v) {
  return !v.empty() && v != "(devel)";
}

model::Package go_package(std::string_view name, std::string_view version,
                          std::string_view location) {
  model::Package p;
  p.name = std::string(name);
  p.version = std::string(version);
  p.type = "go";
  p.ecosystem = "Go";
  p.purl = golang_purl(name, version);
  p.location = std::string(location);
  return p;
}

// The module that was compiled in for `e` (see the header), or nullopt when it has no version.
std::optional<std::pair<std::string_view, std::string_view>> compiled(const GoModuleEntry& e) {
  std::string_view path = e.module.path;
  std::string_view version = e.module.version;
  if (e.replace && real_version(e.replace->version)) {
    path = e.replace->path;
    version = e.replace->version;
  }
  if (path.empty() || !real_version(version)) {
    return std::nullopt;
  }
  return std::make_pair(path, version);
}

}  // namespace

util::Result<std::optional<GoRawBuildInfo>> read_go_raw_build_info(std::string_view bytes) {
  auto exe = Executable::parse(bytes);
  if (!exe) {
    return std::optional<GoRawBuildInfo>();
  }
  return read_go_raw_build_info(*exe);
}

util::Result<std::optional<GoRawBuildInfo>> read_go_raw_build_info(const Executable& exe) {
  auto region = data_start(exe);
  if (!region) {
    return std::optional<GoRawBuildInfo>();
  }
  std::string_view data = exe.read_at(region->addr, region->size);
  std::size_t at = 0;
  while (true) {
    at = data.find(k_magic, at);
    if (at == std::string_view::npos || data.size() - at < k_header_size) {
      return std::optional<GoRawBuildInfo>();
    }
    if ((region->addr + at) % k_align == 0) {
      break;
    }
    ++at;
  }
  std::string_view blob = data.substr(at, k_header_size);
  const std::uint64_t blob_addr = region->addr + at;
  const int ptr_size = static_cast<std::uint8_t>(blob[14]);
  const auto flags = static_cast<std::uint8_t>(blob[15]);
  GoRawBuildInfo raw;
  std::string mod;
  if ((flags & 2) != 0) {
    std::uint64_t addr = blob_addr + k_header_size;
    auto vers = inline_string(exe, addr, k_max_go_version_length, "version string");
    if (!vers) {
      return std::move(vers).error();
    }
    auto m = inline_string(exe, addr, k_max_go_modinfo_length, "module information");
    if (!m) {
      return std::move(m).error();
    }
    raw.go_version = std::move(*vers);
    mod = std::move(*m);
  } else {
    if (ptr_size != 4 && ptr_size != 8) {
      return util::input_error("pointer size {} in the header at {:#x}", ptr_size, blob_addr);
    }
    const bool big = flags != 0;
    auto vers = pointed_string(exe, read_ptr(blob.substr(16), ptr_size, big), ptr_size, big,
                               k_max_go_version_length, "version string");
    if (!vers) {
      return std::move(vers).error();
    }
    auto m = pointed_string(
        exe, read_ptr(blob.substr(16 + static_cast<std::size_t>(ptr_size)), ptr_size, big),
        ptr_size, big, k_max_go_modinfo_length, "module information");
    // Go reads a missing module string as "not built in module mode".
    raw.go_version = std::move(*vers);
    mod = m ? std::move(*m) : std::string();
  }
  if (raw.go_version.empty()) {
    return util::input_error("empty version string in the header at {:#x}", blob_addr);
  }
  raw.modinfo = strip_go_modinfo_sentinels(mod);
  return std::optional<GoRawBuildInfo>(std::move(raw));
}

std::string strip_go_modinfo_sentinels(std::string_view mod) {
  if (mod.size() >= 33 && mod[mod.size() - 17] == '\n') {
    return std::string(mod.substr(16, mod.size() - 32));
  }
  return {};
}

GoBuildInfo parse_go_modinfo(std::string_view text, std::vector<std::string>& warnings) {
  GoBuildInfo info;
  GoModule* last = nullptr;
  std::size_t line_no = 0;
  std::size_t bad_lines = 0;
  auto bad = [&](std::string message) {
    if (++bad_lines <= k_max_line_warnings) {
      warnings.push_back(fmt::format("modinfo line {}: {}", line_no, message));
    }
  };
  auto module_line = [&](std::string_view rest, GoModule& out) {
    auto elem = split_tabs(rest);
    if (elem.size() != 2 && elem.size() != 3) {
      bad(fmt::format("expected 2 or 3 columns, got {}", elem.size()));
      return false;
    }
    out.path = std::string(elem[0]);
    out.version = std::string(elem[1]);
    out.sum = elem.size() == 3 ? std::string(elem[2]) : std::string();
    return true;
  };
  while (!text.empty()) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) {
      break;  // Go ignores an unterminated last line
    }
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    ++line_no;
    if (line.starts_with("path\t")) {
      info.path = std::string(line.substr(5));
    } else if (line.starts_with("mod\t")) {
      GoModuleEntry e;
      last = nullptr;
      if (module_line(line.substr(4), e.module)) {
        info.main = std::move(e);
        last = &info.main->module;
      }
    } else if (line.starts_with("dep\t")) {
      GoModuleEntry e;
      last = nullptr;
      if (module_line(line.substr(4), e.module)) {
        info.deps.push_back(std::move(e));
        last = &info.deps.back().module;
      }
    } else if (line.starts_with("=>\t")) {
      auto elem = split_tabs(line.substr(3));
      if (elem.size() != 3) {
        bad(fmt::format("expected 3 columns for a replacement, got {}", elem.size()));
      } else if (last == nullptr) {
        bad("replacement with no module on the line above");
      } else {
        GoModuleEntry* owner =
            info.main && last == &info.main->module ? &*info.main : &info.deps.back();
        owner->replace = GoModule{std::string(elem[0]), std::string(elem[1]), std::string(elem[2])};
      }
      last = nullptr;
    } else if (line.starts_with("build\t")) {
      std::string_view kv = line.substr(6);
      auto eq = kv.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        bad("build setting without key=value");
      } else {
        info.settings.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
      }
    }
  }
  if (bad_lines > k_max_line_warnings) {
    warnings.push_back(
        fmt::format("modinfo: {} more malformed lines", bad_lines - k_max_line_warnings));
  }
  return info;
}

std::string go_stdlib_version(std::string_view go_version) {
  std::string_view first = go_version.substr(0, go_version.find_first_of(" \t"));
  if (first.empty() || first.starts_with("devel")) {
    return {};
  }
  auto v = vercmp::go::toolchain_to_semver(first);
  return v ? std::move(*v) : std::string();
}

std::string golang_purl(std::string_view module_path, std::string_view version) {
  std::string out = "pkg:golang/";
  std::size_t start = 0;
  while (true) {
    auto slash = module_path.find('/', start);
    out += purl_encode(module_path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) {
      break;
    }
    out += '/';
    start = slash + 1;
  }
  if (!version.empty()) {
    out += '@';
    out += purl_encode(version);
  }
  return out;
}

std::vector<model::Package> go_packages(const GoBuildInfo& info, std::string_view path) {
  std::vector<model::Package> out;
  if (info.main) {
    if (auto m = compiled(*info.main)) {
      out.push_back(go_package(m->first, m->second, path));
    }
  }
  for (const auto& dep : info.deps) {
    if (auto m = compiled(dep)) {
      out.push_back(go_package(m->first, m->second, path));
    }
  }
  if (std::string v = go_stdlib_version(info.go_version); !v.empty()) {
    out.push_back(go_package("stdlib", v, path));
  }
  return out;
}

std::vector<model::Package> parse_go_binary(std::string_view bytes, std::string_view path,
                                            std::vector<std::string>& warnings) {
  auto exe = Executable::parse(bytes);
  if (!exe) {
    return {};
  }
  return parse_go_binary(*exe, path, warnings);
}

std::vector<model::Package> parse_go_binary(const Executable& exe, std::string_view path,
                                            std::vector<std::string>& warnings) {
  auto raw = read_go_raw_build_info(exe);
  if (!raw) {
    warnings.push_back(fmt::format("{}: Go build info: {}", path, raw.error().message));
    return {};
  }
  if (!*raw) {
    return {};
  }
  std::vector<std::string> line_warnings;
  GoBuildInfo info = parse_go_modinfo((*raw)->modinfo, line_warnings);
  info.go_version = std::move((*raw)->go_version);
  for (const auto& w : line_warnings) {
    warnings.push_back(fmt::format("{}: Go build info: {}", path, w));
  }
  return go_packages(info, path);
}

}  // namespace strata::detect::lang
