#include "source/tar_index.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <string_view>

#include "util/file.hpp"

namespace strata::source {

namespace {

constexpr std::size_t k_block = 512;
// Pax and GNU long-name data larger than this is not something an image tool writes.
constexpr std::uint64_t k_max_meta = 1u << 20;

using Block = std::array<unsigned char, k_block>;

std::string_view field(const Block& b, std::size_t at, std::size_t len) {
  const char* p = reinterpret_cast<const char*>(b.data()) + at;
  return {p, strnlen(p, len)};
}

// An octal field (spaces and NULs around the digits), or GNU's base-256 form.
std::optional<std::uint64_t> number(const Block& b, std::size_t at, std::size_t len) {
  if ((b[at] & 0x80) != 0) {
    if ((b[at] & 0x40) != 0) {
      return std::nullopt;  // negative
    }
    std::uint64_t v = b[at] & 0x3f;
    for (std::size_t i = at + 1; i < at + len; ++i) {
      if (v > (UINT64_MAX >> 8)) {
        return std::nullopt;
      }
      v = (v << 8) | b[i];
    }
    return v;
  }
  std::size_t i = at, end = at + len;
  while (i < end && (b[i] == ' ' || b[i] == '\0')) {
    ++i;
  }
  std::uint64_t v = 0;
  bool digits = false;
  for (; i < end && b[i] >= '0' && b[i] <= '7'; ++i) {
    if (v > (UINT64_MAX >> 3)) {
      return std::nullopt;
    }
    v = (v << 3) | static_cast<std::uint64_t>(b[i] - '0');
    digits = true;
  }
  for (; i < end; ++i) {
    if (b[i] != ' ' && b[i] != '\0') {
      return std::nullopt;
    }
  }
  return digits ? std::optional(v) : std::optional<std::uint64_t>(0);
}

bool checksum_ok(const Block& b) {
  auto stored = number(b, 148, 8);
  if (!stored) {
    return false;
  }
  std::uint64_t unsigned_sum = 0;
  std::int64_t signed_sum = 0;
  for (std::size_t i = 0; i < k_block; ++i) {
    unsigned char c = (i >= 148 && i < 156) ? ' ' : b[i];
    unsigned_sum += c;
    signed_sum += static_cast<signed char>(c);
  }
  return *stored == unsigned_sum || static_cast<std::int64_t>(*stored) == signed_sum;
}

bool all_zero(const Block& b) {
  return std::all_of(b.begin(), b.end(), [](unsigned char c) { return c == 0; });
}

struct Pax {
  std::optional<std::string> path, linkpath;
  std::optional<std::uint64_t> size;
  bool unsupported = false;  // sparse files and the like
};

// "<len> <key>=<value>\n" records; false when malformed.
bool parse_pax(std::string_view data, Pax& pax) {
  while (!data.empty()) {
    if (data.front() == '\0') {
      break;  // padding some writers leave
    }
    std::size_t len = 0;
    auto [p, ec] = std::from_chars(data.data(), data.data() + data.size(), len);
    if (ec != std::errc() || *p != ' ' || len > data.size() || len < 4) {
      return false;
    }
    std::string_view record = data.substr(0, len);
    data.remove_prefix(len);
    if (record.back() != '\n') {
      return false;
    }
    record.remove_prefix(static_cast<std::size_t>(p - record.data()) + 1);
    record.remove_suffix(1);
    auto eq = record.find('=');
    if (eq == std::string_view::npos) {
      return false;
    }
    std::string_view key = record.substr(0, eq), value = record.substr(eq + 1);
    if (key == "path") {
      pax.path = std::string(value);
    } else if (key == "linkpath") {
      pax.linkpath = std::string(value);
    } else if (key == "size") {
      std::uint64_t v = 0;
      auto [q, ec2] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec2 != std::errc() || q != value.data() + value.size()) {
        return false;
      }
      pax.size = v;
    } else if (key.starts_with("GNU.sparse")) {
      pax.unsupported = true;
    }
  }
  return true;
}

}  // namespace

util::Result<std::optional<std::vector<TarMember>>> index_tar(int fd, std::uint64_t file_size,
                                                              const std::string& path) {
  using Out = std::optional<std::vector<TarMember>>;
  std::vector<TarMember> members;
  std::uint64_t pos = 0;
  Pax pax;
  std::optional<std::string> long_name, long_link;
  Block b;
  while (pos + k_block <= file_size) {
    TRY(util::pread_exact(fd, b.data(), k_block, pos, path));
    if (all_zero(b)) {
      return Out(std::move(members));  // the end-of-archive blocks
    }
    if (!checksum_ok(b)) {
      return Out();
    }
    auto size = number(b, 124, 12);
    if (!size) {
      return Out();
    }
    const std::uint64_t data = pos + k_block;
    const std::uint64_t declared = pax.size.value_or(*size);
    if (declared > file_size - data) {
      return Out();  // runs past the end: truncated (libarchive words it)
    }
    const std::uint64_t padded = (declared + k_block - 1) / k_block * k_block;
    const std::uint64_t next = std::min(file_size, data + padded);
    const char type = static_cast<char>(b[156]);
    if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
      if (declared > k_max_meta) {
        return Out();
      }
      std::string meta(declared, '\0');
      TRY(util::pread_exact(fd, meta.data(), meta.size(), data, path));
      if (type == 'x' && (!parse_pax(meta, pax) || pax.unsupported)) {
        return Out();
      }
      if (type == 'L' || type == 'K') {
        meta.resize(strnlen(meta.data(), meta.size()));
        (type == 'L' ? long_name : long_link) = std::move(meta);
      }
      pos = next;
      continue;
    }
    TarMember m;
    const std::string_view magic = field(b, 257, 6);
    std::string name(field(b, 0, 100));
    if (magic == "ustar" && b[262] == '\0') {  // POSIX ustar: a prefix field
      std::string_view prefix = field(b, 345, 155);
      if (!prefix.empty()) {
        name = std::string(prefix) + "/" + name;
      }
    }
    m.name = pax.path ? *pax.path : long_name ? *long_name : name;
    std::string link(field(b, 157, 100));
    m.link = pax.linkpath ? *pax.linkpath : long_link ? *long_link : link;
    m.offset = data;
    m.size = declared;
    switch (type) {
      case '0':
      case '\0':
      case '7':
        m.type = TarMember::Type::regular;
        break;
      case '1':
        m.type = TarMember::Type::hardlink;
        break;
      case '2':
        m.type = TarMember::Type::symlink;
        break;
      case '5':
        m.type = TarMember::Type::directory;
        break;
      case '3':
      case '4':
      case '6':
        m.type = TarMember::Type::other;
        break;
      default:
        return Out();  // sparse, multi-volume, dump directories...: libarchive's job
    }
    if (m.type != TarMember::Type::regular && declared != 0) {
      return Out();  // data behind a link or a directory: leave it to libarchive
    }
    members.push_back(std::move(m));
    pax = Pax();
    long_name.reset();
    long_link.reset();
    pos = next;
  }
  if (pos != file_size) {
    return Out();  // a partial block at the end
  }
  return Out(std::move(members));  // ends without its footer, at a header boundary
}

}  // namespace strata::source
