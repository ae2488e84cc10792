#include "cache/layer_cache.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>

#include "cache/files.hpp"
#include "cache/index_db.hpp"
#include "cache/lease.hpp"
#include "cache/record.hpp"
#include "cache/trust.hpp"
#include "util/file.hpp"
#include "util/file_lock.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"

namespace strata::cache {
namespace {

constexpr std::string_view k_temp_prefix = ".tmp-";
constexpr std::string_view k_json_temp_prefix = "cacher.json.tmp-";
constexpr std::uint64_t k_max_record_file = k_max_body_size + (64u << 20);
// WAL lengths (pages) at which the index is checkpointed: after a store (a store costs
// milliseconds anyway) or when this object is destroyed; after a lookup only when the WAL has
// grown long without stores (a process that only hits), so that lookups rarely wait for one.
constexpr int k_checkpoint_pages = 1000;
constexpr int k_checkpoint_pages_lookup = 10'000;
// The last format whose index was cacher.json: its records are kept and its index imported.
constexpr std::int64_t k_json_index_format = 1;

std::string version_json() {
  return nlohmann::json{
             {"version", k_cache_format_version},
             {"description", "strata layer cache: zstd records, xxh3 checksums, SQLite index"}}
             .dump() +
         "\n";
}

// The version in a version file; nullopt if it does not parse (treated as older).
std::optional<std::int64_t> parse_version(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_object() && j.contains("version") && j["version"].is_number_integer()) {
    return j["version"].get<std::int64_t>();
  }
  return std::nullopt;
}

// The lease id in a temp file name "<prefix><lease id>.XXXXXX".
std::string owner_of_temp(std::string_view name, std::string_view prefix) {
  std::string_view rest = name.substr(prefix.size());
  return std::string(rest.substr(0, rest.rfind('.')));
}

}  // namespace

struct LayerCache::Impl {
  CacheOptions opts;
  std::string ref_dir, lease_dir, lock_path, db_path, json_path, version_path;
  bool bypassed = false;
  std::string fill_dir() const { return opts.dir + "/fill"; }
  std::optional<Lease> lease;
  std::optional<IndexDb> db;
  std::vector<std::string> warnings;
  std::uint64_t discarded = 0;
  std::mutex mutex;

  ~Impl() {
    if (db) {
      db->checkpoint(k_checkpoint_pages);
    }
  }

  // Record files the current write transaction unindexes, renamed out of the way by doom():
  // (record path, temp path).
  std::vector<std::pair<std::string, std::string>> doomed;

  // Inside a write transaction: moves `diff_id`'s record file to a temp name (this lease's), so
  // that deleting it happens after the commit, without the write lock (on a file system mounted
  // with `discard` one unlink takes milliseconds: evicting 19,000 records held the lock for a
  // minute), and a store of the same key meanwhile is not what gets deleted. A process killed in
  // between leaves temp files, swept like any other.
  void doom(const std::string& diff_id) {
    std::string path = record_path(diff_id);
    std::string tmp = fmt::format("{}/{}{}.{}", ref_dir, k_temp_prefix, lease->id(),
                                  std::string_view(diff_id).substr(diff_id.find(':') + 1));
    if (::rename(path.c_str(), tmp.c_str()) == 0) {
      doomed.emplace_back(std::move(path), std::move(tmp));
    }
  }
  // After the transaction: deletes the doomed files if it committed, else puts them back.
  struct Settle {
    Impl& m;
    bool committed = false;
    ~Settle() {
      for (const auto& [path, tmp] : m.doomed) {
        if (committed) {
          remove_file(tmp);
        } else {
          ::rename(tmp.c_str(), path.c_str());
        }
      }
      m.doomed.clear();
    }
  };

  TimePoint now() const { return opts.clock ? opts.clock() : std::chrono::system_clock::now(); }
  std::string record_path(const std::string& diff_id) const {
    return ref_dir + "/" + layer_id(diff_id);
  }
  void warn(std::string message) {
    LOG_DEBUG("cache: {}", message);
    warnings.push_back(std::move(message));
  }
  // For index writes whose failure must not change an answer (counting a hit or a miss).
  void soft(const util::Status& st) {
    if (!st && !db->damaged()) {  // damage: recovering() rebuilds the index, and says so
      warn(fmt::format("layer cache index not updated: {}", st.error().message));
    }
  }

  // Reads and verifies one record file; the error says why it is not usable.
  util::Result<RecordHeader> read_record(const std::string& diff_id, std::string& bytes) const {
    if (!opts.hmac_key) {
      TRY(check_private(record_path(diff_id)));  // only a signature makes a foreign record safe
    }
    auto content = util::read_file(record_path(diff_id), k_max_record_file);
    if (!content) {
      return content.error();
    }
    bytes = std::move(*content);
    TRY_ASSIGN(RecordHeader header, verify_record(bytes, opts.hmac_key));
    if (header.key != diff_id) {
      return util::input_error("record is for another layer ({})", header.key);
    }
    return header;
  }

  // --- Opening: creating, migrating and rebuilding the index ----------------------------------

  bool has_records() const {
    auto names = list_dir(ref_dir);
    return std::any_of(names.begin(), names.end(),
                       [](const std::string& n) { return diff_id_of_layer_id(n).has_value(); });
  }

  // An index of the record files (lock held): verified records are kept with reference_count 0
  // and their file time as last_referred; the others are deleted.
  Index rebuild_from_records() {
    Index index;
    for (const auto& name : list_dir(ref_dir)) {
      auto diff_id = diff_id_of_layer_id(name);
      if (!diff_id) {
        continue;
      }
      auto info = stat_file(record_path(*diff_id));
      std::string bytes;
      auto header = read_record(*diff_id, bytes);
      if (!header || !info) {
        remove_file(record_path(*diff_id));
        ++discarded;
        continue;
      }
      index.records[*diff_id] = IndexEntry{bytes.size(), 0, info->mtime, header->analyzer_version};
      for (const auto& alias : header->aliases) {
        if (util::parse_digest(alias)) {
          index.aliases[alias] = *diff_id;
        }
      }
    }
    return index;
  }

  // The index of a format-1 directory (cacher.json; cacher.json.prev when a writer died between
  // its two renames). nullopt, with a warning, if it is damaged or missing with records present.
  std::optional<Index> read_json_index() {
    auto text = util::read_file(json_path);
    if (!text && !stat_file(json_path)) {
      text = util::read_file(json_path + ".prev");
    }
    if (text) {
      auto index = parse_index(*text);
      if (index) {
        return std::move(*index);
      }
      warn(fmt::format("{}: damaged ({}); rebuilt from the record files", json_path,
                       index.error().message));
    } else if (has_records()) {
      warn(fmt::format("{}: missing; rebuilt from the record files", json_path));
    }
    return std::nullopt;
  }

  util::Status create_index(const Index& index, bool sweep_needed) {
    auto created = IndexDb::create(db_path, index, sweep_needed);
    if (!created) {
      return created.error().wrap("layer cache index");
    }
    db.emplace(std::move(*created));
    return {};
  }

  // Lock held: leaves `db` open on a usable index of the current format (or `bypassed` set),
  // creating, importing or rebuilding it as the version file and the directory say.
  util::Status open_locked() {
    auto version_text = util::read_file(version_path);
    std::optional<std::int64_t> version;
    if (version_text) {
      version = parse_version(*version_text);
    }
    if (version && *version > k_cache_format_version) {
      bypassed = true;
      warn(
          fmt::format("{}: cache format version {} is newer than this strata's ({}); the cache "
                      "is bypassed",
                      opts.dir, *version, k_cache_format_version));
      return {};
    }
    TRY(util::make_dirs(ref_dir, 0700));
    TRY(util::make_dirs(lease_dir, 0700));
    TRY(util::make_dirs(fill_dir(), 0700));
    if (version == k_cache_format_version) {
      bool damaged = false;
      auto opened = IndexDb::open(db_path, damaged);
      if (opened) {
        db.emplace(std::move(*opened));
        return {};
      }
      if (!damaged) {
        return opened.error().wrap("layer cache");
      }
      const bool existed = stat_file(db_path).has_value();
      Index index = rebuild_from_records();
      if (existed) {
        warn(fmt::format("{}; rebuilt from the record files", opened.error().message));
      } else if (!index.records.empty()) {
        warn(fmt::format("{}: missing; rebuilt from the record files", db_path));
      }
      return create_index(index, false);
    }
    Index index;
    bool imported = false;
    if (version == k_json_index_format) {
      // The previous format: the same records, indexed by cacher.json. Imported once (then
      // swept against ref/), or rebuilt from the records if it is damaged.
      if (auto json = read_json_index()) {
        index = std::move(*json);
        imported = true;
        LOG_INFO("{}: the cache index was imported from cacher.json into index.sqlite", opts.dir);
      } else {
        index = rebuild_from_records();
      }
    } else if (stat_file(json_path) || stat_file(db_path) || !list_dir(ref_dir).empty()) {
      // Older (or unreadable) format: drop every record and the index, keep the directory.
      for (const auto& name : list_dir(ref_dir)) {
        remove_file(ref_dir + "/" + name);
      }
      remove_file(json_path);
      if (version_text) {
        warn(fmt::format("{}: older cache format; the cache was emptied", opts.dir));
      }
    }
    TRY(create_index(index, imported));
    // The JSON index's own leftovers; cacher.json itself stays (it is what was imported).
    for (const auto& name : list_dir(opts.dir)) {
      if (name == "cacher.json.prev" || name.starts_with("cacher.json.tmp.")) {
        remove_file(opts.dir + "/" + name);
      }
    }
    // Written last: a process killed before this point leaves the old version, and the next
    // open does it all again from the start.
    auto st = replace_file(version_path, version_json());
    if (!st) {
      return st.error().wrap("layer cache");
    }
    return {};
  }

  // Opens the index: without the lock when the version is current and the index opens (the
  // usual case), else under it (open_locked).
  util::Status open_index() {
    auto version_text = util::read_file(version_path);
    if (version_text && parse_version(*version_text) == k_cache_format_version) {
      bool damaged = false;
      auto opened = IndexDb::open(db_path, damaged);
      if (opened) {
        db.emplace(std::move(*opened));
        TRY(util::make_dirs(ref_dir, 0700));
        TRY(util::make_dirs(fill_dir(), 0700));
        return util::make_dirs(lease_dir, 0700);
      }
    }
    auto lock = util::FileLock::acquire(lock_path);
    if (!lock) {
      return lock.error().wrap("layer cache");
    }
    return open_locked();
  }

  // After a statement found the index damaged: takes the lock, then opens the index another
  // process rebuilt meanwhile, or rebuilds it from the record files.
  // Also used when `db` is empty (a recovery failed): then any index at the path is tried.
  util::Status recover() {
    auto lock = util::FileLock::acquire(lock_path);
    if (!lock) {
      return lock.error().wrap("layer cache");
    }
    const ino_t damaged_inode = db ? db->inode() : 0;
    db.reset();
    struct stat st {};
    if (::stat(db_path.c_str(), &st) == 0 && st.st_ino != damaged_inode) {
      bool damaged = false;
      auto opened = IndexDb::open(db_path, damaged);
      if (opened) {
        db.emplace(std::move(*opened));
        return {};
      }
    }
    Index index = rebuild_from_records();
    warn(fmt::format("{}: damaged; rebuilt from the record files", db_path));
    return create_index(index, false);
  }

  // Runs `op`; if it found the index damaged, recovers, and runs it once more if it failed.
  template <typename Op>
  auto recovering(Op op) -> decltype(op()) {
    if (!db) {
      auto st = recover();
      if (!st) {
        return std::move(st).error();
      }
    }
    auto r = op();
    if (!db || !db->damaged()) {
      return r;
    }
    auto st = recover();
    if (!st) {
      return std::move(st).error();
    }
    if (r) {
      return r;  // a soft failure (counting a hit or a miss): the answer stands
    }
    return op();
  }

  // --- Sweeping what dead processes left ------------------------------------------------------

  // After this object's lease exists: a stale lease means a process died without cleaning up.
  // The index notes it (sweep_needed) before the lease file goes, so that the sweep still
  // happens if this process dies too; then whoever sees the note sweeps.
  util::Status check_for_leftovers() {
    LiveLeases live = scan_leases(lease_dir, &*lease);
    if (!live.stale.empty()) {
      TRY_ASSIGN(auto txn, db->write_transaction());
      TRY(db->set_counter("sweep_needed", 1));
      TRY(txn.commit());
      remove_stale_leases(live);
    }
    TRY_ASSIGN(IndexCounters c, db->counters());
    if (c.sweep_needed) {
      TRY(sweep());
    }
    return {};
  }

  // Removes temp files of dead processes, unindexed record files, rows whose file is gone, and
  // corrects sizes that differ from the file's (a replacing store killed before its commit: the
  // record itself is verified when read). O(records); the listing is done without the write
  // lock, and each finding is checked again under it: a store renames and indexes in one
  // transaction, so a file without a row under the lock is an orphan.
  util::Status sweep() {
    std::map<std::string, std::uint64_t> on_disk;
    std::vector<std::string> temps;
    for (const auto& name : list_dir(ref_dir)) {
      if (name.starts_with(k_temp_prefix)) {
        temps.push_back(name);
      } else if (auto diff_id = diff_id_of_layer_id(name)) {
        if (auto info = stat_file(record_path(*diff_id))) {
          on_disk.emplace(std::move(*diff_id), info->size);
        }
      }
    }
    std::vector<std::string> json_temps;
    for (const auto& name : list_dir(opts.dir)) {
      if (name.starts_with(k_json_temp_prefix)) {
        json_temps.push_back(name);
      }
    }
    // The leases are read after the listing: a temp file listed was made by a process whose
    // lease existed before it, so an owner missing now is gone (a lease read first could miss a
    // process that started, and wrote a temp file, since).
    LiveLeases live = scan_leases(lease_dir, &*lease);
    for (const auto& name : temps) {
      if (live.ids.count(owner_of_temp(name, k_temp_prefix)) == 0) {
        remove_file(ref_dir + "/" + name);
      }
    }
    for (const auto& name : json_temps) {
      if (live.ids.count(owner_of_temp(name, k_json_temp_prefix)) == 0) {
        remove_file(opts.dir + "/" + name);
      }
    }
    std::vector<std::string> gone, resized;
    TRY(db->for_each([&](const IndexRow& row) {
      auto it = on_disk.find(row.diff_id);
      if (it == on_disk.end()) {
        gone.push_back(row.diff_id);
        return;
      }
      if (it->second != row.entry.size) {
        resized.push_back(row.diff_id);
      }
      on_disk.erase(it);
    }));
    TRY_ASSIGN(auto txn, db->write_transaction());
    for (const auto& [diff_id, size] : on_disk) {
      TRY_ASSIGN(auto row, db->get(diff_id));
      if (!row) {
        remove_file(record_path(diff_id));
      }
    }
    for (const auto& diff_id : gone) {
      if (!stat_file(record_path(diff_id))) {
        TRY(db->erase(diff_id));
      }
    }
    for (const auto& diff_id : resized) {
      auto info = stat_file(record_path(diff_id));
      if (info) {
        TRY(db->set_size(diff_id, info->size));
      }
    }
    TRY(db->set_counter("sweep_needed", 0));
    return txn.commit();
  }

  // --- Lookups ---------------------------------------------------------------------------------

  util::Status count_miss() {
    TRY_ASSIGN(auto txn, db->write_transaction());
    TRY(db->add_to_counter("cache_misses", 1));
    return txn.commit();
  }

  // A hit: reference_count + 1, last_referred = now, cache_hits + 1, leased, in one transaction.
  // The size is the file's (it differs only after a crash during a replacing store).
  util::Status touch(const std::string& diff_id, std::uint64_t size) {
    TRY_ASSIGN(auto txn, db->write_transaction());
    TRY_ASSIGN(bool present, db->touch(diff_id, now(), size));
    (void)present;  // evicted since it was read: still a correct hit
    TRY(db->add_to_counter("cache_hits", 1));
    TRY(lease->add(diff_id));
    return txn.commit();
  }

  // The row names a file that is gone (evicted since the row was read, or a crash's leftover):
  // forgotten, and a miss. Not damage: no warning.
  util::Status forget(const std::string& diff_id) {
    TRY_ASSIGN(auto txn, db->write_transaction());
    if (!stat_file(record_path(diff_id))) {
      TRY(db->erase(diff_id));
    }
    TRY(db->add_to_counter("cache_misses", 1));
    return txn.commit();
  }

  // Deletes a record that cannot be trusted, and counts the miss. `seen` is the file as it was
  // read (null when the row alone said no: another analyzer version): the file is kept if it
  // changed since and now verifies (another process replaced it).
  util::Status discard(const std::string& diff_id, std::string_view why, const std::string* seen) {
    TRY_ASSIGN(auto txn, db->write_transaction());
    TRY_ASSIGN(auto row, db->get(diff_id));
    bool bad = false;
    if (row && seen == nullptr) {
      bad = row->entry.analyzer_version != opts.analyzer_version;
    } else if (row) {
      std::string again;
      auto header = read_record(diff_id, again);
      bad = !header || again == *seen || header->analyzer_version != opts.analyzer_version;
    }
    if (bad) {
      TRY(db->erase(diff_id));
      remove_file(record_path(diff_id));
      ++discarded;
      warn(fmt::format("discarded cached layer {}: {}", diff_id, why));
    }
    TRY(db->add_to_counter("cache_misses", 1));
    return txn.commit();
  }

  util::Result<std::optional<layer::LayerAnalysis>> lookup(
      std::string_view name, const std::function<bool(const layer::LayerAnalysis&)>& usable) {
    using Answer = std::optional<layer::LayerAnalysis>;
    TRY_ASSIGN(std::optional<IndexRow> row, db->find(name));
    if (!row) {
      soft(count_miss());
      return Answer();
    }
    const std::string& key = row->diff_id;
    if (row->entry.analyzer_version != opts.analyzer_version) {
      soft(discard(key,
                   fmt::format("written by analyzer version '{}'", row->entry.analyzer_version),
                   nullptr));
      return Answer();
    }
    // The file is read and checked outside any transaction: other processes go on meanwhile.
    std::string bytes;
    auto header = read_record(key, bytes);
    if (!header) {
      if (!stat_file(record_path(key))) {
        soft(forget(key));
      } else {
        soft(discard(key, header.error().message, &bytes));
      }
      return Answer();
    }
    if (header->analyzer_version != opts.analyzer_version) {
      soft(discard(key, fmt::format("written by analyzer version '{}'", header->analyzer_version),
                   &bytes));
      return Answer();
    }
    auto analysis = decode_record(bytes, *header);
    if (!analysis) {
      soft(discard(key, analysis.error().message, &bytes));
      return Answer();
    }
    if (usable && !usable(*analysis)) {
      soft(count_miss());
      return Answer();
    }
    soft(touch(key, bytes.size()));
    return Answer(std::move(*analysis));
  }

  // --- Stores and evictions ---------------------------------------------------------------------

  // Renames the temp record `tmp` into place as `key`'s record and indexes it with its aliases,
  // unless this analyzer's record of `key` is there (then `tmp` is dropped and that record kept,
  // or with `replace` it takes its place keeping its counters); evicts when over the cap. One
  // transaction.
  util::Status place_record(const std::string& key, const std::string& tmp, std::uint64_t size,
                            const std::vector<std::string>& aliases, bool replace) {
    const std::string path = record_path(key);
    TRY_ASSIGN(auto txn, db->write_transaction());
    Settle settle{*this};
    TRY_ASSIGN(auto existing, db->get(key));
    const bool same =
        existing && existing->entry.analyzer_version == opts.analyzer_version && stat_file(path);
    bool renamed_new = false;
    auto st = [&]() -> util::Status {
      if (same && !replace) {
        remove_file(tmp);
      } else {
        if (::rename(tmp.c_str(), path.c_str()) != 0) {
          return util::input_error("layer cache: {}: cannot rename into place: {}", path,
                                   std::strerror(errno));
        }
        renamed_new = !existing;
        IndexRow row{key, IndexEntry{size, same ? existing->entry.reference_count : 0, now(),
                                     opts.analyzer_version}};
        TRY(existing ? db->update(row) : db->insert(row));
      }
      for (const auto& a : aliases) {
        TRY(db->add_alias(a, key));
      }
      TRY(lease->add(key));
      TRY(db->set_counter("max_size", opts.max_bytes));
      TRY_ASSIGN(IndexCounters c, db->counters());
      if (c.total_size > opts.max_bytes) {
        TRY(evict_for(key, c.total_size));
      }
      TRY(txn.commit());
      settle.committed = true;
      return util::Status();
    }();
    if (!st) {
      remove_file(tmp);
      if (renamed_new) {
        remove_file(path);  // not indexed: would be an orphan
      }
    }
    return st;
  }

  // Within a store's transaction, the total over the cap after storing `key`: evicts unleased
  // records, least recently referred first, down to the low-water mark; `key` goes last. When
  // records in use by live scans still fill the cap, `key` itself is dropped.
  util::Status evict_for(const std::string& key, std::uint64_t total) {
    LiveLeases live = scan_leases(lease_dir, &*lease);
    live.keys.insert(key);
    const std::uint64_t low_water = opts.max_bytes / 100 * opts.low_water_percent +
                                    opts.max_bytes % 100 * opts.low_water_percent / 100;
    std::vector<std::string> victims;
    TRY(db->for_each_lru([&](const IndexRow& row) {
      if (total <= low_water) {
        return false;
      }
      if (live.keys.count(row.diff_id) == 0) {
        victims.push_back(row.diff_id);
        total -= row.entry.size;
      }
      return true;
    }));
    for (const auto& diff_id : victims) {
      TRY(db->erase(diff_id));
      doom(diff_id);
    }
    if (total > opts.max_bytes) {
      TRY(db->erase(key));
      doom(key);
      warn(fmt::format("layer {} not cached: records in use fill the cache cap", key));
    }
    return {};
  }

  // --- Pruning -----------------------------------------------------------------------------------

  // In a write transaction: removes, in LRU order, the records not leased until `done(row,
  // total)` says stop; counts the leased ones passed over.
  template <typename Done>
  util::Status remove_unleased(const LiveLeases& live, PruneResult& result, Done done) {
    TRY_ASSIGN(IndexCounters c, db->counters());
    std::uint64_t total = c.total_size;
    std::vector<std::string> victims;
    TRY(db->for_each_lru([&](const IndexRow& row) {
      if (done(row, total)) {
        return false;
      }
      if (live.keys.count(row.diff_id) != 0) {
        ++result.kept_in_use;
        return true;
      }
      victims.push_back(row.diff_id);
      total -= row.entry.size;
      result.removed_bytes += row.entry.size;
      ++result.removed;
      return true;
    }));
    for (const auto& diff_id : victims) {
      TRY(db->erase(diff_id));
      doom(diff_id);
    }
    return {};
  }

  // What prune and clear share: under the write lock, `remove` drops records (seeing the live
  // leases, read under the lock: a lease taken before the transaction is seen), and the result
  // counts what remains.
  util::Result<PruneResult> remove_records(
      const std::function<util::Status(const LiveLeases&, PruneResult&)>& remove) {
    if (bypassed) {
      return util::input_error("{}: the cache has a newer format version; not touched", opts.dir);
    }
    std::lock_guard guard(mutex);
    return recovering([&]() -> util::Result<PruneResult> {
      TRY(sweep());
      TRY_ASSIGN(auto txn, db->write_transaction());
      Settle settle{*this};
      LiveLeases live = scan_leases(lease_dir, &*lease);
      PruneResult r;
      TRY(remove(live, r));
      TRY_ASSIGN(IndexCounters c, db->counters());
      r.remaining = c.record_count;
      r.remaining_bytes = c.total_size;
      TRY(txn.commit());
      settle.committed = true;
      return r;
    });
  }
};

LayerCache::LayerCache(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
LayerCache::LayerCache(LayerCache&&) noexcept = default;
LayerCache& LayerCache::operator=(LayerCache&&) noexcept = default;
LayerCache::~LayerCache() = default;

util::Result<LayerCache> LayerCache::open(const CacheOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->opts = options;
  const std::string& d = options.dir;
  if (d.empty()) {
    return util::make_error(util::ErrorCategory::usage, "layer cache: no directory given");
  }
  impl->ref_dir = d + "/ref";
  impl->lease_dir = d + "/leases";
  impl->lock_path = d + "/lock";
  impl->db_path = d + "/index.sqlite";
  impl->json_path = d + "/cacher.json";
  impl->version_path = d + "/version";
  auto made = util::make_dirs(d, 0700);  // private: see cache/trust.hpp
  if (!made) {
    return made.error().wrap("layer cache");
  }
  if (!options.hmac_key) {
    auto trusted = check_cache_trusted(d);
    if (!trusted) {
      return trusted.error().wrap("layer cache not trusted");
    }
  }
  TRY(impl->open_index());
  if (impl->bypassed) {
    return LayerCache(std::move(impl));
  }
  auto lease = Lease::create(impl->lease_dir);
  if (!lease) {
    return lease.error().wrap("layer cache");
  }
  impl->lease.emplace(std::move(*lease));
  Impl& m = *impl;
  auto st = m.recovering([&] { return m.check_for_leftovers(); });
  if (!st) {
    return st.error().wrap("layer cache");
  }
  return LayerCache(std::move(impl));
}

util::Result<std::optional<util::FileLock>> LayerCache::claim_fill(const std::string& key) const {
  // No m_impl->mutex: the wait may be long, and the path is all this reads.
  constexpr std::string_view prefix = "sha256:";
  if (m_impl->bypassed || !key.starts_with(prefix) || key.size() < prefix.size() + 3) {
    return std::optional<util::FileLock>();
  }
  const std::string path = m_impl->fill_dir() + "/" + key.substr(prefix.size(), 3) + ".lock";
  auto lock = util::FileLock::acquire(path, true);
  if (!lock) {
    return lock.error().wrap("layer cache");
  }
  return std::optional<util::FileLock>(std::move(*lock));
}

bool LayerCache::bypassed() const {
  return m_impl->bypassed;
}
const std::string& LayerCache::dir() const {
  return m_impl->opts.dir;
}

util::Result<std::optional<layer::LayerAnalysis>> LayerCache::lookup(
    std::string_view name, const std::function<bool(const layer::LayerAnalysis&)>& usable) {
  if (!util::parse_digest(name)) {
    return util::make_error(util::ErrorCategory::usage, "layer cache: '{}' is not a layer digest",
                            name);
  }
  Impl& m = *m_impl;
  if (m.bypassed) {
    return std::optional<layer::LayerAnalysis>();
  }
  std::lock_guard guard(m.mutex);
  auto r = m.recovering([&] { return m.lookup(name, usable); });
  if (m.db) {
    m.db->checkpoint(k_checkpoint_pages_lookup);
  }
  return r;
}

namespace {

// The other names a record is found by: the given alias and the layer's compressed digest, when
// they are digests other than the diff_id, each once.
std::vector<std::string> record_aliases(const layer::LayerAnalysis& analysis,
                                        std::string_view alias) {
  std::vector<std::string> aliases;
  for (std::string_view a : {alias, std::string_view(analysis.digest)}) {
    if (!a.empty() && a != analysis.diff_id && util::parse_digest(a) &&
        std::find(aliases.begin(), aliases.end(), a) == aliases.end()) {
      aliases.emplace_back(a);
    }
  }
  return aliases;
}

}  // namespace

util::Status LayerCache::store(const layer::LayerAnalysis& analysis, std::string_view alias,
                               bool replace) {
  Impl& m = *m_impl;
  const std::string& key = analysis.diff_id;
  if (!util::parse_digest(key)) {
    return util::input_error("layer cache: cannot store a layer without a diff_id ('{}')", key);
  }
  if (!alias.empty() && !util::parse_digest(alias)) {
    return util::input_error("layer cache: '{}' is not a layer digest", alias);
  }
  if (m.bypassed) {
    return {};
  }
  if (m.opts.max_bytes == 0) {
    return util::make_error(util::ErrorCategory::internal,
                            "layer cache: opened without a size cap; not storing");
  }
  const std::vector<std::string> aliases = record_aliases(analysis, alias);
  TRY_ASSIGN(std::string bytes,
             encode_record(analysis, m.opts.analyzer_version, aliases, m.opts.hmac_key));
  std::lock_guard guard(m.mutex);
  if (bytes.size() > m.opts.max_bytes) {
    m.warn(fmt::format("layer {} not cached: its record ({} bytes) is larger than the cap", key,
                       bytes.size()));
    return {};
  }
  return m.recovering([&]() -> util::Status {
    auto tmp = write_temp(m.ref_dir, fmt::format("{}{}.", k_temp_prefix, m.lease->id()), bytes);
    if (!tmp) {
      return tmp.error().wrap("layer cache: cannot write a record");
    }
    TRY(m.place_record(key, *tmp, bytes.size(), aliases, replace));
    m.db->checkpoint(k_checkpoint_pages);
    return util::Status();
  });
}

util::Result<Stats> LayerCache::stats() const {
  Impl& m = *m_impl;
  Stats s;
  s.dir = m.opts.dir;
  s.bypassed = m.bypassed;
  if (m.bypassed) {
    return s;
  }
  std::lock_guard guard(m.mutex);
  TRY_ASSIGN(IndexCounters c, m.recovering([&] { return m.db->counters(); }));
  s.cache_hits = c.cache_hits;
  s.cache_misses = c.cache_misses;
  s.record_count = c.record_count;
  s.record_total_size = c.total_size;
  s.max_size = c.max_size;
  return s;
}

util::Result<CacheData> LayerCache::data() const {
  Impl& m = *m_impl;
  if (m.bypassed) {
    return CacheData();
  }
  std::lock_guard guard(m.mutex);
  return m.recovering([&]() -> util::Result<CacheData> {
    CacheData d;
    TRY_ASSIGN(auto txn, m.db->read_transaction());
    TRY_ASSIGN(IndexCounters c, m.db->counters());
    d.cache_hits = c.cache_hits;
    d.cache_misses = c.cache_misses;
    d.record_total_size = c.total_size;
    TRY(m.db->for_each([&](const IndexRow& r) {
      d.records.push_back(RecordInfo{layer_id(r.diff_id), r.entry.size, r.entry.reference_count,
                                     r.entry.last_referred});
    }));
    TRY(txn.commit());
    return d;
  });
}

util::Result<std::string> LayerCache::write_cacher_json() const {
  Impl& m = *m_impl;
  if (m.bypassed) {
    return util::input_error("{}: the cache has a newer format version; not touched", m.opts.dir);
  }
  std::lock_guard guard(m.mutex);
  TRY_ASSIGN(Index index, m.recovering([&]() -> util::Result<Index> {
    TRY_ASSIGN(auto txn, m.db->read_transaction());
    TRY_ASSIGN(Index i, m.db->snapshot());
    TRY(txn.commit());
    return i;
  }));
  auto tmp = write_temp(m.opts.dir, fmt::format("{}{}.", k_json_temp_prefix, m.lease->id()),
                        serialize_index(index));
  if (!tmp) {
    return tmp.error().wrap("layer cache: cannot write cacher.json");
  }
  if (::rename(tmp->c_str(), m.json_path.c_str()) != 0) {
    const int err = errno;
    remove_file(*tmp);
    return util::input_error("{}: cannot rename into place: {}", m.json_path, std::strerror(err));
  }
  return m.json_path;
}

util::Result<PruneResult> LayerCache::prune(std::optional<std::uint64_t> max_bytes,
                                            std::optional<std::chrono::seconds> older_than) {
  Impl& m = *m_impl;
  return m.remove_records([&](const LiveLeases& live, PruneResult& r) -> util::Status {
    if (older_than) {
      const TimePoint cutoff = m.now() - *older_than;
      TRY(m.remove_unleased(live, r, [&](const IndexRow& row, std::uint64_t) {
        return row.entry.last_referred >= cutoff;
      }));
    }
    if (max_bytes) {
      TRY(m.remove_unleased(
          live, r, [&](const IndexRow&, std::uint64_t total) { return total <= *max_bytes; }));
    }
    return {};
  });
}

util::Result<PruneResult> LayerCache::clear() {
  Impl& m = *m_impl;
  return m.remove_records([&](const LiveLeases& live, PruneResult& r) -> util::Status {
    TRY(m.remove_unleased(live, r, [](const IndexRow&, std::uint64_t) { return false; }));
    return m.db->reset_hits();
  });
}

void LayerCache::release_leases() {
  std::lock_guard guard(m_impl->mutex);
  if (m_impl->lease) {
    m_impl->lease->clear();
  }
}

std::vector<std::string> LayerCache::take_warnings() {
  std::lock_guard guard(m_impl->mutex);
  return std::exchange(m_impl->warnings, {});
}

std::uint64_t LayerCache::discarded_records() const {
  std::lock_guard guard(m_impl->mutex);
  return m_impl->discarded;
}

util::Result<std::optional<std::string>> resolve_cache_key(
    const std::string& key_file, const std::optional<std::string>& env_key) {
  if (!key_file.empty()) {
    auto key = util::read_file(key_file, 1u << 20);
    if (!key) {
      return key.error().wrap("cache key file");
    }
    if (!key->empty() && key->back() == '\n') {
      key->pop_back();
    }
    if (key->empty()) {
      return util::input_error("cache key file {} is empty", key_file);
    }
    return std::optional<std::string>(std::move(*key));
  }
  if (env_key && !env_key->empty()) {
    return env_key;
  }
  return std::optional<std::string>();
}

}  // namespace strata::cache
