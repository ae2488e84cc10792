#include "detect/rpm_header.hpp"

#include <fmt/format.h>

namespace strata::detect {

namespace {

// rpm's own limits (lib/header.c: hdrchkTags, hdrchkData): more is not a header rpm wrote.
constexpr std::uint32_t k_max_index_entries = 0xffff;
constexpr std::uint32_t k_max_data_size = 256u << 20;
constexpr std::size_t k_index_entry_size = 16;

constexpr std::uint32_t k_type_int32 = 4;
constexpr std::uint32_t k_type_string = 6;
constexpr std::uint32_t k_type_string_array = 8;
constexpr std::uint32_t k_type_i18nstring = 9;

enum Tag : std::uint32_t {
  k_tag_name = 1000,
  k_tag_version = 1001,
  k_tag_release = 1002,
  k_tag_epoch = 1003,
  k_tag_vendor = 1011,
  k_tag_license = 1014,
  k_tag_arch = 1022,
  k_tag_source_rpm = 1044,
  k_tag_modularity_label = 5096,
};

std::uint32_t be32(std::string_view s, std::size_t pos) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(s[pos])) << 24 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[pos + 1])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[pos + 2])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[pos + 3]));
}

struct IndexEntry {
  std::uint32_t tag;
  std::uint32_t type;
  std::uint32_t offset;
  std::uint32_t count;
};

// The first string at `e.offset` in `data` (STRING, or the first of a STRING_ARRAY or
// I18NSTRING), checked to end inside `data`.
util::Result<std::string> string_at(std::string_view data, const IndexEntry& e, std::size_t i) {
  if (e.type != k_type_string && e.type != k_type_string_array && e.type != k_type_i18nstring) {
    return util::input_error("index entry {}: tag {} has type {}, not a string", i, e.tag, e.type);
  }
  if (e.offset >= data.size()) {
    return util::input_error("index entry {}: string offset {} past the data ({} bytes)", i,
                             e.offset, data.size());
  }
  std::size_t end = data.find('\0', e.offset);
  if (end == std::string_view::npos) {
    return util::input_error("index entry {}: string at {} has no end", i, e.offset);
  }
  return std::string(data.substr(e.offset, end - e.offset));
}

util::Result<std::uint32_t> int32_at(std::string_view data, const IndexEntry& e, std::size_t i) {
  if (e.type != k_type_int32 || e.count < 1) {
    return util::input_error("index entry {}: tag {} has type {} count {}, not an INT32", i, e.tag,
                             e.type, e.count);
  }
  if (e.offset > data.size() || data.size() - e.offset < 4) {
    return util::input_error("index entry {}: INT32 at {} past the data ({} bytes)", i, e.offset,
                             data.size());
  }
  return be32(data, e.offset);
}

// Stores the value of one entry strata reads; other tags are skipped.
util::Status take_entry(std::string_view data, const IndexEntry& e, std::size_t i, RpmHeader& out) {
  std::string* field = nullptr;
  switch (e.tag) {
    case k_tag_name:
      field = &out.name;
      break;
    case k_tag_version:
      field = &out.version;
      break;
    case k_tag_release:
      field = &out.release;
      break;
    case k_tag_arch:
      field = &out.arch;
      break;
    case k_tag_source_rpm:
      field = &out.source_rpm;
      break;
    case k_tag_license:
      field = &out.license;
      break;
    case k_tag_vendor:
      field = &out.vendor;
      break;
    case k_tag_modularity_label:
      field = &out.modularity_label;
      break;
    case k_tag_epoch: {
      TRY_ASSIGN(out.epoch, int32_at(data, e, i));
      return {};
    }
    default:
      return {};
  }
  TRY_ASSIGN(*field, string_at(data, e, i));
  return {};
}

}  // namespace

util::Result<RpmHeader> parse_rpm_header(std::string_view blob) {
  if (blob.size() < 8) {
    return util::input_error("header too short ({} bytes)", blob.size());
  }
  const std::uint32_t il = be32(blob, 0);
  const std::uint32_t dl = be32(blob, 4);
  if (il == 0 || il > k_max_index_entries || dl > k_max_data_size) {
    return util::input_error("header claims {} index entries and {} data bytes", il, dl);
  }
  const std::uint64_t need = 8 + std::uint64_t{il} * k_index_entry_size + dl;
  if (blob.size() < need) {
    return util::input_error("header truncated: {} bytes, {} needed", blob.size(), need);
  }
  const std::string_view data = blob.substr(8 + std::size_t{il} * k_index_entry_size, dl);
  RpmHeader out;
  for (std::size_t i = 0; i < il; ++i) {
    const std::size_t at = 8 + i * k_index_entry_size;
    const IndexEntry e{be32(blob, at), be32(blob, at + 4), be32(blob, at + 8), be32(blob, at + 12)};
    TRY(take_entry(data, e, i, out));
  }
  if (out.name.empty() || out.version.empty()) {
    return util::input_error("header has no {}", out.name.empty() ? "NAME" : "VERSION");
  }
  return out;
}

}  // namespace strata::detect
