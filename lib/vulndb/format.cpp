#include "vulndb/format.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <utility>

#include "util/hash.hpp"

namespace strata::vulndb {

namespace {

// The codes of `body`'s severity:u8 and `event`'s kind:u8, one table each for both directions.
constexpr std::array<std::pair<model::Severity, std::uint8_t>, 5> k_severity_codes{{
    {model::Severity::unknown, 0},
    {model::Severity::low, 1},
    {model::Severity::medium, 2},
    {model::Severity::high, 3},
    {model::Severity::critical, 4},
}};
constexpr std::array<vercmp::OsvEvent::Kind, 4> k_event_kinds{
    vercmp::OsvEvent::Kind::introduced,
    vercmp::OsvEvent::Kind::fixed,
    vercmp::OsvEvent::Kind::last_affected,
    vercmp::OsvEvent::Kind::limit,
};

std::uint8_t severity_code(model::Severity s) {
  for (const auto& [severity, code] : k_severity_codes) {
    if (severity == s) {
      return code;
    }
  }
  return 0;
}

std::uint8_t event_code(vercmp::OsvEvent::Kind k) {
  for (std::size_t i = 0; i < k_event_kinds.size(); ++i) {
    if (k_event_kinds[i] == k) {
      return static_cast<std::uint8_t>(i);
    }
  }
  return 0;
}

}  // namespace

std::string encode_header(const DbHeader& h) {
  std::string out;
  util::codec::Writer w(out);
  out.append(k_db_magic);
  w.u32le(h.version);
  w.u32le(static_cast<std::uint32_t>(k_header_size));
  for (std::uint64_t v :
       {h.fences_offset, h.fences_size, h.fences_xxh3, h.body_table_offset, h.body_count,
        h.body_table_xxh3, h.meta_offset, h.meta_size, h.meta_xxh3, h.file_size}) {
    w.u64le(v);
  }
  w.u64le(util::xxh3_64(out));
  return out;
}

util::Result<DbHeader> decode_header(std::string_view bytes, const std::string& path) {
  if (bytes.starts_with(std::string_view("SQLite format 3\0", 16))) {
    return util::input_error(
        "{}: a database in an older strata format (1); this strata reads format {}: run "
        "`strata db update` (or `strata db import`) to rebuild it",
        path, k_format_version);
  }
  if (bytes.size() < k_header_size || !bytes.starts_with(k_db_magic)) {
    return util::input_error(
        "{}: not a strata vulnerability database: run `strata db update` or `strata db import`",
        path);
  }
  util::codec::Reader r(bytes.substr(k_db_magic.size(), k_header_size - k_db_magic.size()));
  DbHeader h;
  h.version = r.u32le();
  std::uint32_t header_size = r.u32le();
  for (std::uint64_t* v :
       {&h.fences_offset, &h.fences_size, &h.fences_xxh3, &h.body_table_offset, &h.body_count,
        &h.body_table_xxh3, &h.meta_offset, &h.meta_size, &h.meta_xxh3, &h.file_size}) {
    *v = r.u64le();
  }
  std::uint64_t sum = r.u64le();
  if (r.failed() || sum != util::xxh3_64(bytes.substr(0, k_header_size - 8))) {
    return util::input_error(
        "{}: corrupt vulnerability database (header checksum mismatch): run `strata db update`",
        path);
  }
  if (h.version != static_cast<std::uint32_t>(k_format_version) || header_size != k_header_size) {
    return util::input_error(
        "{}: database format {} is not supported (this strata reads format {}): run `strata db "
        "update` (or `strata db import`) to rebuild it",
        path, h.version, k_format_version);
  }
  return h;
}

util::Result<DbHeader> read_header(int fd, const std::string& path) {
  char head[k_header_size] = {};
  ssize_t got = ::pread(fd, head, sizeof head, 0);
  if (got < 0) {
    return util::input_error("{}: {}", path, std::strerror(errno));
  }
  return decode_header(std::string_view(head, static_cast<std::size_t>(got)), path);
}

void encode_body_entry(const BlockRef& ref, std::string& out) {
  util::codec::Writer w(out);
  w.u64le(ref.offset);
  w.u32le(ref.size);
  w.u32le(ref.raw_size);
  w.u64le(ref.xxh3);
}

BlockRef decode_body_entry(std::string_view entry) {
  util::codec::Reader r(entry);
  BlockRef ref;
  ref.offset = r.u64le();
  ref.size = r.u32le();
  ref.raw_size = r.u32le();
  ref.xxh3 = r.u64le();
  return ref;
}

void encode_fence(const FenceEntry& fence, std::string& out) {
  util::codec::Writer w(out);
  w.u32le(fence.ecosystem);
  w.u32le(fence.name_offset);
  w.u32le(fence.name_size);
  w.u32le(fence.block.size);
  w.u32le(fence.block.raw_size);
  w.u32le(0);  // reserved
  w.u64le(fence.block.offset);
  w.u64le(fence.block.xxh3);
}

FenceEntry decode_fence(std::string_view entry) {
  util::codec::Reader r(entry);
  FenceEntry f;
  f.ecosystem = r.u32le();
  f.name_offset = r.u32le();
  f.name_size = r.u32le();
  f.block.size = r.u32le();
  f.block.raw_size = r.u32le();
  r.u32le();  // reserved
  f.block.offset = r.u64le();
  f.block.xxh3 = r.u64le();
  return f;
}

void encode_body(const OsvRecord& rec, std::string& out) {
  util::codec::Writer w(out);
  w.str(rec.modified);
  w.str(rec.published);
  w.str(rec.summary);
  w.str(rec.details);
  w.strs(rec.aliases);
  w.strs(rec.upstream);
  w.strs(rec.related);
  w.u8(severity_code(rec.severity));
  w.varint(rec.cvss_score ? static_cast<std::uint64_t>(std::lround(*rec.cvss_score * 10)) + 1 : 0);
  w.str(rec.cvss_vector);
  w.strs(rec.links);
}

bool decode_body(util::codec::Reader& r, Advisory& a) {
  a.modified = std::string(r.str());
  a.published = std::string(r.str());
  a.summary = std::string(r.str());
  a.details = std::string(r.str());
  a.aliases = r.strs();
  a.upstream = r.strs();
  a.related = r.strs();
  std::uint8_t sev = r.u8();
  std::uint64_t cvss = r.varint();
  if (sev >= k_severity_codes.size() || cvss > 101) {
    a.severity = model::Severity::unknown;
    return false;
  }
  a.severity = k_severity_codes[sev].first;
  a.cvss_score.reset();
  if (cvss > 0) {
    a.cvss_score = static_cast<double>(cvss - 1) / 10.0;
  }
  a.cvss_vector = std::string(r.str());
  a.links = r.strs();
  return !r.failed();
}

void encode_affected(const vercmp::OsvAffected& a, std::string& out) {
  util::codec::Writer w(out);
  w.varint(a.ranges.size());
  for (const auto& r : a.ranges) {
    w.str(r.type);
    w.varint(r.events.size());
    for (const auto& e : r.events) {
      w.u8(event_code(e.kind));
      w.str(e.version);
    }
  }
  w.strs(a.versions);
}

bool decode_affected(util::codec::Reader& r, vercmp::OsvAffected& a) {
  std::uint64_t ranges = r.count(2);
  for (std::uint64_t i = 0; i < ranges && !r.failed(); ++i) {
    vercmp::OsvRange range;
    range.type = std::string(r.str());
    std::uint64_t events = r.count(2);
    for (std::uint64_t e = 0; e < events && !r.failed(); ++e) {
      const std::uint8_t code = r.u8();
      if (code >= k_event_kinds.size()) {
        return false;
      }
      range.events.push_back(vercmp::OsvEvent{k_event_kinds[code], std::string(r.str())});
    }
    a.ranges.push_back(std::move(range));
  }
  a.versions = r.strs();
  return !r.failed();
}

}  // namespace strata::vulndb
