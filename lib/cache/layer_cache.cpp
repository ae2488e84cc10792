#include "cache/layer_cache.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>

#include "cache/files.hpp"
#include "cache/lease.hpp"
#include "cache/record.hpp"
#include "util/file.hpp"
#include "util/file_lock.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"

namespace strata::cache {
namespace {

constexpr std::string_view k_temp_prefix = ".tmp-";
constexpr std::uint64_t k_max_record_file = k_max_body_size + (64u << 20);

std::string version_json() {
  return nlohmann::json{{"version", k_cache_format_version},
                        {"description", "strata layer cache: zstd records, xxh3 checksums"}}
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

}  // namespace

struct LayerCache::Impl {
  CacheOptions opts;
  std::string ref_dir, lease_dir, lock_path, index_path, version_path;
  bool bypassed = false;
  std::optional<Lease> lease;
  std::vector<std::string> warnings;
  std::uint64_t discarded = 0;
  std::vector<std::string> doomed;  // record files to delete once the index is saved
  std::mutex mutex;

  TimePoint now() const { return opts.clock ? opts.clock() : std::chrono::system_clock::now(); }
  std::string record_path(const std::string& diff_id) const {
    return ref_dir + "/" + layer_id(diff_id);
  }
  void warn(std::string message) {
    LOG_DEBUG("cache: {}", message);
    warnings.push_back(std::move(message));
  }

  // The index as this object last read or wrote it, valid while the token in the lock file and
  // cacher.json's inode, size and mtime are unchanged: a process doing several operations in a
  // row parses the index once. Every save writes a new random token first.
  std::optional<Index> cached;
  std::string cached_token;
  std::optional<FileInfo> cached_file;
  int lock_fd = -1;  // the descriptor of the lock this object holds (valid under the lock)

  util::Result<util::FileLock> lock() {
    auto l = util::FileLock::acquire(lock_path);
    if (!l) {
      return l.error().wrap("layer cache");
    }
    lock_fd = l->fd();
    return l;
  }

  std::string read_token() const {
    char buf[16];
    ssize_t n = ::pread(lock_fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }
  util::Status write_token(const std::string& token) const {
    if (::pwrite(lock_fd, token.data(), token.size(), 0) != static_cast<ssize_t>(token.size())) {
      return util::input_error("{}: cannot write: {}", lock_path, std::strerror(errno));
    }
    return {};
  }

  // Writes the index, then deletes the record files it no longer lists (`doomed`): a process
  // killed in between leaves unindexed files, which open() sweeps, never an index entry without
  // its file.
  util::Status save(const Index& index) {
    std::vector<std::string> files = std::exchange(doomed, {});
    cached.reset();
    std::random_device rd;
    const std::string token = fmt::format("{:08x}{:08x}", rd(), rd());
    auto st = write_token(token);
    if (st) {
      st = replace_file_via_prev(index_path, serialize_index(index));
    }
    if (!st) {
      return st.error().wrap("layer cache index");
    }
    for (const auto& f : files) {
      remove_file(f);
    }
    cached_file = stat_file(index_path);
    if (cached_file) {
      cached = index;
      cached_token = token;
    }
    return {};
  }

  // Reads and verifies one record file; the error says why it is not usable.
  util::Result<RecordHeader> read_record(const std::string& diff_id, std::string& bytes) const {
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

  // Deletes a record that cannot be trusted and forgets it.
  void discard(Index& index, const std::string& diff_id, std::string_view why) {
    doomed.push_back(record_path(diff_id));
    index.erase(diff_id);
    ++discarded;
    warn(fmt::format("discarded cached layer {}: {}", diff_id, why));
  }

  // Rebuilds the index from the record files (lock held): verified records are kept with
  // reference_count 0 and their file time as last_referred; the others are deleted.
  Index rebuild() {
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

  // Reads the index (lock held); a missing index with records present, or a damaged one, is
  // rebuilt from the record files and saved.
  util::Result<Index> load() {
    const std::string token = read_token();
    auto file = stat_file(index_path);
    if (cached && file && cached_file == file && token == cached_token) {
      return *cached;
    }
    cached.reset();
    auto text = util::read_file(index_path);
    if (!text && !stat_file(index_path)) {
      text = util::read_file(index_path + ".prev");  // a writer died between its two renames
    }
    if (text) {
      auto index = parse_index(*text);
      if (index) {
        if (file) {
          cached = *index;
          cached_file = file;
          cached_token = token;
        }
        return index;
      }
      warn(fmt::format("{}: damaged ({}); rebuilt from the record files", index_path,
                       index.error().message));
    } else {
      auto names = list_dir(ref_dir);
      if (std::none_of(names.begin(), names.end(),
                       [](const std::string& n) { return diff_id_of_layer_id(n).has_value(); })) {
        return Index{};
      }
      warn(fmt::format("{}: missing; rebuilt from the record files", index_path));
    }
    Index index = rebuild();
    TRY(save(index));
    return index;
  }

  // Lock held: removes temp files of dead processes, unindexed records, entries without a file
  // or whose file has another size, and index temp files (only written under the lock).
  void sweep(Index& index) {
    LiveLeases live = scan_leases(lease_dir, lease ? &*lease : nullptr);
    std::set<std::string> on_disk;
    for (const auto& name : list_dir(ref_dir)) {
      if (name.starts_with(k_temp_prefix)) {
        std::string_view rest = std::string_view(name).substr(k_temp_prefix.size());
        std::string id(rest.substr(0, rest.rfind('.')));
        if (live.ids.count(id) == 0) {
          remove_file(ref_dir + "/" + name);
        }
        continue;
      }
      auto diff_id = diff_id_of_layer_id(name);
      if (!diff_id) {
        continue;
      }
      auto it = index.records.find(*diff_id);
      auto info = stat_file(record_path(*diff_id));
      if (it == index.records.end()) {
        remove_file(record_path(*diff_id));  // renamed into place, never indexed
      } else if (!info || info->size != it->second.size) {
        discard(index, *diff_id, "its size differs from the index");
      } else {
        on_disk.insert(*diff_id);
      }
    }
    std::vector<std::string> missing;
    for (const auto& [diff_id, e] : index.records) {
      if (on_disk.count(diff_id) == 0) {
        missing.push_back(diff_id);
      }
    }
    for (const auto& diff_id : missing) {
      index.erase(diff_id);
    }
    const std::string index_name = index_path.substr(index_path.rfind('/') + 1);
    for (const auto& name : list_dir(opts.dir)) {
      if (name.starts_with(index_name + ".tmp.") ||
          (name == index_name + ".prev" && stat_file(index_path))) {
        remove_file(opts.dir + "/" + name);
      }
    }
  }

  // Removes the records in `order` that are not leased, until `done(index, next)` says stop;
  // returns counts.
  template <typename Done>
  PruneResult remove_unleased(Index& index, const std::vector<std::string>& order,
                              const std::set<std::string>& leased, Done done) {
    PruneResult r;
    for (const auto& diff_id : order) {
      if (done(index, diff_id)) {
        break;
      }
      if (leased.count(diff_id) != 0) {
        ++r.kept_in_use;
        continue;
      }
      r.removed_bytes += index.records[diff_id].size;
      ++r.removed;
      doomed.push_back(record_path(diff_id));
      index.erase(diff_id);
    }
    r.remaining = index.records.size();
    r.remaining_bytes = index.total_size();
    return r;
  }

  // Renames the temp record `tmp` into place as `key`'s record and indexes it, unless another
  // process stored the same key with this analyzer first (then `tmp` is dropped and that record
  // kept). Under the file lock. True when this call's record was renamed into place.
  util::Result<bool> place_record(Index& index, const std::string& key, const std::string& tmp,
                                  std::uint64_t size, bool replace) {
    const std::string path = record_path(key);
    auto existing = index.records.find(key);
    const bool same = existing != index.records.end() &&
                      existing->second.analyzer_version == opts.analyzer_version && stat_file(path);
    if (same && !replace) {
      remove_file(tmp);
      return false;
    }
    if (same) {  // a fuller analysis of the same layer: its counters stay
      if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        remove_file(tmp);
        return util::input_error("layer cache: {}: cannot rename into place: {}", path,
                                 std::strerror(err));
      }
      existing->second.size = size;
      existing->second.last_referred = now();
      return true;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      remove_file(tmp);
      return util::input_error("layer cache: {}: cannot rename into place: {}", path,
                               std::strerror(err));
    }
    index.records[key] = IndexEntry{size, 0, now(), opts.analyzer_version};
    return true;
  }

  // The index is over the cap after storing `key`: evicts unleased records, least recently
  // referred first, down to the low-water mark; `key` goes last. When records in use by live
  // scans still fill the cap, `key` itself is dropped (its file removed once unlocked).
  void evict_for(Index& index, const std::string& key) {
    LiveLeases live = scan_leases(lease_dir, &*lease);
    const std::uint64_t low_water = opts.max_bytes / 100 * opts.low_water_percent +
                                    opts.max_bytes % 100 * opts.low_water_percent / 100;
    auto order = lru_order(index);
    std::erase(order, key);
    order.push_back(key);
    live.keys.insert(key);
    remove_unleased(index, order, live.keys, [&](const Index& i, const std::string&) {
      return i.total_size() <= low_water;
    });
    if (index.total_size() > opts.max_bytes) {
      doomed.push_back(record_path(key));
      index.erase(key);
      warn(fmt::format("layer {} not cached: records in use fill the cache cap", key));
    }
  }

  // Keys sorted least recently referred first (ties by key, so the order is total).
  static std::vector<std::string> lru_order(const Index& index) {
    std::vector<std::string> keys;
    for (const auto& [k, e] : index.records) {
      keys.push_back(k);
    }
    std::stable_sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
      return index.records.at(a).last_referred < index.records.at(b).last_referred;
    });
    return keys;
  }

  util::Status open_locked() {
    auto version_text = util::read_file(version_path);
    bool has_data = stat_file(index_path).has_value() || !list_dir(ref_dir).empty();
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
    if (version != k_cache_format_version) {
      if (has_data) {
        // Older (or unreadable) format: drop every record and the index, keep the directory.
        for (const auto& name : list_dir(ref_dir)) {
          remove_file(ref_dir + "/" + name);
        }
        remove_file(index_path);
        remove_file(index_path + ".prev");
        if (version_text) {
          warn(fmt::format("{}: older cache format; the cache was emptied", opts.dir));
        }
      }
      TRY(util::make_dirs(ref_dir));
      TRY(util::make_dirs(lease_dir));
      auto st = replace_file(version_path, version_json());
      if (!st) {
        return st.error().wrap("layer cache");
      }
    }
    TRY(util::make_dirs(ref_dir));
    TRY(util::make_dirs(lease_dir));
    TRY_ASSIGN(Lease l, Lease::create(lease_dir));
    lease.emplace(std::move(l));
    TRY_ASSIGN(Index index, load());
    sweep(index);
    return save(index);
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
  impl->index_path = d + "/cacher.json";
  impl->version_path = d + "/version";
  auto made = util::make_dirs(d);
  if (!made) {
    return made.error().wrap("layer cache");
  }
  {
    TRY_ASSIGN(util::FileLock lock, impl->lock());
    TRY(impl->open_locked());
  }
  return LayerCache(std::move(impl));
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
  TRY_ASSIGN(util::FileLock lock, m.lock());
  TRY_ASSIGN(Index index, m.load());
  std::string key(name);
  if (index.records.count(key) == 0) {
    auto alias = index.aliases.find(key);
    key = alias == index.aliases.end() ? std::string() : alias->second;
  }
  std::optional<layer::LayerAnalysis> result;
  if (!key.empty()) {
    std::string bytes;
    auto header = m.read_record(key, bytes);
    if (!header) {
      m.discard(index, key, header.error().message);
    } else if (header->analyzer_version != m.opts.analyzer_version) {
      m.discard(index, key,
                fmt::format("written by analyzer version '{}'", header->analyzer_version));
    } else if (auto analysis = decode_record(bytes, *header); !analysis) {
      m.discard(index, key, analysis.error().message);
    } else if (!usable || usable(*analysis)) {
      result = std::move(*analysis);
    }
  }
  if (result) {
    ++index.cache_hits;
    IndexEntry& e = index.records[key];
    ++e.reference_count;
    e.last_referred = m.now();
    TRY(m.lease->add(key));
  } else {
    ++index.cache_misses;
  }
  TRY(m.save(index));
  return result;
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
  auto tmp = write_temp(m.ref_dir, fmt::format("{}{}.", k_temp_prefix, m.lease->id()), bytes);
  if (!tmp) {
    return tmp.error().wrap("layer cache: cannot write a record");
  }
  TRY_ASSIGN(util::FileLock lock, m.lock());
  auto index = m.load();
  if (!index) {
    remove_file(*tmp);
    return index.error();
  }
  TRY_ASSIGN(bool renamed, m.place_record(*index, key, *tmp, bytes.size(), replace));
  for (const auto& a : aliases) {
    index->aliases[a] = key;
  }
  TRY(m.lease->add(key));
  index->max_size = m.opts.max_bytes;
  if (index->total_size() > m.opts.max_bytes) {
    m.evict_for(*index, key);
  }
  auto saved = m.save(*index);
  if (!saved && renamed) {
    remove_file(m.record_path(key));
  }
  return saved;
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
  TRY_ASSIGN(util::FileLock lock, m.lock());
  TRY_ASSIGN(Index index, m.load());
  s.cache_hits = index.cache_hits;
  s.cache_misses = index.cache_misses;
  s.record_count = index.records.size();
  s.record_total_size = index.total_size();
  s.max_size = index.max_size;
  return s;
}

util::Result<CacheData> LayerCache::data() const {
  Impl& m = *m_impl;
  CacheData d;
  if (m.bypassed) {
    return d;
  }
  std::lock_guard guard(m.mutex);
  TRY_ASSIGN(util::FileLock lock, m.lock());
  TRY_ASSIGN(Index index, m.load());
  d.cache_hits = index.cache_hits;
  d.cache_misses = index.cache_misses;
  d.record_total_size = index.total_size();
  for (const auto& [diff_id, e] : index.records) {
    d.records.push_back(RecordInfo{layer_id(diff_id), e.size, e.reference_count, e.last_referred});
  }
  return d;
}

util::Result<PruneResult> LayerCache::prune(std::optional<std::uint64_t> max_bytes,
                                            std::optional<std::chrono::seconds> older_than) {
  Impl& m = *m_impl;
  if (m.bypassed) {
    return util::input_error("{}: the cache has a newer format version; not touched", m.opts.dir);
  }
  std::lock_guard guard(m.mutex);
  TRY_ASSIGN(util::FileLock lock, m.lock());
  TRY_ASSIGN(Index index, m.load());
  LiveLeases live = scan_leases(m.lease_dir, &*m.lease);
  PruneResult total;
  auto add = [&](const PruneResult& r) {
    total.removed += r.removed;
    total.removed_bytes += r.removed_bytes;
    total.kept_in_use += r.kept_in_use;
  };
  if (older_than) {
    const TimePoint cutoff = m.now() - *older_than;
    add(m.remove_unleased(index, Impl::lru_order(index), live.keys,
                          [&](const Index& i, const std::string& next) {
                            return i.records.at(next).last_referred >= cutoff;
                          }));
  }
  if (max_bytes) {
    add(m.remove_unleased(
        index, Impl::lru_order(index), live.keys,
        [&](const Index& i, const std::string&) { return i.total_size() <= *max_bytes; }));
  }
  total.remaining = index.records.size();
  total.remaining_bytes = index.total_size();
  TRY(m.save(index));
  return total;
}

util::Result<PruneResult> LayerCache::clear() {
  Impl& m = *m_impl;
  if (m.bypassed) {
    return util::input_error("{}: the cache has a newer format version; not touched", m.opts.dir);
  }
  std::lock_guard guard(m.mutex);
  TRY_ASSIGN(util::FileLock lock, m.lock());
  TRY_ASSIGN(Index index, m.load());
  LiveLeases live = scan_leases(m.lease_dir, &*m.lease);
  PruneResult r = m.remove_unleased(index, Impl::lru_order(index), live.keys,
                                    [](const Index&, const std::string&) { return false; });
  index.cache_hits = 0;
  index.cache_misses = 0;
  TRY(m.save(index));
  return r;
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
