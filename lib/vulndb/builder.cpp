#include "vulndb/builder.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <functional>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/codec.hpp"
#include "util/fd.hpp"
#include "util/file.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"
#include "util/parallel.hpp"
#include "util/time.hpp"
#include "vercmp/vercmp.hpp"
#include "vulndb/format.hpp"

namespace strata::vulndb {

namespace {

using nlohmann::json;

// Level 3 compresses the text-heavy bodies to about a quarter at several hundred MB/s.
constexpr int k_zstd_level = 3;
constexpr unsigned k_max_compress_threads = 8;
// Blocks are compressed this many at a time (on all cores), then written in order.
constexpr std::size_t k_compress_batch = 512;
constexpr std::uint32_t k_no_cluster = UINT32_MAX;
constexpr std::size_t k_postings_chunk = 16u << 20;
constexpr std::size_t k_spill_buffer = 1u << 20;
// A meta larger than this is not ours.
constexpr std::uint64_t k_max_meta_size = 16u << 20;

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

struct PendingBlock {
  std::string raw;
  std::string frame;
  std::uint32_t ecosystem = 0;  // package blocks: the fence key
  std::string_view name;
};

// The file being written and how many bytes are in it.
struct Output {
  std::optional<util::TempFile> file;  // becomes DIR/strata.db
  std::uint64_t offset = 0;

  util::Status write(std::string_view bytes) {
    TRY(file->write(bytes));
    offset += bytes.size();
    return {};
  }
};

// Blocks on their way into the file: compressed k_compress_batch at a time on all cores, then
// written in the order they were added; on_written(block, ref) sees each as its frame is written.
class BlockWriter {
 public:
  using OnWritten = std::function<void(const PendingBlock&, const BlockRef&)>;
  BlockWriter(Output& out, OnWritten on_written)
      : m_out(out), m_on_written(std::move(on_written)) {}

  util::Status add(std::string raw, std::uint32_t ecosystem = 0, std::string_view name = {}) {
    m_batch.push_back(PendingBlock{std::move(raw), {}, ecosystem, name});
    ++m_count;
    if (m_batch.size() >= k_compress_batch) {
      TRY(flush());
    }
    return {};
  }
  util::Status flush() {
    TRY(util::parallel_for(
        m_batch.size(), util::worker_count(k_max_compress_threads),
        [&](unsigned, std::size_t i) { return compress_block(m_batch[i].raw, m_batch[i].frame); }));
    for (const auto& b : m_batch) {
      m_on_written(b, BlockRef{m_out.offset, static_cast<std::uint32_t>(b.frame.size()),
                               static_cast<std::uint32_t>(b.raw.size()), util::xxh3_64(b.frame)});
      TRY(m_out.write(b.frame));
    }
    m_batch.clear();
    return {};
  }
  // Blocks added so far: the index of the next one.
  std::uint32_t count() const { return m_count; }

 private:
  Output& m_out;
  OnWritten m_on_written;
  std::vector<PendingBlock> m_batch;
  std::uint32_t m_count = 0;
};

std::vector<std::uint32_t> identity(std::size_t n) {
  std::vector<std::uint32_t> v(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    v[i] = i;
  }
  return v;
}

// rank[order[i]] = i.
std::vector<std::uint32_t> ranks_of(const std::vector<std::uint32_t>& order) {
  std::vector<std::uint32_t> rank(order.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) {
    rank[order[i]] = i;
  }
  return rank;
}

// The packages (keys) in the orders the file wants: ecosystems by name, packages by (ecosystem,
// name) for the index and by (name, ecosystem) for the order of the bodies.
struct KeyOrder {
  std::vector<std::string> ecosystems;   // sorted: the format's ecosystem indexes
  std::vector<std::uint32_t> key_eco;    // key -> index into `ecosystems`
  std::vector<std::uint32_t> rank;       // key -> rank by (ecosystem, name)
  std::vector<std::uint32_t> name_rank;  // key -> rank by (name, ecosystem)
};

// What the package blocks count per ecosystem, for meta.ecosystems.
struct EcoCount {
  std::uint64_t packages = 0, entries = 0;
  std::vector<std::uint32_t> records;  // with repeats: counted once in ecosystems_json()
};

json ecosystems_json(const std::vector<std::string>& ecosystems, std::vector<EcoCount>& counts) {
  json out = json::array();
  for (std::size_t e = 0; e < ecosystems.size(); ++e) {
    auto& recs = counts[e].records;
    std::sort(recs.begin(), recs.end());
    const auto advisories =
        static_cast<std::uint64_t>(std::unique(recs.begin(), recs.end()) - recs.begin());
    out.push_back({{"name", ecosystems[e]},
                   {"advisories", advisories},
                   {"packages", counts[e].packages},
                   {"entries", counts[e].entries}});
  }
  return out;
}

util::Status copy_range(int in, int out, std::uint64_t offset, std::uint64_t size,
                        const std::string& out_path) {
  auto from = static_cast<loff_t>(offset);
  auto to = static_cast<loff_t>(offset);
  while (size > 0) {
    ssize_t n = ::copy_file_range(in, &from, out, &to, size, 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return util::input_error("{}: cannot copy: {}", out_path,
                               n == 0 ? "unexpected end of file" : std::strerror(errno));
    }
    size -= static_cast<std::uint64_t>(n);
  }
  return {};
}

// The checked meta of the database at `path` (open as `fd`, its header `h`).
util::Result<json> read_meta(int fd, const DbHeader& h, const std::string& path) {
  auto corrupt = [&] {
    return util::input_error(
        "{}: corrupt vulnerability database (meta data): run `strata db update`", path);
  };
  if (h.meta_size > k_max_meta_size) {
    return corrupt();
  }
  std::string text(h.meta_size, '\0');
  if (::pread(fd, text.data(), text.size(), static_cast<off_t>(h.meta_offset)) !=
          static_cast<ssize_t>(text.size()) ||
      util::xxh3_64(text) != h.meta_xxh3) {
    return corrupt();
  }
  json meta = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!meta.is_object()) {
    return corrupt();
  }
  return meta;
}

}  // namespace

std::string BuildTime::rfc3339() const {
  return util::format_rfc3339(
      fixed.value_or(std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()));
}

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

  std::string dir;
  BuildTime time;  // the meta's "built"
  Output out;
  std::optional<util::TempFile> spill;  // unlinked: nothing is left behind, whatever happens
  std::uint64_t spill_size = 0;         // bytes written to `spill`
  std::string spill_buf;                // bytes not written to `spill` yet
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

  util::Status flush_spill() {
    TRY(util::write_all(spill->fd(), spill_buf.data(), spill_buf.size(), dir + " (spill file)"));
    spill_size += spill_buf.size();
    spill_buf.clear();
    return {};
  }

  // Appends record `r`'s encoded body, read back from the spill file, to `raw`.
  util::Status read_spilled(std::uint32_t r, std::string& raw) const {
    // pread, not a mapping: the records are read in package order, i.e. at random, and mapped
    // pages of the spill file would stay in the resident set.
    const std::size_t at = raw.size();
    raw.resize(at + records[r].spill_size);
    if (::pread(spill->fd(), raw.data() + at, records[r].spill_size,
                static_cast<off_t>(records[r].spill_offset)) !=
        static_cast<ssize_t>(records[r].spill_size)) {
      return util::input_error("{}: cannot read the spill file: {}", dir,
                               errno != 0 ? std::strerror(errno) : "short read");
    }
    return {};
  }

  std::string_view posting_data(const Posting& p) const {
    return std::string_view(postings_data[p.data_chunk]).substr(p.data_offset, p.data_size);
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

  // --- add(): a record's body into the spill file, its entries into postings ---

  // Whether `rec` is to be stored: false for a duplicate that loses to the copy added before;
  // a duplicate that wins retires that copy.
  bool supersede(const OsvRecord& rec) {
    auto seen = by_id.find(rec.id);
    if (seen == by_id.end()) {
      return true;
    }
    ++counts.duplicates;
    Record& old = records[seen->second];
    // The later `modified` (to the second) wins; on a tie, the copy read first.
    if (util::parse_rfc3339(rec.modified).value_or(INT64_MIN) <= old.modified) {
      return false;
    }
    old.live = false;
    --counts.records;
    by_id.erase(seen);
    return true;
  }

  // Stores `rec`'s id and body (spilled); returns its record index.
  util::Result<std::uint32_t> add_record(const OsvRecord& rec) {
    if (records.size() >= UINT32_MAX - 1) {
      return util::input_error("too many records for one database");
    }
    const auto record = static_cast<std::uint32_t>(records.size());
    ids.emplace_back(rec.id);
    Record r{ids.back(), util::parse_rfc3339(rec.modified).value_or(INT64_MIN)};
    r.spill_offset = spill_size + spill_buf.size();
    const std::size_t before = spill_buf.size();
    encode_body(rec, spill_buf);
    r.spill_size = static_cast<std::uint32_t>(spill_buf.size() - before);
    records.push_back(std::move(r));
    by_id.emplace(ids.back(), record);
    ++counts.records;
    if (spill_buf.size() >= k_spill_buffer) {
      TRY(flush_spill());
    }
    return record;
  }

  // One posting per (ecosystem, name) the record names, holding all its entries for it.
  void add_postings(const OsvRecord& rec, std::uint32_t record) {
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
      std::uint32_t n = 0;
      std::string entries;
      for (std::size_t j = i; j < rec.affected.size(); ++j) {
        const auto& b = rec.affected[j];
        if (!done[j] && b.ecosystem == a.ecosystem && names[j] == names[i]) {
          done[j] = true;
          encode_affected(b, entries);
          ++n;
          ++counts.affected;
        }
      }
      std::string data;
      util::codec::Writer(data).varint(n);
      data += entries;
      add_posting(key_id(a.ecosystem, names[i]), record, data);
    }
  }

  void add_posting(std::uint32_t key, std::uint32_t record, std::string_view data) {
    if (postings_data.empty() ||
        postings_data.back().size() + data.size() > postings_data.back().capacity()) {
      postings_data.emplace_back().reserve(std::max<std::size_t>(k_postings_chunk, data.size()));
    }
    std::string& chunk = postings_data.back();
    postings.push_back(Posting{key, record, static_cast<std::uint32_t>(postings_data.size() - 1),
                               static_cast<std::uint32_t>(chunk.size()),
                               static_cast<std::uint32_t>(data.size())});
    chunk += data;
  }

  // --- commit(): the phases, in the order they run ---

  KeyOrder order_keys() const {
    KeyOrder o;
    std::vector<std::uint32_t> eco_order = identity(ecos.size());
    std::sort(eco_order.begin(), eco_order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return ecos[a] < ecos[b]; });
    const std::vector<std::uint32_t> eco_rank = ranks_of(eco_order);
    for (std::uint32_t e : eco_order) {
      o.ecosystems.push_back(ecos[e]);
    }
    o.key_eco.resize(keys.size());
    for (std::uint32_t k = 0; k < keys.size(); ++k) {
      o.key_eco[k] = eco_rank[key_eco[k]];
    }
    // Ecosystems are compared by their rank, so names are compared only within one.
    std::vector<std::uint32_t> by_eco = identity(keys.size());
    std::vector<std::uint32_t> by_name = by_eco;
    std::sort(by_eco.begin(), by_eco.end(), [&](std::uint32_t a, std::uint32_t b) {
      return o.key_eco[a] != o.key_eco[b] ? o.key_eco[a] < o.key_eco[b] : key_name[a] < key_name[b];
    });
    std::sort(by_name.begin(), by_name.end(), [&](std::uint32_t a, std::uint32_t b) {
      int c = key_name[a].compare(key_name[b]);
      return c != 0 ? c < 0 : o.key_eco[a] < o.key_eco[b];
    });
    o.rank = ranks_of(by_eco);
    o.name_rank = ranks_of(by_name);
    return o;
  }

  // Bodies, clustered by package: a record goes with the first package (by name) it names. A
  // record that names no package cannot be found by a lookup and is not written.
  std::vector<std::uint32_t> order_bodies(const KeyOrder& order) const {
    std::vector<std::uint32_t> cluster(records.size(), k_no_cluster);
    for (const auto& p : postings) {
      cluster[p.record] = std::min(cluster[p.record], order.name_rank[p.key]);
    }
    std::vector<std::uint32_t> body_order;
    for (std::uint32_t r = 0; r < records.size(); ++r) {
      if (cluster[r] != k_no_cluster) {
        body_order.push_back(r);
      }
    }
    std::sort(body_order.begin(), body_order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return cluster[a] != cluster[b] ? cluster[a] < cluster[b] : records[a].id < records[b].id;
    });
    return body_order;
  }

  // Writes the body blocks, records in `body_order`, each block closed once past
  // k_body_block_target; their entries go to `table`. Returns where each record's body went.
  util::Result<std::vector<BodyRef>> write_body_blocks(const std::vector<std::uint32_t>& body_order,
                                                       std::vector<BlockRef>& table) {
    std::vector<BodyRef> body_ref(records.size());
    BlockWriter writer(out,
                       [&](const PendingBlock&, const BlockRef& ref) { table.push_back(ref); });
    std::string raw;
    for (std::uint32_t r : body_order) {
      if (raw.size() >= k_body_block_target) {
        TRY(writer.add(std::exchange(raw, {})));
      }
      body_ref[r] = BodyRef{writer.count(), static_cast<std::uint32_t>(raw.size())};
      TRY(read_spilled(r, raw));
    }
    if (!raw.empty()) {
      TRY(writer.add(std::move(raw)));
    }
    TRY(writer.flush());
    return body_ref;
  }

  // Postings by package (the index order), then by advisory id.
  void sort_postings(const KeyOrder& order) {
    std::sort(postings.begin(), postings.end(), [&](const Posting& a, const Posting& b) {
      if (a.key != b.key) {
        return order.rank[a.key] < order.rank[b.key];
      }
      return records[a.record].id < records[b.record].id;
    });
  }

  // Appends the `package` of postings [begin, end) (all of one key) to `raw`.
  void encode_package(std::size_t begin, std::size_t end, std::uint32_t eco,
                      const std::vector<BodyRef>& body_ref, std::string& raw, EcoCount& count) {
    std::string items;
    util::codec::Writer iw(items);
    iw.varint(end - begin);
    ++count.packages;
    for (std::size_t j = begin; j < end; ++j) {
      const Posting& p = postings[j];
      iw.str(records[p.record].id);
      iw.varint(body_ref[p.record].block);
      iw.varint(body_ref[p.record].offset);
      const std::string_view data = posting_data(p);
      items.append(data);
      count.entries += util::codec::Reader(data).varint();
      count.records.push_back(p.record);
    }
    util::codec::Writer w(raw);
    w.varint(eco);
    w.str(key_name[postings[begin].key]);
    w.varint(items.size());
    w.raw(items);
  }

  // Writes the package blocks (postings sorted), each ending at a package boundary once past
  // k_package_block_target, counting into `eco_counts`. Returns the `fences` section.
  util::Result<std::string> write_package_blocks(const KeyOrder& order,
                                                 const std::vector<BodyRef>& body_ref,
                                                 std::vector<EcoCount>& eco_counts) {
    std::string fence_table;
    std::string fence_names;
    BlockWriter writer(out, [&](const PendingBlock& b, const BlockRef& ref) {
      encode_fence(FenceEntry{b.ecosystem, static_cast<std::uint32_t>(fence_names.size()),
                              static_cast<std::uint32_t>(b.name.size()), ref},
                   fence_table);
      fence_names.append(b.name);
    });
    std::string raw;
    std::uint32_t first_eco = 0;  // the block's first package
    std::string_view first_name;
    for (std::size_t i = 0; i < postings.size();) {
      const std::uint32_t key = postings[i].key;
      std::size_t end = i;
      while (end < postings.size() && postings[end].key == key) {
        ++end;
      }
      if (raw.empty()) {
        first_eco = order.key_eco[key];
        first_name = key_name[key];
      }
      encode_package(i, end, order.key_eco[key], body_ref, raw, eco_counts[order.key_eco[key]]);
      i = end;
      if (raw.size() >= k_package_block_target) {
        TRY(writer.add(std::exchange(raw, {}), first_eco, first_name));
      }
    }
    if (!raw.empty()) {
      TRY(writer.add(std::move(raw), first_eco, first_name));
    }
    TRY(writer.flush());
    std::string fences;
    util::codec::Writer(fences).u32le(writer.count());
    return fences + fence_table + fence_names;
  }

  // Writes `bytes` as a section and returns where it is and its checksum, for the header.
  util::Status write_section(std::string_view bytes, std::uint64_t& offset, std::uint64_t& xxh3) {
    offset = out.offset;
    xxh3 = util::xxh3_64(bytes);
    return out.write(bytes);
  }

  // Appends `meta`, writes the header (`h` with the meta and file size filled in) at offset 0,
  // syncs, and renames the file into place.
  util::Status finish(DbHeader h, const json& meta) {
    const std::string text = meta.dump();
    h.meta_size = text.size();
    TRY(write_section(text, h.meta_offset, h.meta_xxh3));
    h.file_size = out.offset;
    const std::string header = encode_header(h);
    if (::pwrite(out.file->fd(), header.data(), header.size(), 0) !=
        static_cast<ssize_t>(header.size())) {
      return util::input_error("{}: write error: {}", out.file->path(), std::strerror(errno));
    }
    TRY(out.file->sync_and_close());
    TRY(out.file->rename_to(dir + "/" + k_db_file_name));
    if (auto st = sync_path(dir); !st) {
      LOG_DEBUG("{}", st.error().message);  // the rename happened; a failed dir sync is not fatal
    }
    return {};
  }
};

util::Result<StoreBuilder> StoreBuilder::create(const std::string& dir, BuildTime time) {
  TRY(util::make_dirs(dir));
  auto st = std::make_unique<State>();
  st->dir = dir;
  st->time = time;
  const std::string prefix = dir + "/" + k_db_file_name + ".tmp.";
  TRY_ASSIGN(util::TempFile out, util::TempFile::create(prefix));
  st->out.file.emplace(std::move(out));
  TRY_ASSIGN(util::TempFile spill, util::TempFile::create(prefix));
  spill.unlink();
  st->spill.emplace(std::move(spill));
  // The header is written last, over these zeros, once every offset is known.
  TRY(st->out.write(std::string(k_header_size, '\0')));
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
  if (!rec.withdrawn.empty()) {
    ++m->counts.withdrawn;
    return {};
  }
  if (!m->supersede(rec)) {
    return {};
  }
  TRY_ASSIGN(const std::uint32_t record, m->add_record(rec));
  m->add_postings(rec, record);
  return {};
}

util::Status StoreBuilder::commit(const std::vector<std::string>& sources,
                                  const std::string& exports_json) {
  State& s = *m;
  const auto t0 = std::chrono::steady_clock::now();
  auto ms = [&] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  };
  TRY(s.flush_spill());
  // Superseded duplicates lose their postings (and their bodies are not written).
  std::erase_if(s.postings, [&](const State::Posting& p) { return !s.records[p.record].live; });

  const KeyOrder order = s.order_keys();
  LOG_DEBUG("database build: {} packages sorted at {:.0f} ms", s.keys.size(), ms());
  const std::vector<std::uint32_t> body_order = s.order_bodies(order);
  LOG_DEBUG("database build: {} bodies ordered at {:.0f} ms", body_order.size(), ms());
  std::vector<BlockRef> body_table;
  TRY_ASSIGN(const std::vector<BodyRef> body_ref, s.write_body_blocks(body_order, body_table));
  LOG_DEBUG("database build: {} body blocks written at {:.0f} ms", body_table.size(), ms());
  s.sort_postings(order);
  std::vector<EcoCount> eco_counts(order.ecosystems.size());
  TRY_ASSIGN(const std::string fences, s.write_package_blocks(order, body_ref, eco_counts));
  LOG_DEBUG("database build: {} package blocks written at {:.0f} ms",
            util::codec::Reader(fences).u32le(), ms());

  DbHeader h;
  h.version = k_format_version;
  h.fences_size = fences.size();
  TRY(s.write_section(fences, h.fences_offset, h.fences_xxh3));
  std::string table;
  for (const auto& ref : body_table) {
    encode_body_entry(ref, table);
  }
  h.body_count = body_table.size();
  TRY(s.write_section(table, h.body_table_offset, h.body_table_xxh3));

  json meta{{"format_version", k_format_version},
            {"built", s.time.rfc3339()},
            {"generator", std::string("strata ") + STRATA_VERSION},
            {"sources", sources},
            {"record_count", s.counts.records},
            {"withdrawn", s.counts.withdrawn},
            {"failed", s.counts.failed},
            {"duplicates", s.counts.duplicates},
            {"ecosystems", ecosystems_json(order.ecosystems, eco_counts)}};
  if (!exports_json.empty()) {
    meta["exports"] = json::parse(exports_json);
  }
  return s.finish(h, meta);
}

util::Status refresh_store(const std::string& dir, const std::string& exports_json,
                           BuildTime time) {
  const std::string path = dir + "/" + k_db_file_name;
  util::UniqueFd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) {
    return util::input_error("{}: {}", path, std::strerror(errno));
  }
  TRY_ASSIGN(DbHeader h, read_header(in.get(), path));
  TRY_ASSIGN(json meta, read_meta(in.get(), h, path));
  meta["built"] = time.rfc3339();
  meta["generator"] = std::string("strata ") + STRATA_VERSION;
  meta["exports"] = json::parse(exports_json);

  TRY_ASSIGN(StoreBuilder builder, StoreBuilder::create(dir, time));
  Output& out = builder.m->out;
  // Everything between the header and the meta (blocks, fences, body table) is copied as is.
  TRY(copy_range(in.get(), out.file->fd(), k_header_size, h.meta_offset - k_header_size,
                 out.file->path()));
  if (::lseek(out.file->fd(), static_cast<off_t>(h.meta_offset), SEEK_SET) < 0) {
    return util::input_error("{}: {}", out.file->path(), std::strerror(errno));
  }
  out.offset = h.meta_offset;
  return builder.m->finish(h, meta);
}

}  // namespace strata::vulndb
