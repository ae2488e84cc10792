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
  k_tag_dirindexes = 1116,
  k_tag_basenames = 1117,
  k_tag_dirnames = 1118,
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

// The `e.count` strings of a STRING_ARRAY at `e.offset`, each checked to end inside `data`.
util::Result<std::vector<std::string_view>> strings_at(std::string_view data, const IndexEntry& e,
                                                       std::size_t i) {
  if (e.type != k_type_string_array) {
    return util::input_error("index entry {}: tag {} has type {}, not a string array", i, e.tag,
                             e.type);
  }
  std::vector<std::string_view> out;
  std::size_t at = e.offset;
  for (std::uint32_t k = 0; k < e.count; ++k) {
    std::size_t end = at < data.size() ? data.find('\0', at) : std::string_view::npos;
    if (end == std::string_view::npos) {
      return util::input_error("index entry {}: string {} of tag {} runs past the data", i, k,
                               e.tag);
    }
    out.push_back(data.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

// The `e.count` INT32 values at `e.offset`, checked to lie inside `data`.
util::Result<std::vector<std::uint32_t>> int32s_at(std::string_view data, const IndexEntry& e,
                                                   std::size_t i) {
  if (e.type != k_type_int32 || e.offset > data.size() || (data.size() - e.offset) / 4 < e.count) {
    return util::input_error("index entry {}: tag {} is not {} INT32 values inside the data", i,
                             e.tag, e.count);
  }
  std::vector<std::uint32_t> out(e.count);
  for (std::uint32_t k = 0; k < e.count; ++k) {
    out[k] = be32(data, e.offset + 4 * std::size_t{k});
  }
  return out;
}

// The file list: DIRNAMES[DIRINDEXES[k]] + BASENAMES[k], every index checked.
util::Result<std::vector<std::string>> file_list(const std::vector<std::string_view>& dirs,
                                                 const std::vector<std::string_view>& bases,
                                                 const std::vector<std::uint32_t>& index) {
  if (bases.size() != index.size()) {
    return util::input_error("{} file names but {} directory indexes", bases.size(), index.size());
  }
  std::vector<std::string> out;
  out.reserve(bases.size());
  for (std::size_t k = 0; k < bases.size(); ++k) {
    if (index[k] >= dirs.size()) {
      return util::input_error("file {} names directory {} of {}", k, index[k], dirs.size());
    }
    out.push_back(std::string(dirs[index[k]]) + std::string(bases[k]));
  }
  return out;
}

struct FileTags {
  std::vector<std::string_view> dirs, bases;
  std::vector<std::uint32_t> index;
};

// Stores the value of one entry strata reads; other tags are skipped.
util::Status take_entry(std::string_view data, const IndexEntry& e, std::size_t i, RpmHeader& out,
                        FileTags& files) {
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
    case k_tag_dirnames: {
      TRY_ASSIGN(files.dirs, strings_at(data, e, i));
      return {};
    }
    case k_tag_basenames: {
      TRY_ASSIGN(files.bases, strings_at(data, e, i));
      return {};
    }
    case k_tag_dirindexes: {
      TRY_ASSIGN(files.index, int32s_at(data, e, i));
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
  FileTags files;
  for (std::size_t i = 0; i < il; ++i) {
    const std::size_t at = 8 + i * k_index_entry_size;
    const IndexEntry e{be32(blob, at), be32(blob, at + 4), be32(blob, at + 8), be32(blob, at + 12)};
    TRY(take_entry(data, e, i, out, files));
  }
  TRY_ASSIGN(out.files, file_list(files.dirs, files.bases, files.index));
  if (out.name.empty() || out.version.empty()) {
    return util::input_error("header has no {}", out.name.empty() ? "NAME" : "VERSION");
  }
  return out;
}

}  // namespace strata::detect
