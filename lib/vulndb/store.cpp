#include "vulndb/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/types.hpp"
#include "util/fd.hpp"
#include "util/file.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"
#include "vulndb/codec.hpp"

namespace strata::vulndb {

namespace {

using nlohmann::json;

// Level 3 compresses the text-heavy bodies to about a quarter at several hundred MB/s.
constexpr int k_zstd_level = 3;

std::uint8_t severity_code(model::Severity s) {
  switch (s) {
    case model::Severity::low: return 1;
    case model::Severity::medium: return 2;
    case model::Severity::high: return 3;
    case model::Severity::critical: return 4;
    default: return 0;
  }
}

std::uint8_t event_code(vercmp::OsvEvent::Kind k) {
  switch (k) {
    case vercmp::OsvEvent::Kind::introduced: return 0;
    case vercmp::OsvEvent::Kind::fixed: return 1;
    case vercmp::OsvEvent::Kind::last_affected: return 2;
    case vercmp::OsvEvent::Kind::limit: return 3;
  }
  return 0;
}

util::Status sync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return util::input_error("{}: {}", path, std::strerror(errno));
  }
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) {
    return util::input_error("{}: fsync failed: {}", path, std::strerror(err));
  }
  return {};
}

}  // namespace

std::string encode_header(const DbHeader& h) {
  std::string out;
  codec::Writer w(out);
  out.append(k_db_magic);
  w.u32le(h.version);
  w.u32le(static_cast<std::uint32_t>(k_header_size));
  for (std::uint64_t v : {h.fences_offset, h.fences_size, h.fences_xxh3, h.body_table_offset,
                          h.body_count, h.body_table_xxh3, h.meta_offset, h.meta_size,
                          h.meta_xxh3, h.file_size}) {
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
  codec::Reader r(bytes.substr(k_db_magic.size(), k_header_size - k_db_magic.size()));
  DbHeader h;
  h.version = r.u32le();
  std::uint32_t header_size = r.u32le();
  for (std::uint64_t* v : {&h.fences_offset, &h.fences_size, &h.fences_xxh3,
                           &h.body_table_offset, &h.body_count, &h.body_table_xxh3,
                           &h.meta_offset, &h.meta_size, &h.meta_xxh3, &h.file_size}) {
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

void encode_body(const OsvRecord& rec, std::string& out) {
  codec::Writer w(out);
  w.str(rec.modified);
  w.str(rec.published);
  w.str(rec.summary);
  w.str(rec.details);
  w.strs(rec.aliases);
  w.strs(rec.upstream);
  w.strs(rec.related);
  w.u8(severity_code(rec.severity));
  w.varint(rec.cvss_score ? static_cast<std::uint64_t>(std::lround(*rec.cvss_score * 10)) + 1
                          : 0);
  w.str(rec.cvss_vector);
  w.strs(rec.links);
}

void encode_affected(const vercmp::OsvAffected& a, std::string& out) {
  codec::Writer w(out);
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

std::string now_rfc3339() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  // Reproducible builds (https://reproducible-builds.org/specs/source-date-epoch/).
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(epoch, &end, 10);
    if (errno == 0 && *end == '\0' && v >= 0) {
      t = static_cast<std::time_t>(v);
    }
  }
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

util::Result<StoreBuilder> StoreBuilder::create(const std::string& dir) {
  TRY(util::make_dirs(dir));
  StoreBuilder b;
  b.m_dir = dir;
  std::string tmpl = dir + "/" + k_db_file_name + ".tmp.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    return util::input_error("{}: cannot create a temp file: {}", dir, std::strerror(errno));
  }
  ::fchmod(fd, 0644);
  b.m_fd = fd;
  b.m_tmp_path = name.data();
  // The header is written last, over these zeros, once every offset is known.
  TRY(b.write(std::string(k_header_size, '\0')));
  return b;
}

StoreBuilder::StoreBuilder(StoreBuilder&& o) noexcept
    : m_dir(std::move(o.m_dir)),
      m_tmp_path(std::move(o.m_tmp_path)),
      m_fd(o.m_fd),
      m_offset(o.m_offset),
      m_body_raw(std::move(o.m_body_raw)),
      m_frame(std::move(o.m_frame)),
      m_bodies(std::move(o.m_bodies)),
      m_postings(std::move(o.m_postings)),
      m_postings_data(std::move(o.m_postings_data)),
      m_ids(std::move(o.m_ids)),
      m_records(std::move(o.m_records)),
      m_by_id(std::move(o.m_by_id)),
      m_keys(std::move(o.m_keys)),
      m_key_ids(std::move(o.m_key_ids)),
      m_counts(o.m_counts),
      m_committed(o.m_committed) {
  o.m_fd = -1;
  o.m_tmp_path.clear();
}

StoreBuilder::~StoreBuilder() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
  if (!m_committed && !m_tmp_path.empty()) {
    ::unlink(m_tmp_path.c_str());
  }
}

util::Status StoreBuilder::write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(m_fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return util::input_error("{}: cannot write: {}", m_tmp_path, std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
    m_offset += static_cast<std::uint64_t>(n);
  }
  return {};
}

namespace {

// Compresses `raw` into `frame`; returns the frame's (size, xxh3).
util::Status compress_block(const std::string& raw, std::string& frame) {
  frame.resize(ZSTD_compressBound(raw.size()));
  std::size_t n = ZSTD_compress(frame.data(), frame.size(), raw.data(), raw.size(), k_zstd_level);
  if (ZSTD_isError(n) != 0) {
    return util::make_error(util::ErrorCategory::internal, "zstd: {}", ZSTD_getErrorName(n));
  }
  frame.resize(n);
  return {};
}

}  // namespace

util::Status StoreBuilder::flush_body_block() {
  if (m_body_raw.empty()) {
    return {};
  }
  TRY(compress_block(m_body_raw, m_frame));
  m_bodies.push_back(BodyEntry{m_offset, static_cast<std::uint32_t>(m_frame.size()),
                               static_cast<std::uint32_t>(m_body_raw.size()),
                               util::xxh3_64(m_frame)});
  TRY(write(m_frame));
  m_body_raw.clear();
  return {};
}

std::uint32_t StoreBuilder::key_id(std::string_view ecosystem, std::string_view name) {
  std::string key;
  key.reserve(ecosystem.size() + 1 + name.size());
  key.append(ecosystem);
  key.push_back('\0');
  key.append(name);
  auto [it, inserted] = m_key_ids.try_emplace(key, static_cast<std::uint32_t>(m_keys.size()));
  if (inserted) {
    m_keys.push_back(std::move(key));
  }
  return it->second;
}

util::Status StoreBuilder::add(const OsvRecord& rec) {
  if (!rec.withdrawn.empty()) {
    ++m_counts.withdrawn;
    return {};
  }
  if (auto seen = m_by_id.find(rec.id); seen != m_by_id.end()) {
    ++m_counts.duplicates;
    Record& old = m_records[seen->second];
    // RFC 3339 UTC strings of the same shape order lexicographically.
    if (rec.modified <= old.modified) {
      return {};
    }
    old.live = false;
    --m_counts.records;
    m_by_id.erase(seen);
  }
  if (m_records.size() >= UINT32_MAX - 1) {
    return util::input_error("too many records for one database");
  }
  const auto record = static_cast<std::uint32_t>(m_records.size());
  m_ids.emplace_back(rec.id);
  m_records.push_back(Record{m_ids.back(), rec.modified, true});
  m_by_id.emplace(m_ids.back(), record);
  ++m_counts.records;

  if (m_body_raw.size() >= k_body_block_target) {
    TRY(flush_body_block());
  }
  const auto body_block = static_cast<std::uint32_t>(m_bodies.size());
  const auto body_offset = static_cast<std::uint32_t>(m_body_raw.size());
  encode_body(rec, m_body_raw);

  // One posting per (ecosystem, name) the record names, holding all its entries for it.
  std::vector<bool> done(rec.affected.size(), false);
  for (std::size_t i = 0; i < rec.affected.size(); ++i) {
    if (done[i]) {
      continue;
    }
    const auto& a = rec.affected[i];
    const std::uint32_t key = key_id(a.ecosystem, a.name);
    std::uint32_t n = 0;
    std::string entries;
    for (std::size_t j = i; j < rec.affected.size(); ++j) {
      const auto& b = rec.affected[j];
      if (!done[j] && b.ecosystem == a.ecosystem && b.name == a.name) {
        done[j] = true;
        encode_affected(b, entries);
        ++n;
        ++m_counts.affected;
      }
    }
    Posting p{key, record, body_block, body_offset, m_postings_data.size(), 0};
    codec::Writer w(m_postings_data);
    w.varint(n);
    m_postings_data += entries;
    p.data_size = static_cast<std::uint32_t>(m_postings_data.size() - p.data_offset);
    m_postings.push_back(p);
  }
  return {};
}

util::Status StoreBuilder::commit(const std::vector<std::string>& sources,
                                  const std::string& exports_json) {
  TRY(flush_body_block());
  // Superseded duplicates lose their postings (their bodies stay, unreferenced).
  std::erase_if(m_postings, [&](const Posting& p) { return !m_records[p.record].live; });

  // Ecosystems sorted by name; keys ranked by (ecosystem, name).
  std::vector<std::uint32_t> order(m_keys.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return m_keys[a] < m_keys[b]; });
  std::vector<std::uint32_t> rank(m_keys.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) {
    rank[order[i]] = i;
  }
  // '\0' sorts before every other byte, so sorting "eco\0name" sorts by (eco, name).
  std::vector<std::string> ecosystems;
  std::vector<std::uint32_t> key_eco(m_keys.size());
  for (std::uint32_t k : order) {
    std::string_view eco(m_keys[k].data(), m_keys[k].find('\0'));
    if (ecosystems.empty() || ecosystems.back() != eco) {
      ecosystems.emplace_back(eco);
    }
    key_eco[k] = static_cast<std::uint32_t>(ecosystems.size() - 1);
  }
  std::sort(m_postings.begin(), m_postings.end(), [&](const Posting& a, const Posting& b) {
    if (a.key != b.key) {
      return rank[a.key] < rank[b.key];
    }
    return m_records[a.record].id < m_records[b.record].id;
  });

  struct EcoCount {
    std::uint64_t advisories = 0, packages = 0, entries = 0;
    std::vector<std::uint32_t> records;
  };
  std::vector<EcoCount> eco_counts(ecosystems.size());

  // Package blocks, each ending at a package boundary once past the target size.
  std::string fences;
  codec::Writer fw(fences);
  std::uint64_t fence_count = 0;
  std::string fence_list;
  codec::Writer flw(fence_list);
  std::string raw;
  codec::Writer w(raw);
  std::string items;
  codec::Writer iw(items);
  std::string first_key_bytes;  // fence key of the block being filled
  auto flush_package_block = [&]() -> util::Status {
    if (raw.empty()) {
      return {};
    }
    TRY(compress_block(raw, m_frame));
    fence_list += first_key_bytes;
    flw.u64le(m_offset);
    flw.u32le(static_cast<std::uint32_t>(m_frame.size()));
    flw.u32le(static_cast<std::uint32_t>(raw.size()));
    flw.u64le(util::xxh3_64(m_frame));
    ++fence_count;
    TRY(write(m_frame));
    raw.clear();
    return {};
  };
  for (std::size_t i = 0; i < m_postings.size();) {
    std::size_t end = i;
    while (end < m_postings.size() && m_postings[end].key == m_postings[i].key) {
      ++end;
    }
    const std::string& key = m_keys[m_postings[i].key];
    std::string_view name = std::string_view(key).substr(key.find('\0') + 1);
    const std::uint32_t eco = key_eco[m_postings[i].key];
    if (raw.empty()) {
      first_key_bytes.clear();
      codec::Writer kw(first_key_bytes);
      kw.varint(eco);
      kw.str(name);
    }
    items.clear();
    iw.varint(end - i);
    EcoCount& ec = eco_counts[eco];
    ++ec.packages;
    for (std::size_t j = i; j < end; ++j) {
      const Posting& p = m_postings[j];
      iw.str(m_records[p.record].id);
      iw.varint(p.body_block);
      iw.varint(p.body_offset);
      items.append(m_postings_data, p.data_offset, p.data_size);
      codec::Reader cr(std::string_view(m_postings_data).substr(p.data_offset, p.data_size));
      ec.entries += cr.varint();
      ec.records.push_back(p.record);
    }
    w.varint(eco);
    w.str(name);
    w.varint(items.size());
    raw += items;
    i = end;
    if (raw.size() >= k_package_block_target) {
      TRY(flush_package_block());
    }
  }
  TRY(flush_package_block());
  fw.varint(fence_count);
  fences += fence_list;

  json eco_json = json::array();
  for (std::size_t e = 0; e < ecosystems.size(); ++e) {
    auto& recs = eco_counts[e].records;
    std::sort(recs.begin(), recs.end());
    eco_counts[e].advisories =
        static_cast<std::uint64_t>(std::unique(recs.begin(), recs.end()) - recs.begin());
    eco_json.push_back({{"name", ecosystems[e]},
                        {"advisories", eco_counts[e].advisories},
                        {"packages", eco_counts[e].packages},
                        {"entries", eco_counts[e].entries}});
  }

  DbHeader h;
  h.version = k_format_version;
  h.fences_offset = m_offset;
  h.fences_size = fences.size();
  h.fences_xxh3 = util::xxh3_64(fences);
  TRY(write(fences));

  std::string table;
  codec::Writer tw(table);
  for (const auto& b : m_bodies) {
    tw.u64le(b.offset);
    tw.u32le(b.size);
    tw.u32le(b.raw_size);
    tw.u64le(b.xxh3);
  }
  h.body_table_offset = m_offset;
  h.body_count = m_bodies.size();
  h.body_table_xxh3 = util::xxh3_64(table);
  TRY(write(table));

  json meta{{"format_version", k_format_version},
            {"built", now_rfc3339()},
            {"generator", std::string("strata ") + STRATA_VERSION},
            {"sources", sources},
            {"record_count", m_counts.records},
            {"withdrawn", m_counts.withdrawn},
            {"failed", m_counts.failed},
            {"duplicates", m_counts.duplicates},
            {"ecosystems", std::move(eco_json)}};
  if (!exports_json.empty()) {
    meta["exports"] = json::parse(exports_json);
  }
  std::string meta_text = meta.dump();
  h.meta_offset = m_offset;
  h.meta_size = meta_text.size();
  h.meta_xxh3 = util::xxh3_64(meta_text);
  TRY(write(meta_text));
  h.file_size = m_offset;

  return finish(encode_header(h));
}

util::Status StoreBuilder::finish(const std::string& header) {
  if (::pwrite(m_fd, header.data(), header.size(), 0) != static_cast<ssize_t>(header.size())) {
    return util::input_error("{}: cannot write: {}", m_tmp_path, std::strerror(errno));
  }
  if (::fsync(m_fd) != 0) {
    return util::input_error("{}: fsync failed: {}", m_tmp_path, std::strerror(errno));
  }
  ::close(m_fd);
  m_fd = -1;
  std::string final_path = m_dir + "/" + k_db_file_name;
  if (::rename(m_tmp_path.c_str(), final_path.c_str()) != 0) {
    return util::input_error("{}: cannot rename into place: {}", final_path,
                             std::strerror(errno));
  }
  m_committed = true;
  if (auto st = sync_path(m_dir); !st) {
    LOG_DEBUG("{}", st.error().message);  // the rename happened; a failed dir sync is not fatal
  }
  return {};
}

std::string exports_json(const std::vector<ExportInfo>& exports) {
  json arr = json::array();
  for (const auto& e : exports) {
    arr.push_back({{"ecosystem", e.ecosystem},
                   {"source", e.source},
                   {"url", e.url},
                   {"etag", e.etag},
                   {"last_modified", e.last_modified},
                   {"sha256", e.sha256},
                   {"size", e.size},
                   {"checked", e.checked}});
  }
  return arr.dump();
}

util::Status refresh_store(const std::string& dir, const std::string& exports_json) {
  const std::string path = dir + "/" + k_db_file_name;
  util::UniqueFd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) {
    return util::input_error("{}: {}", path, std::strerror(errno));
  }
  char head[k_header_size] = {};
  ssize_t got = ::pread(in.get(), head, sizeof head, 0);
  if (got < 0) {
    return util::input_error("{}: {}", path, std::strerror(errno));
  }
  TRY_ASSIGN(DbHeader h, decode_header(std::string_view(head, static_cast<std::size_t>(got)), path));
  std::string meta_text(h.meta_size, '\0');
  if (h.meta_size > (16u << 20) ||
      ::pread(in.get(), meta_text.data(), meta_text.size(), static_cast<off_t>(h.meta_offset)) !=
          static_cast<ssize_t>(meta_text.size()) ||
      util::xxh3_64(meta_text) != h.meta_xxh3) {
    return util::input_error("{}: corrupt vulnerability database (meta data): run `strata db "
                             "update`",
                             path);
  }
  json meta = json::parse(meta_text, nullptr, /*allow_exceptions=*/false);
  if (!meta.is_object()) {
    return util::input_error("{}: corrupt vulnerability database (meta data): run `strata db "
                             "update`",
                             path);
  }
  meta["built"] = now_rfc3339();
  meta["generator"] = std::string("strata ") + STRATA_VERSION;
  meta["exports"] = json::parse(exports_json);

  TRY_ASSIGN(StoreBuilder b, StoreBuilder::create(dir));
  // Everything between the header and the meta (blocks, fences, body table) is copied as is.
  loff_t from = static_cast<loff_t>(k_header_size);
  loff_t to = static_cast<loff_t>(k_header_size);
  std::uint64_t left = h.meta_offset - k_header_size;
  while (left > 0) {
    ssize_t n = ::copy_file_range(in.get(), &from, b.m_fd, &to, left, 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return util::input_error("{}: cannot copy: {}", b.m_tmp_path,
                               n == 0 ? "unexpected end of file" : std::strerror(errno));
    }
    left -= static_cast<std::uint64_t>(n);
  }
  if (::lseek(b.m_fd, to, SEEK_SET) < 0) {
    return util::input_error("{}: {}", b.m_tmp_path, std::strerror(errno));
  }
  b.m_offset = static_cast<std::uint64_t>(to);
  std::string text = meta.dump();
  h.meta_offset = b.m_offset;
  h.meta_size = text.size();
  h.meta_xxh3 = util::xxh3_64(text);
  TRY(b.write(text));
  h.file_size = b.m_offset;
  return b.finish(encode_header(h));
}

}  // namespace strata::vulndb
