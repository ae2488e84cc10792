#include "vulndb/store.hpp"

#include <fcntl.h>
#include <sys/mman.h>
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
#include <deque>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/types.hpp"
#include "util/codec.hpp"
#include "util/fd.hpp"
#include "util/file.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"
#include "util/time.hpp"
#include "vercmp/vercmp.hpp"

namespace strata::vulndb {

namespace {

using nlohmann::json;

// Level 3 compresses the text-heavy bodies to about a quarter at several hundred MB/s.
constexpr int k_zstd_level = 3;

std::uint8_t severity_code(model::Severity s) {
  switch (s) {
    case model::Severity::low:
      return 1;
    case model::Severity::medium:
      return 2;
    case model::Severity::high:
      return 3;
    case model::Severity::critical:
      return 4;
    default:
      return 0;
  }
}

std::uint8_t event_code(vercmp::OsvEvent::Kind k) {
  switch (k) {
    case vercmp::OsvEvent::Kind::introduced:
      return 0;
    case vercmp::OsvEvent::Kind::fixed:
      return 1;
    case vercmp::OsvEvent::Kind::last_affected:
      return 2;
    case vercmp::OsvEvent::Kind::limit:
      return 3;
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
  return util::format_rfc3339(t);
}

namespace {

// Compresses `raw` into `frame`.
util::Status compress_block(const std::string& raw, std::string& frame) {
  // One context per thread, reused: ZSTD_compress() would set up a fresh one for every block.
  struct CCtx {
    ZSTD_CCtx* ctx = ZSTD_createCCtx();
    ~CCtx() { ZSTD_freeCCtx(ctx); }
  };
  thread_local CCtx cctx;
  frame.resize(ZSTD_compressBound(raw.size()));
  std::size_t n = cctx.ctx == nullptr ? ZSTD_compress(frame.data(), frame.size(), raw.data(),
                                                      raw.size(), k_zstd_level)
                                      : ZSTD_compressCCtx(cctx.ctx, frame.data(), frame.size(),
                                                          raw.data(), raw.size(), k_zstd_level);
  if (ZSTD_isError(n) != 0) {
    return util::make_error(util::ErrorCategory::internal, "zstd: {}", ZSTD_getErrorName(n));
  }
  frame.resize(n);
  return {};
}

constexpr std::uint32_t k_no_cluster = UINT32_MAX;
constexpr std::size_t k_postings_chunk = 16u << 20;

// Blocks are compressed in batches on all cores and written in order.
struct PendingBlock {
  std::string raw;
  std::string frame;
  std::uint32_t ecosystem = 0;  // package blocks: the fence key
  std::string_view name;
};
constexpr std::size_t k_compress_batch = 512;

util::Status compress_all(std::vector<PendingBlock>& batch) {
  const unsigned n = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  std::vector<util::Status> status(n);
  auto work = [&](unsigned t) {
    for (std::size_t i = t; i < batch.size(); i += n) {
      if (auto st = compress_block(batch[i].raw, batch[i].frame); !st) {
        status[t] = std::move(st);
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < n && t < batch.size(); ++t) {
    threads.emplace_back(work, t);
  }
  work(0);
  for (auto& th : threads) {
    th.join();
  }
  for (auto& st : status) {
    TRY(std::move(st));
  }
  return {};
}

}  // namespace

struct StoreBuilder::State {
  struct Posting {
    std::uint32_t key;
    std::uint32_t record;
    std::uint32_t data_chunk;  // postings_data[data_chunk] at data_offset: count affected{count}
    std::uint32_t data_offset;
    std::uint32_t data_size;
  };
  struct Record {
    std::string_view id;                // into ids
    std::int64_t modified = INT64_MIN;  // seconds; INT64_MIN when absent or unparseable
    std::uint64_t spill_offset = 0;     // its encoded body in the spill file
    std::uint32_t spill_size = 0;
    bool live = true;
  };
  struct BodyEntry {
    std::uint64_t offset;
    std::uint32_t size;
    std::uint32_t raw_size;
    std::uint64_t xxh3;
  };

  std::string dir;
  std::optional<util::TempFile> out;    // becomes DIR/strata.db
  std::uint64_t offset = 0;             // bytes written to `out`
  std::optional<util::TempFile> spill;  // unlinked: nothing is left behind, whatever happens
  std::uint64_t spill_size = 0;
  std::string spill_buf;
  std::string frame;  // compression scratch
  std::vector<Posting> postings;
  // Encoded `affected` entries, in chunks that are never reallocated (one string growing by
  // doubling would, for a million records, briefly hold three times its size).
  std::vector<std::string> postings_data;
  std::deque<std::string> ids;  // stable storage for Record::id
  std::vector<Record> records;
  std::unordered_map<std::string_view, std::uint32_t> by_id;
  std::deque<std::string> keys;  // ecosystem '\0' name; a deque: key_ids points into it
  std::unordered_map<std::string_view, std::uint32_t> key_ids;
  std::vector<std::uint32_t> key_eco;      // key -> index into ecos
  std::vector<std::string_view> key_name;  // key -> its name, in keys
  std::vector<std::string> ecos;           // in order of appearance
  std::unordered_map<std::string, std::uint32_t> eco_ids;
  BuildCounts counts;

  util::Status write(std::string_view bytes) {
    TRY(out->write(bytes));
    offset += bytes.size();
    return {};
  }

  util::Status flush_spill() {
    TRY(util::write_all(spill->fd(), spill_buf.data(), spill_buf.size(), dir + " (spill file)"));
    spill_buf.clear();
    return {};
  }

  std::uint32_t key_id(std::string_view ecosystem, std::string_view name) {
    std::string key;
    key.reserve(ecosystem.size() + 1 + name.size());
    key.append(ecosystem);
    key.push_back('\0');
    key.append(name);
    if (auto it = key_ids.find(key); it != key_ids.end()) {
      return it->second;
    }
    const auto id = static_cast<std::uint32_t>(keys.size());
    keys.push_back(std::move(key));
    key_ids.emplace(keys.back(), id);
    key_name.push_back(std::string_view(keys.back()).substr(ecosystem.size() + 1));
    auto [eco, inserted] =
        eco_ids.try_emplace(std::string(ecosystem), static_cast<std::uint32_t>(ecos.size()));
    if (inserted) {
      ecos.emplace_back(ecosystem);
    }
    key_eco.push_back(eco->second);
    return id;
  }

  // Appends `meta`, writes the header (`h` with the meta and file size filled in) at offset 0,
  // syncs, and renames the file into place.
  util::Status finish(DbHeader h, const nlohmann::json& meta) {
    std::string text = meta.dump();
    h.meta_offset = offset;
    h.meta_size = text.size();
    h.meta_xxh3 = util::xxh3_64(text);
    TRY(write(text));
    h.file_size = offset;
    const std::string header = encode_header(h);
    if (::pwrite(out->fd(), header.data(), header.size(), 0) !=
        static_cast<ssize_t>(header.size())) {
      return util::input_error("{}: write error: {}", out->path(), std::strerror(errno));
    }
    TRY(out->sync_and_close());
    TRY(out->rename_to(dir + "/" + k_db_file_name));
    if (auto st = sync_path(dir); !st) {
      LOG_DEBUG("{}", st.error().message);  // the rename happened; a failed dir sync is not fatal
    }
    return {};
  }
};

util::Result<StoreBuilder> StoreBuilder::create(const std::string& dir) {
  TRY(util::make_dirs(dir));
  auto st = std::make_unique<State>();
  st->dir = dir;
  const std::string prefix = dir + "/" + k_db_file_name + ".tmp.";
  TRY_ASSIGN(util::TempFile out, util::TempFile::create(prefix));
  st->out.emplace(std::move(out));
  TRY_ASSIGN(util::TempFile spill, util::TempFile::create(prefix));
  spill.unlink();
  st->spill.emplace(std::move(spill));
  // The header is written last, over these zeros, once every offset is known.
  TRY(st->write(std::string(k_header_size, '\0')));
  return StoreBuilder(std::move(st));
}

StoreBuilder::StoreBuilder(std::unique_ptr<State> state) : m(std::move(state)) {}
StoreBuilder::StoreBuilder(StoreBuilder&&) noexcept = default;
StoreBuilder::~StoreBuilder() = default;
void StoreBuilder::count_failed() {
  ++m->counts.failed;
}
const BuildCounts& StoreBuilder::counts() const {
  return m->counts;
}

util::Status StoreBuilder::add(const OsvRecord& rec) {
  State& s = *m;
  if (!rec.withdrawn.empty()) {
    ++s.counts.withdrawn;
    return {};
  }
  if (auto seen = s.by_id.find(rec.id); seen != s.by_id.end()) {
    ++s.counts.duplicates;
    State::Record& old = s.records[seen->second];
    // The later `modified` (to the second) wins; on a tie, the copy read first.
    if (util::parse_rfc3339(rec.modified).value_or(INT64_MIN) <= old.modified) {
      return {};
    }
    old.live = false;
    --s.counts.records;
    s.by_id.erase(seen);
  }
  if (s.records.size() >= UINT32_MAX - 1) {
    return util::input_error("too many records for one database");
  }
  const auto record = static_cast<std::uint32_t>(s.records.size());
  s.ids.emplace_back(rec.id);
  State::Record r{s.ids.back(), util::parse_rfc3339(rec.modified).value_or(INT64_MIN)};
  r.spill_offset = s.spill_size + s.spill_buf.size();
  const std::size_t before = s.spill_buf.size();
  encode_body(rec, s.spill_buf);
  r.spill_size = static_cast<std::uint32_t>(s.spill_buf.size() - before);
  s.records.push_back(std::move(r));
  s.by_id.emplace(s.ids.back(), record);
  ++s.counts.records;
  if (s.spill_buf.size() >= (1u << 20)) {
    s.spill_size += s.spill_buf.size();
    TRY(s.flush_spill());
  }

  // One posting per (ecosystem, name) the record names, holding all its entries for it.
  std::vector<std::string> names;
  names.reserve(rec.affected.size());
  for (const auto& a : rec.affected) {
    names.push_back(vercmp::normalize_package_name(a.ecosystem, a.name));
  }
  std::vector<bool> done(rec.affected.size(), false);
  for (std::size_t i = 0; i < rec.affected.size(); ++i) {
    if (done[i]) {
      continue;
    }
    const auto& a = rec.affected[i];
    const std::uint32_t key = s.key_id(a.ecosystem, names[i]);
    std::uint32_t n = 0;
    std::string entries;
    for (std::size_t j = i; j < rec.affected.size(); ++j) {
      const auto& b = rec.affected[j];
      if (!done[j] && b.ecosystem == a.ecosystem && names[j] == names[i]) {
        done[j] = true;
        encode_affected(b, entries);
        ++n;
        ++s.counts.affected;
      }
    }
    std::string data;
    util::codec::Writer(data).varint(n);
    data += entries;
    if (s.postings_data.empty() ||
        s.postings_data.back().size() + data.size() > s.postings_data.back().capacity()) {
      s.postings_data.emplace_back().reserve(std::max<std::size_t>(k_postings_chunk, data.size()));
    }
    std::string& chunk = s.postings_data.back();
    s.postings.push_back(State::Posting{
        key, record, static_cast<std::uint32_t>(s.postings_data.size() - 1),
        static_cast<std::uint32_t>(chunk.size()), static_cast<std::uint32_t>(data.size())});
    chunk += data;
  }
  return {};
}

util::Status StoreBuilder::commit(const std::vector<std::string>& sources,
                                  const std::string& exports_json) {
  State& s = *m;
  const auto t0 = std::chrono::steady_clock::now();
  auto ms = [&] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  };
  s.spill_size += s.spill_buf.size();
  TRY(s.flush_spill());
  // Superseded duplicates lose their postings (and their bodies are not written).
  std::erase_if(s.postings, [&](const State::Posting& p) { return !s.records[p.record].live; });

  // Packages ranked by (ecosystem, name) for the index, and by (name, ecosystem) for the order of
  // the bodies; ecosystems compared by their rank, so names are compared only within one.
  const auto nkeys = static_cast<std::uint32_t>(s.keys.size());
  std::vector<std::uint32_t> eco_order(s.ecos.size());
  for (std::uint32_t i = 0; i < eco_order.size(); ++i) {
    eco_order[i] = i;
  }
  std::sort(eco_order.begin(), eco_order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return s.ecos[a] < s.ecos[b]; });
  std::vector<std::string> ecosystems;
  std::vector<std::uint32_t> eco_rank(s.ecos.size());
  for (std::uint32_t i = 0; i < eco_order.size(); ++i) {
    eco_rank[eco_order[i]] = i;
    ecosystems.push_back(s.ecos[eco_order[i]]);
  }
  std::vector<std::uint32_t> key_eco(nkeys);  // key -> index into `ecosystems`
  for (std::uint32_t k = 0; k < nkeys; ++k) {
    key_eco[k] = eco_rank[s.key_eco[k]];
  }
  auto name_of = [&](std::uint32_t k) { return s.key_name[k]; };
  std::vector<std::uint32_t> order(nkeys);
  for (std::uint32_t i = 0; i < nkeys; ++i) {
    order[i] = i;
  }
  std::vector<std::uint32_t> by_name = order;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return key_eco[a] != key_eco[b] ? key_eco[a] < key_eco[b] : name_of(a) < name_of(b);
  });
  std::sort(by_name.begin(), by_name.end(), [&](std::uint32_t a, std::uint32_t b) {
    int c = name_of(a).compare(name_of(b));
    return c != 0 ? c < 0 : key_eco[a] < key_eco[b];
  });
  LOG_DEBUG("database build: {} packages sorted at {:.0f} ms", nkeys, ms());
  std::vector<std::uint32_t> rank(nkeys);
  std::vector<std::uint32_t> name_rank(nkeys);
  for (std::uint32_t i = 0; i < nkeys; ++i) {
    rank[order[i]] = i;
    name_rank[by_name[i]] = i;
  }

  // Bodies, clustered by package: a record goes with the first package (by name) it names. A
  // record that names no package cannot be found by a lookup and is not written.
  std::vector<std::uint32_t> cluster(s.records.size(), k_no_cluster);
  for (const auto& p : s.postings) {
    cluster[p.record] = std::min(cluster[p.record], name_rank[p.key]);
  }
  std::vector<std::uint32_t> body_order;
  for (std::uint32_t r = 0; r < s.records.size(); ++r) {
    if (cluster[r] != k_no_cluster) {
      body_order.push_back(r);
    }
  }
  std::sort(body_order.begin(), body_order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return cluster[a] != cluster[b] ? cluster[a] < cluster[b] : s.records[a].id < s.records[b].id;
  });
  LOG_DEBUG("database build: {} bodies ordered at {:.0f} ms", body_order.size(), ms());
  std::vector<BodyRef> body_ref(s.records.size());
  std::vector<State::BodyEntry> bodies;
  std::vector<PendingBlock> batch;
  std::uint32_t body_blocks = 0;
  std::string raw;
  auto write_batch = [&](auto&& on_written) -> util::Status {
    TRY(compress_all(batch));
    for (auto& b : batch) {
      on_written(b);
      TRY(s.write(b.frame));
    }
    batch.clear();
    return {};
  };
  auto write_bodies = [&]() {
    return write_batch([&](const PendingBlock& b) {
      bodies.push_back(State::BodyEntry{s.offset, static_cast<std::uint32_t>(b.frame.size()),
                                        static_cast<std::uint32_t>(b.raw.size()),
                                        util::xxh3_64(b.frame)});
    });
  };
  auto flush_body_block = [&]() -> util::Status {
    if (raw.empty()) {
      return {};
    }
    batch.push_back(PendingBlock{std::move(raw), {}, 0, {}});
    raw = std::string();
    ++body_blocks;
    if (batch.size() >= k_compress_batch) {
      TRY(write_bodies());
    }
    return {};
  };
  for (std::uint32_t r : body_order) {
    if (raw.size() >= k_body_block_target) {
      TRY(flush_body_block());
    }
    body_ref[r] = BodyRef{body_blocks, static_cast<std::uint32_t>(raw.size())};
    // pread, not a mapping: the records are read in package order, i.e. at random, and mapped
    // pages of the spill file would stay in the resident set.
    const std::size_t at = raw.size();
    raw.resize(at + s.records[r].spill_size);
    if (::pread(s.spill->fd(), raw.data() + at, s.records[r].spill_size,
                static_cast<off_t>(s.records[r].spill_offset)) !=
        static_cast<ssize_t>(s.records[r].spill_size)) {
      return util::input_error("{}: cannot read the spill file: {}", s.dir,
                               errno != 0 ? std::strerror(errno) : "short read");
    }
  }
  TRY(flush_body_block());
  TRY(write_bodies());
  LOG_DEBUG("database build: {} body blocks written at {:.0f} ms", bodies.size(), ms());

  std::sort(s.postings.begin(), s.postings.end(),
            [&](const State::Posting& a, const State::Posting& b) {
              if (a.key != b.key) {
                return rank[a.key] < rank[b.key];
              }
              return s.records[a.record].id < s.records[b.record].id;
            });

  struct EcoCount {
    std::uint64_t advisories = 0, packages = 0, entries = 0;
    std::vector<std::uint32_t> records;
  };
  std::vector<EcoCount> eco_counts(ecosystems.size());

  // Package blocks, each ending at a package boundary once past the target size.
  std::string fence_table;
  util::codec::Writer fw(fence_table);
  std::string fence_names;
  std::uint32_t fence_count = 0;
  util::codec::Writer w(raw);
  std::string items;
  util::codec::Writer iw(items);
  std::uint32_t first_eco = 0;
  std::string_view first_name;
  auto write_packages = [&]() {
    return write_batch([&](const PendingBlock& b) {
      fw.u32le(b.ecosystem);
      fw.u32le(static_cast<std::uint32_t>(fence_names.size()));
      fw.u32le(static_cast<std::uint32_t>(b.name.size()));
      fence_names.append(b.name);
      fw.u32le(static_cast<std::uint32_t>(b.frame.size()));
      fw.u32le(static_cast<std::uint32_t>(b.raw.size()));
      fw.u32le(0);
      fw.u64le(s.offset);
      fw.u64le(util::xxh3_64(b.frame));
      ++fence_count;
    });
  };
  auto flush_package_block = [&]() -> util::Status {
    if (raw.empty()) {
      return {};
    }
    batch.push_back(PendingBlock{std::move(raw), {}, first_eco, first_name});
    raw = std::string();
    if (batch.size() >= k_compress_batch) {
      TRY(write_packages());
    }
    return {};
  };
  for (std::size_t i = 0; i < s.postings.size();) {
    std::size_t end = i;
    while (end < s.postings.size() && s.postings[end].key == s.postings[i].key) {
      ++end;
    }
    const std::string_view name = name_of(s.postings[i].key);
    const std::uint32_t eco = key_eco[s.postings[i].key];
    if (raw.empty()) {
      first_eco = eco;
      first_name = name;
    }
    items.clear();
    iw.varint(end - i);
    EcoCount& ec = eco_counts[eco];
    ++ec.packages;
    for (std::size_t j = i; j < end; ++j) {
      const State::Posting& p = s.postings[j];
      iw.str(s.records[p.record].id);
      iw.varint(body_ref[p.record].block);
      iw.varint(body_ref[p.record].offset);
      const std::string_view data =
          std::string_view(s.postings_data[p.data_chunk]).substr(p.data_offset, p.data_size);
      items.append(data);
      util::codec::Reader cr(data);
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
  TRY(write_packages());
  LOG_DEBUG("database build: {} package blocks written at {:.0f} ms", fence_count, ms());
  std::string fences;
  util::codec::Writer(fences).u32le(fence_count);
  fences += fence_table;
  fences += fence_names;

  nlohmann::json eco_json = nlohmann::json::array();
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
  h.fences_offset = s.offset;
  h.fences_size = fences.size();
  h.fences_xxh3 = util::xxh3_64(fences);
  TRY(s.write(fences));

  std::string table;
  util::codec::Writer tw(table);
  for (const auto& b : bodies) {
    tw.u64le(b.offset);
    tw.u32le(b.size);
    tw.u32le(b.raw_size);
    tw.u64le(b.xxh3);
  }
  h.body_table_offset = s.offset;
  h.body_count = bodies.size();
  h.body_table_xxh3 = util::xxh3_64(table);
  TRY(s.write(table));

  nlohmann::json meta{{"format_version", k_format_version},
                      {"built", now_rfc3339()},
                      {"generator", std::string("strata ") + STRATA_VERSION},
                      {"sources", sources},
                      {"record_count", s.counts.records},
                      {"withdrawn", s.counts.withdrawn},
                      {"failed", s.counts.failed},
                      {"duplicates", s.counts.duplicates},
                      {"ecosystems", std::move(eco_json)}};
  if (!exports_json.empty()) {
    meta["exports"] = nlohmann::json::parse(exports_json);
  }
  return s.finish(h, meta);
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
  TRY_ASSIGN(DbHeader h, read_header(in.get(), path));
  std::string meta_text(h.meta_size, '\0');
  if (h.meta_size > (16u << 20) ||
      ::pread(in.get(), meta_text.data(), meta_text.size(), static_cast<off_t>(h.meta_offset)) !=
          static_cast<ssize_t>(meta_text.size()) ||
      util::xxh3_64(meta_text) != h.meta_xxh3) {
    return util::input_error(
        "{}: corrupt vulnerability database (meta data): run `strata db "
        "update`",
        path);
  }
  json meta = json::parse(meta_text, nullptr, /*allow_exceptions=*/false);
  if (!meta.is_object()) {
    return util::input_error(
        "{}: corrupt vulnerability database (meta data): run `strata db "
        "update`",
        path);
  }
  meta["built"] = now_rfc3339();
  meta["generator"] = std::string("strata ") + STRATA_VERSION;
  meta["exports"] = json::parse(exports_json);

  TRY_ASSIGN(StoreBuilder builder, StoreBuilder::create(dir));
  StoreBuilder::State& b = *builder.m;
  // Everything between the header and the meta (blocks, fences, body table) is copied as is.
  loff_t from = static_cast<loff_t>(k_header_size);
  loff_t to = static_cast<loff_t>(k_header_size);
  std::uint64_t left = h.meta_offset - k_header_size;
  while (left > 0) {
    ssize_t n = ::copy_file_range(in.get(), &from, b.out->fd(), &to, left, 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return util::input_error("{}: cannot copy: {}", b.out->path(),
                               n == 0 ? "unexpected end of file" : std::strerror(errno));
    }
    left -= static_cast<std::uint64_t>(n);
  }
  if (::lseek(b.out->fd(), to, SEEK_SET) < 0) {
    return util::input_error("{}: {}", b.out->path(), std::strerror(errno));
  }
  b.offset = static_cast<std::uint64_t>(to);
  return b.finish(h, meta);
}

}  // namespace strata::vulndb
