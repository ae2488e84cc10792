#include "detect/lang/gobinary_stream.hpp"

#include <fmt/format.h>

namespace strata::detect::lang {

namespace {

constexpr std::string_view k_magic = "\xff Go buildinf:";
constexpr std::size_t k_align = 16;
constexpr std::size_t k_header = 32;

enum class Header { none, inline_format, pointer_format };

Header header_kind(std::string_view h) {
  if (h.substr(0, k_magic.size()) != k_magic) {
    return Header::none;
  }
  auto ptr_size = static_cast<std::uint8_t>(h[14]);
  auto flags = static_cast<std::uint8_t>(h[15]);
  if (ptr_size != 4 && ptr_size != 8) {
    return Header::none;
  }
  if ((flags & 2) == 0) {
    return flags <= 1 ? Header::pointer_format : Header::none;
  }
  if (flags > 3 || h.substr(16, 16).find_first_not_of('\0') != std::string_view::npos) {
    return Header::none;
  }
  return Header::inline_format;
}

enum class Take { done, more, bad };

// A uvarint-prefixed string at `pos` of `in`, at most `max` bytes long.
Take take_string(std::string_view in, std::size_t& pos, std::uint64_t max, std::string_view& out) {
  std::uint64_t length = 0;
  std::size_t i = 0;
  for (;; ++i) {
    if (i == 10) {
      return Take::bad;
    }
    if (pos + i >= in.size()) {
      return Take::more;
    }
    auto b = static_cast<std::uint8_t>(in[pos + i]);
    length |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      break;
    }
  }
  if (length > max) {
    return Take::bad;
  }
  std::size_t start = pos + i + 1;
  if (in.size() - start < length) {
    return Take::more;
  }
  out = in.substr(start, length);
  pos = start + length;
  return Take::done;
}

}  // namespace

void GoBuildInfoScanner::feed(std::string_view chunk) {
  if (done() || chunk.empty()) {
    return;
  }
  if (m_head.size() < 4) {
    m_head.append(chunk.substr(0, 4 - m_head.size()));
    if (m_head.size() == 4 && !looks_like_executable(m_head)) {
      m_state = State::not_executable;
      m_buf.clear();
      return;
    }
  }
  m_buf.append(chunk);
  process();
}

void GoBuildInfoScanner::process() {
  while (!done()) {
    if (m_state == State::capturing) {
      // m_buf starts with the header.
      std::size_t pos = k_header;
      std::string_view vers, mod;
      Take t = take_string(m_buf, pos, k_max_go_version_length, vers);
      if (t == Take::done && !vers.starts_with("go") && !vers.starts_with("devel")) {
        t = Take::bad;
      }
      if (t == Take::done) {
        t = take_string(m_buf, pos, k_max_go_modinfo_length, mod);
      }
      if (t == Take::more) {
        return;
      }
      if (t == Take::done) {
        m_raw = GoRawBuildInfo{std::string(vers), strip_go_modinfo_sentinels(mod)};
        m_state = State::found;
        m_buf.clear();
        return;
      }
      // Not a blob after all: scan on from the next byte.
      m_state = State::scanning;
      m_pos = 1;
      continue;
    }
    std::size_t at = m_buf.find(k_magic, m_pos);
    if (at != std::string::npos && (m_offset + at) % k_align != 0) {
      m_pos = at + 1;
      continue;
    }
    if (at != std::string::npos && m_buf.size() - at >= k_header) {
      switch (header_kind(std::string_view(m_buf).substr(at, k_header))) {
        case Header::inline_format:
          m_buf.erase(0, at);
          m_offset += at;
          m_state = State::capturing;
          continue;
        case Header::pointer_format:
          m_state = State::pointer_format;
          m_buf.clear();
          return;
        case Header::none:
          m_pos = at + 1;
          continue;
      }
    }
    // Keep the bytes from the first aligned offset whose header is not all here yet.
    std::size_t keep = m_buf.size() >= k_header - 1 ? m_buf.size() - (k_header - 1) : 0;
    keep = std::min((keep + k_align - 1) / k_align * k_align, m_buf.size());
    keep -= (m_offset + keep) % k_align;  // m_offset is aligned; this keeps keep aligned too
    m_buf.erase(0, keep);
    m_offset += keep;
    m_pos = 0;
    return;
  }
}

std::vector<model::Package> GoBuildInfoScanner::packages(std::string_view path,
                                                         std::vector<std::string>& warnings) const {
  if (m_state == State::capturing) {
    warnings.push_back(
        fmt::format("{}: Go build info: the blob at offset {} is cut short by the end of the file",
                    path, m_offset));
    return {};
  }
  if (!m_raw) {
    return {};
  }
  std::vector<std::string> line_warnings;
  GoBuildInfo info = parse_go_modinfo(m_raw->modinfo, line_warnings);
  info.go_version = m_raw->go_version;
  for (const auto& w : line_warnings) {
    warnings.push_back(fmt::format("{}: Go build info: {}", path, w));
  }
  return go_packages(info, path);
}

}  // namespace strata::detect::lang
