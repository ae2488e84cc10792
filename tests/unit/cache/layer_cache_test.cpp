#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "cache/index.hpp"
#include "cache/layer_cache.hpp"
#include "cache_check.hpp"
#include "synthetic_layer.hpp"

using namespace strata;
using namespace strata::cache;
using namespace strata::cache::testing;
namespace fs = std::filesystem;

namespace {

CacheOptions options(const TempDir& dir, const ManualClock& clock,
                     std::uint64_t max_bytes = 1 << 30) {
  CacheOptions o;
  o.dir = dir.path;
  o.max_bytes = max_bytes;
  o.analyzer_version = "test-1";
  o.clock = clock.fn();
  return o;
}

LayerCache open_cache(const CacheOptions& o) {
  auto c = LayerCache::open(o);
  REQUIRE(c);
  return std::move(*c);
}

// Hit with exactly the stored analysis (a wrong hit fails the test).
bool hits(LayerCache& cache, unsigned n, const std::string& name = "") {
  auto r = cache.lookup(name.empty() ? synthetic_diff_id(n) : name);
  REQUIRE(r);
  if (!r->has_value()) {
    return false;
  }
  REQUIRE(same_layer(**r, synthetic_layer(n)));
  return true;
}

std::string record_file(const TempDir& dir, unsigned n) {
  return dir.path + "/ref/" + layer_id(synthetic_diff_id(n));
}

std::uint64_t file_size(const std::string& path) {
  return fs::file_size(path);
}

}  // namespace

TEST_CASE("store then lookup: hits, misses, aliases and NeuVector's layout") {
  TempDir dir;
  ManualClock clock;
  auto cache = open_cache(options(dir, clock));
  CHECK(fs::exists(dir.path + "/version"));
  CHECK(fs::exists(dir.path + "/lock"));
  CHECK(fs::exists(dir.path + "/index.sqlite"));
  CHECK(slurp(dir.path + "/version").find("\"version\":2") != std::string::npos);

  CHECK_FALSE(hits(cache, 1));
  REQUIRE(cache.store(synthetic_layer(1), synthetic_digest(1)));
  CHECK(fs::exists(record_file(dir, 1)));
  CHECK(hits(cache, 1));
  CHECK(hits(cache, 1, synthetic_digest(1)));  // by compressed digest
  const std::string recompressed = "sha256:" + std::string(64, 'e');
  REQUIRE(cache.store(synthetic_layer(1), recompressed));  // same layer, new alias
  CHECK(hits(cache, 1, recompressed));
  CHECK_FALSE(hits(cache, 2, synthetic_digest(2)));

  auto s = cache.stats();
  REQUIRE(s);
  CHECK(s->cache_hits == 3);
  CHECK(s->cache_misses == 2);
  CHECK(s->record_count == 1);
  CHECK(s->record_total_size == file_size(record_file(dir, 1)));
  CHECK(s->max_size == 1 << 30);

  auto d = cache.data();
  REQUIRE(d);
  REQUIRE(d->records.size() == 1);
  CHECK(d->records[0].layer_id == synthetic_diff_id(1) + "_layer_file");
  CHECK(d->records[0].reference_count == 3);

  // cacher.json is written on demand only, in the JSON index's format.
  CHECK_FALSE(fs::exists(dir.path + "/cacher.json"));
  auto written = cache.write_cacher_json();
  REQUIRE(written);
  CHECK(*written == dir.path + "/cacher.json");
  auto j = nlohmann::json::parse(slurp(dir.path + "/cacher.json"));
  auto parsed = parse_index(slurp(dir.path + "/cacher.json"));
  REQUIRE(parsed);
  CHECK(parsed->cache_hits == 3);
  CHECK(parsed->max_size == 1 << 30);
  CHECK(j["record_count"] == 1);
  auto& rec = j["cache_records"][synthetic_diff_id(1) + "_layer_file"];
  CHECK(rec["reference_count"] == 3);
  CHECK(rec["last_referred"] == "2026-01-01T00:00:00.000000000Z");
  CHECK(j["aliases"][recompressed] == synthetic_diff_id(1));
  CHECK(consistency_problem(dir.path).empty());

  auto bad = cache.lookup("latest");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().category == util::ErrorCategory::usage);
}

TEST_CASE("counters and records persist across processes' opens") {
  TempDir dir;
  ManualClock clock;
  {
    auto cache = open_cache(options(dir, clock));
    REQUIRE(cache.store(synthetic_layer(3), ""));
    CHECK(hits(cache, 3));
  }
  auto cache = open_cache(options(dir, clock));
  CHECK(hits(cache, 3));
  auto s = cache.stats();
  REQUIRE(s);
  CHECK(s->cache_hits == 2);
  CHECK(s->cache_misses == 0);
  CHECK(fs::is_empty(dir.path + "/leases") == false);  // ours only
  CHECK(std::distance(fs::directory_iterator(dir.path + "/leases"), fs::directory_iterator()) == 1);
}

TEST_CASE("a record from another analyzer version is a miss and is deleted") {
  TempDir dir;
  ManualClock clock;
  {
    auto old = open_cache(options(dir, clock));
    REQUIRE(old.store(synthetic_layer(1), ""));
  }
  auto o = options(dir, clock);
  o.analyzer_version = "test-2";
  auto cache = open_cache(o);
  CHECK_FALSE(hits(cache, 1));
  CHECK_FALSE(fs::exists(record_file(dir, 1)));
  CHECK(cache.discarded_records() == 1);
  auto w = cache.take_warnings();
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("analyzer version 'test-1'") != std::string::npos);
  REQUIRE(cache.store(synthetic_layer(1), ""));
  CHECK(hits(cache, 1));
}

TEST_CASE("LRU eviction down to the low-water mark, with exact counts") {
  TempDir dir;
  ManualClock clock;
  // All synthetic layers with the same package count have records of nearly the same size;
  // measure them first.
  std::vector<std::uint64_t> size(12);
  {
    TempDir probe;
    auto c = open_cache(options(probe, clock));
    for (unsigned n = 0; n < 12; ++n) {
      REQUIRE(c.store(synthetic_layer(n), ""));
      size[n] = file_size(probe.path + "/ref/" + layer_id(synthetic_diff_id(n)));
    }
  }
  std::uint64_t first10 = 0;
  for (unsigned n = 0; n < 10; ++n) {
    first10 += size[n];
  }
  const std::uint64_t cap = first10 + size[10] / 2;  // 10 fit, 11 do not
  auto o = options(dir, clock, cap);
  {
    auto writer = open_cache(o);
    for (unsigned n = 0; n < 10; ++n) {
      clock.advance(std::chrono::seconds(1));
      REQUIRE(writer.store(synthetic_layer(n), ""));
    }
    clock.advance(std::chrono::seconds(1));
    CHECK(hits(writer, 0));  // 0 becomes the most recently referred
    clock.advance(std::chrono::nanoseconds(1));
    CHECK(hits(writer, 1));
  }  // its leases end here
  auto cache = open_cache(o);
  clock.advance(std::chrono::seconds(1));
  REQUIRE(cache.store(synthetic_layer(10), ""));
  // Expected: evict in LRU order 2,3,4,... until total <= 90% of cap.
  std::uint64_t total = first10 + size[10];
  const std::uint64_t low_water = cap / 100 * 90 + cap % 100 * 90 / 100;
  std::set<unsigned> evicted;
  for (unsigned n : {2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u}) {
    if (total <= low_water) {
      break;
    }
    total -= size[n];
    evicted.insert(n);
  }
  REQUIRE(evicted.size() == 2);  // 11 records of ~equal size, 90% holds 9
  for (unsigned n = 0; n <= 10; ++n) {
    INFO("layer " << n);
    CHECK(fs::exists(record_file(dir, n)) == (evicted.count(n) == 0));
  }
  auto s = cache.stats();
  REQUIRE(s);
  CHECK(s->record_count == 9);
  CHECK(s->record_total_size == total);
  CHECK(s->record_total_size <= cap);
  CHECK(consistency_problem(dir.path).empty());
}

TEST_CASE("a record larger than the cap is not stored") {
  TempDir dir;
  ManualClock clock;
  auto cache = open_cache(options(dir, clock, 200));
  REQUIRE(cache.store(synthetic_layer(1), ""));
  CHECK_FALSE(fs::exists(record_file(dir, 1)));
  auto w = cache.take_warnings();
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("larger than the cap") != std::string::npos);
  CHECK(consistency_problem(dir.path).empty());
}

TEST_CASE("records leased by a live cache are never evicted; a dead lease is removed") {
  TempDir dir;
  ManualClock clock;
  std::uint64_t one = 0;
  {
    TempDir probe;
    auto c = open_cache(options(probe, clock));
    REQUIRE(c.store(synthetic_layer(1), ""));
    one = file_size(probe.path + "/ref/" + layer_id(synthetic_diff_id(1)));
  }
  const std::uint64_t cap = one * 3;  // ~3 records
  auto reader = open_cache(options(dir, clock, cap));
  auto writer = open_cache(options(dir, clock, cap));
  REQUIRE(reader.store(synthetic_layer(1), ""));  // leased by `reader`
  for (unsigned n = 2; n < 12; ++n) {
    clock.advance(std::chrono::seconds(1));
    REQUIRE(writer.store(synthetic_layer(n), ""));
    writer.release_leases();
  }
  CHECK(fs::exists(record_file(dir, 1)));  // the oldest, but in use
  auto s = writer.stats();
  REQUIRE(s);
  CHECK(s->record_total_size <= cap);

  // When every record is in use, a new one is not stored rather than exceeding the cap.
  auto filler = open_cache(options(dir, clock, cap));
  for (unsigned n = 20; n < 26; ++n) {
    REQUIRE(filler.store(synthetic_layer(n), ""));
  }
  s = filler.stats();
  REQUIRE(s);
  CHECK(s->record_total_size <= cap);
  bool refused = false;
  for (const auto& w : filler.take_warnings()) {
    refused = refused || w.find("records in use fill the cache cap") != std::string::npos;
  }
  CHECK(refused);

  // A lease file nobody holds is stale: removed, and its keys no longer protect anything.
  const std::string stale = dir.path + "/leases/999999-deadbeef";
  spit(stale, synthetic_diff_id(20) + "\n");
  {
    auto again = open_cache(options(dir, clock, cap));
    CHECK_FALSE(fs::exists(stale));
  }
  // `reader` gone: its record can go too.
  reader = open_cache(options(dir, clock, cap));
  auto pruned = writer.prune(std::uint64_t{0}, std::nullopt);
  REQUIRE(pruned);
  CHECK(pruned->kept_in_use > 0);  // filler's records
  CHECK_FALSE(fs::exists(record_file(dir, 1)));
  CHECK(consistency_problem(dir.path).empty());
}

TEST_CASE("a record truncated at every length is a miss, deleted, never a wrong hit") {
  TempDir dir;
  ManualClock clock;
  auto cache = open_cache(options(dir, clock));
  auto layer = synthetic_layer(5, 2);
  REQUIRE(cache.store(layer, ""));
  const std::string path = dir.path + "/ref/" + layer_id(layer.diff_id);
  const std::string whole = slurp(path);
  for (std::size_t len = 0; len < whole.size(); ++len) {
    INFO("length " << len);
    REQUIRE(cache.store(layer, ""));  // indexed again (the previous round discarded it)
    spit(path, whole.substr(0, len));
    auto r = cache.lookup(layer.diff_id);
    REQUIRE(r);
    REQUIRE_FALSE(r->has_value());
    REQUIRE_FALSE(fs::exists(path));
  }
  CHECK(cache.discarded_records() == whole.size());
  // Restored: a hit again.
  REQUIRE(cache.store(layer, ""));
  auto r = cache.lookup(layer.diff_id);
  REQUIRE(r);
  REQUIRE(r->has_value());
  CHECK(consistency_problem(dir.path).empty());
}

namespace {

// A directory as format 1 (cacher.json as the index) left it: records written by this code,
// the version file at 1, and `index` as cacher.json. Returns the records' sizes.
std::map<unsigned, std::uint64_t> make_format1_cache(const TempDir& dir, const ManualClock& clock,
                                                     const std::vector<unsigned>& layers,
                                                     Index& index) {
  std::map<unsigned, std::uint64_t> sizes;
  {
    TempDir scratch;
    auto c = open_cache(options(scratch, clock));
    fs::create_directories(dir.path + "/ref");
    fs::create_directories(dir.path + "/leases");
    for (unsigned n : layers) {
      REQUIRE(c.store(synthetic_layer(n), synthetic_digest(n)));
      fs::copy_file(record_file(scratch, n), record_file(dir, n));
      sizes[n] = file_size(record_file(dir, n));
    }
  }
  for (unsigned n : layers) {
    auto& e = index.records[synthetic_diff_id(n)];
    e.size = sizes[n];
    e.reference_count = n * 10;
    e.last_referred = TimePoint(std::chrono::seconds(1'700'000'000 + n));
    e.analyzer_version = "test-1";
    index.aliases[synthetic_digest(n)] = synthetic_diff_id(n);
  }
  index.cache_hits = 123;
  index.cache_misses = 45;
  index.max_size = 1 << 30;
  spit(dir.path + "/version", R"({"version":1,"description":"strata layer cache"})");
  spit(dir.path + "/cacher.json", serialize_index(index));
  spit(dir.path + "/lock", "");
  return sizes;
}

}  // namespace

TEST_CASE("a format-1 cache (cacher.json index) is imported: records, aliases, counters") {
  TempDir dir;
  ManualClock clock;
  Index index;
  auto sizes = make_format1_cache(dir, clock, {0, 1, 2, 3}, index);
  spit(dir.path + "/cacher.json.prev", "an old index");
  spit(dir.path + "/cacher.json.tmp.AbCdEf", "{");
  {
    auto cache = open_cache(options(dir, clock));
    CHECK(cache.take_warnings().empty());
    CHECK(slurp(dir.path + "/version").find("\"version\":2") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path + "/cacher.json.prev"));
    CHECK_FALSE(fs::exists(dir.path + "/cacher.json.tmp.AbCdEf"));
    auto d = dump_index(dir.path);
    REQUIRE(d);
    CHECK(d->counters["cache_hits"] == 123);
    CHECK(d->counters["cache_misses"] == 45);
    CHECK(d->counters["max_size"] == 1 << 30);
    CHECK(d->aliases.size() == 4);
    CHECK(d->reference_counts[layer_id(synthetic_diff_id(3))] == 30);
    CHECK(consistency_problem(dir.path).empty());
    CHECK(hits(cache, 2, synthetic_digest(2)));  // by alias
    CHECK(hits(cache, 3));
    auto data = cache.data();
    REQUIRE(data);
    REQUIRE(data->records.size() == 4);
    CHECK(data->records[0].last_referred == index.records.begin()->second.last_referred);
  }
  // Once: reopened, the index is not imported again (cacher.json is no longer read).
  spit(dir.path + "/cacher.json", "not read any more");
  auto cache = open_cache(options(dir, clock));
  auto s = cache.stats();
  REQUIRE(s);
  CHECK(s->cache_hits == 125);
  CHECK(s->record_count == 4);
  CHECK(s->record_total_size == sizes[0] + sizes[1] + sizes[2] + sizes[3]);
}

TEST_CASE("a format-1 cache whose index disagrees with ref/, or is damaged, is never misread") {
  TempDir dir;
  ManualClock clock;
  Index index;
  make_format1_cache(dir, clock, {0, 1, 2}, index);
  SECTION("a listed record is gone, an unlisted one is there, a size is wrong") {
    fs::remove(record_file(dir, 0));
    fs::copy_file(record_file(dir, 1), record_file(dir, 7));  // a record for another key
    index.records[synthetic_diff_id(2)].size += 5;
    spit(dir.path + "/cacher.json", serialize_index(index));
    auto cache = open_cache(options(dir, clock));
    CHECK(consistency_problem(dir.path).empty());
    CHECK_FALSE(hits(cache, 0));
    CHECK_FALSE(hits(cache, 7));
    CHECK(hits(cache, 1));
    CHECK(hits(cache, 2));
    CHECK(cache.discarded_records() == 0);
  }
  SECTION("cacher.json truncated: rebuilt from the record files") {
    const std::string text = slurp(dir.path + "/cacher.json");
    spit(dir.path + "/cacher.json", text.substr(0, text.size() / 2));
    auto cache = open_cache(options(dir, clock));
    auto w = cache.take_warnings();
    REQUIRE(w.size() == 1);
    CHECK(w[0].find("rebuilt from the record files") != std::string::npos);
    CHECK(consistency_problem(dir.path).empty());
    for (unsigned n = 0; n < 3; ++n) {
      CHECK(hits(cache, n, synthetic_digest(n)));  // aliases come from the record headers
    }
  }
  SECTION("only cacher.json.prev (a writer died between its renames): used as is") {
    fs::rename(dir.path + "/cacher.json", dir.path + "/cacher.json.prev");
    auto cache = open_cache(options(dir, clock));
    CHECK(cache.take_warnings().empty());
    auto s = cache.stats();
    REQUIRE(s);
    CHECK(s->cache_hits == 123);
  }
  SECTION("a damaged record listed by cacher.json: a miss, deleted") {
    spit(record_file(dir, 1), slurp(record_file(dir, 1)).substr(0, 100));
    index.records[synthetic_diff_id(1)].size = 100;
    spit(dir.path + "/cacher.json", serialize_index(index));
    auto cache = open_cache(options(dir, clock));
    CHECK_FALSE(hits(cache, 1));
    CHECK_FALSE(fs::exists(record_file(dir, 1)));
    CHECK(hits(cache, 0));
  }
}

TEST_CASE("index.sqlite that is not a database, truncated or missing: rebuilt from the records") {
  TempDir dir;
  ManualClock clock;
  {
    auto cache = open_cache(options(dir, clock));
    for (unsigned n = 0; n < 40; ++n) {
      REQUIRE(cache.store(synthetic_layer(n), synthetic_digest(n)));
    }
  }
  REQUIRE(checkpoint_index(dir.path));  // index.sqlite alone holds the index
  const std::string db_path = dir.path + "/index.sqlite";
  REQUIRE_FALSE(fs::exists(db_path + "-wal"));
  const std::string whole = slurp(db_path);
  REQUIRE(whole.size() > 8192);
  std::vector<std::string> variants = {"", "garbage, not SQLite", std::string(5000, '\0')};
  for (std::size_t len : {std::size_t{1}, std::size_t{100}, std::size_t{4096}, whole.size() / 2,
                          whole.size() - 4096}) {
    variants.push_back(whole.substr(0, len));
  }
  for (std::size_t v = 0; v < variants.size(); ++v) {
    INFO("variant " << v << " (" << variants[v].size() << " bytes)");
    fs::remove(db_path + "-wal");
    fs::remove(db_path + "-shm");
    spit(db_path, variants[v]);
    auto cache = open_cache(options(dir, clock));
    for (unsigned n = 0; n < 40; ++n) {
      REQUIRE(hits(cache, n, synthetic_digest(n)));
    }
    auto w = cache.take_warnings();
    REQUIRE(w.size() == 1);
    CHECK(w[0].find("rebuilt from the record files") != std::string::npos);
    CHECK(consistency_problem(dir.path).empty());
  }
  // (A page changed in place without changing its structure is not detected: SQLite pages carry
  // no checksum. The records do, so such damage can cost a miss, never a wrong hit.)
  fs::remove(db_path);
  auto cache = open_cache(options(dir, clock));
  CHECK(hits(cache, 5));
  auto w = cache.take_warnings();
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("missing; rebuilt") != std::string::npos);
}

TEST_CASE("eviction follows last_referred exactly over hundreds of records") {
  TempDir dir;
  ManualClock clock;
  constexpr unsigned k_records = 300;
  std::vector<std::uint64_t> size(k_records + 1);
  {
    TempDir probe;
    auto c = open_cache(options(probe, clock));
    for (unsigned n = 0; n <= k_records; ++n) {
      REQUIRE(c.store(synthetic_layer(n, 8), ""));  // same package count: similar sizes
      size[n] = file_size(record_file(probe, n));
    }
  }
  std::uint64_t all = 0;
  for (unsigned n = 0; n < k_records; ++n) {
    all += size[n];
  }
  const std::uint64_t cap = all + size[k_records] / 2;  // the 301st does not fit
  auto o = options(dir, clock, cap);
  // Stored in order 0..299, then every third one hit again in reverse order: the LRU order is
  // the others by n, then the hit ones from the highest n down.
  {
    auto writer = open_cache(o);
    for (unsigned n = 0; n < k_records; ++n) {
      clock.advance(std::chrono::milliseconds(1));
      REQUIRE(writer.store(synthetic_layer(n, 8), ""));
    }
    for (unsigned n = k_records; n-- > 0;) {
      if (n % 3 == 0) {
        clock.advance(std::chrono::milliseconds(1));
        auto r = writer.lookup(synthetic_diff_id(n));
        REQUIRE(r);
        REQUIRE(r->has_value());
      }
    }
  }
  std::vector<unsigned> order;
  for (unsigned n = 0; n < k_records; ++n) {
    if (n % 3 != 0) {
      order.push_back(n);
    }
  }
  for (unsigned n = k_records; n-- > 0;) {
    if (n % 3 == 0) {
      order.push_back(n);
    }
  }
  auto cache = open_cache(o);
  clock.advance(std::chrono::seconds(1));
  REQUIRE(cache.store(synthetic_layer(k_records, 8), ""));
  std::uint64_t total = all + size[k_records];
  const std::uint64_t low_water = cap / 100 * 90 + cap % 100 * 90 / 100;
  std::set<unsigned> evicted;
  for (unsigned n : order) {
    if (total <= low_water) {
      break;
    }
    total -= size[n];
    evicted.insert(n);
  }
  CHECK(evicted.size() > 20);
  for (unsigned n = 0; n <= k_records; ++n) {
    INFO("layer " << n);
    REQUIRE(fs::exists(record_file(dir, n)) == (evicted.count(n) == 0));
  }
  auto s = cache.stats();
  REQUIRE(s);
  CHECK(s->record_total_size == total);
  CHECK(s->record_count == k_records + 1 - evicted.size());
  CHECK(consistency_problem(dir.path).empty());
}

TEST_CASE("aliases: several per record, moved by a store, removed with their record") {
  TempDir dir;
  ManualClock clock;
  auto cache = open_cache(options(dir, clock));
  const std::string gzip = synthetic_digest(1), zstd = "sha256:" + std::string(64, 'a');
  REQUIRE(cache.store(synthetic_layer(1), gzip));
  REQUIRE(cache.store(synthetic_layer(1), zstd));
  CHECK(hits(cache, 1, gzip));
  CHECK(hits(cache, 1, zstd));
  // An alias that now names another layer (a registry re-pushed a blob: never, but the index
  // must not hold two answers): the last store wins.
  auto other = synthetic_layer(2);
  REQUIRE(cache.store(other, zstd));
  CHECK(hits(cache, 2, zstd));
  CHECK(hits(cache, 1, gzip));
  auto d = dump_index(dir.path);
  REQUIRE(d);
  CHECK(d->aliases[zstd] == synthetic_diff_id(2));
  // A diff_id looked up that is also someone's alias: the record of that diff_id first.
  REQUIRE(cache.store(synthetic_layer(3), synthetic_diff_id(1)));
  CHECK(hits(cache, 1));
  // Pruning a record drops its aliases.
  cache.release_leases();
  auto r = cache.prune(std::uint64_t{0}, std::nullopt);
  REQUIRE(r);
  d = dump_index(dir.path);
  REQUIRE(d);
  CHECK(d->aliases.empty());
  CHECK_FALSE(hits(cache, 1, gzip));
}

TEST_CASE("counters stay exact with 6 caches on 6 threads at once") {
  TempDir dir;
  ManualClock clock;
  constexpr unsigned k_threads = 6, k_rounds = 60;
  std::vector<std::thread> threads;
  std::atomic<unsigned> seen_hits{0}, seen_misses{0}, failures{0};
  for (unsigned t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      auto c = LayerCache::open(options(dir, clock, 200'000));
      if (!c) {
        ++failures;
        return;
      }
      for (unsigned i = 0; i < k_rounds; ++i) {
        const unsigned n = (t * 7 + i * 5) % 23;
        auto r = c->lookup(i % 2 == 0 ? synthetic_diff_id(n) : synthetic_digest(n));
        if (!r) {
          ++failures;
          continue;
        }
        if (r->has_value()) {
          ++seen_hits;
          if (!same_layer(**r, synthetic_layer(n))) {
            ++failures;
          }
        } else {
          ++seen_misses;
          if (!c->store(synthetic_layer(n), synthetic_digest(n))) {
            ++failures;
          }
        }
        if (i % 10 == 9) {
          c->release_leases();
        }
      }
      if (c->discarded_records() != 0 || !c->take_warnings().empty()) {
        ++failures;
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  CHECK(failures == 0);
  auto cache = open_cache(options(dir, clock));
  auto s = cache.stats();
  REQUIRE(s);
  CHECK(s->cache_hits == seen_hits);
  CHECK(s->cache_misses == seen_misses);
  CHECK(s->cache_hits + s->cache_misses == k_threads * k_rounds);
  CHECK(s->record_total_size <= 200'000);
  CHECK(consistency_problem(dir.path).empty());
}

TEST_CASE("a bit flip anywhere in a record on disk is a miss") {
  TempDir dir;
  ManualClock clock;
  auto o = options(dir, clock);
  o.hmac_key = "node key";
  auto cache = open_cache(o);
  auto layer = synthetic_layer(9, 1);
  REQUIRE(cache.store(layer, ""));
  const std::string path = dir.path + "/ref/" + layer_id(layer.diff_id);
  const std::string whole = slurp(path);
  for (std::size_t i = 0; i < whole.size(); ++i) {
    std::string bad = whole;
    bad[i] = static_cast<char>(bad[i] ^ (1 << (i % 8)));
    REQUIRE(cache.store(layer, ""));
    spit(path, bad);
    auto r = cache.lookup(layer.diff_id);
    REQUIRE(r);
    INFO("byte " << i);
    REQUIRE_FALSE(r->has_value());
  }
}

TEST_CASE("HMAC on disk: unsigned and wrongly signed records are discarded") {
  TempDir dir;
  ManualClock clock;
  auto plain = options(dir, clock);
  auto keyed = options(dir, clock);
  keyed.hmac_key = "tenant A";
  auto other = options(dir, clock);
  other.hmac_key = "tenant B";
  {
    auto c = open_cache(plain);
    REQUIRE(c.store(synthetic_layer(1), ""));
  }
  {
    auto c = open_cache(keyed);
    CHECK_FALSE(hits(c, 1));  // unsigned
    auto w = c.take_warnings();
    REQUIRE(w.size() == 1);
    CHECK(w[0].find("not signed") != std::string::npos);
    REQUIRE(c.store(synthetic_layer(1), ""));
    CHECK(hits(c, 1));  // right key
  }
  {
    auto c = open_cache(other);
    CHECK_FALSE(hits(c, 1));  // wrong key
    auto w = c.take_warnings();
    REQUIRE(w.size() == 1);
    CHECK(w[0].find("signature mismatch") != std::string::npos);
  }
  auto c = open_cache(keyed);
  CHECK_FALSE(hits(c, 1));
}

TEST_CASE("version file: older or foreign -> emptied; newer -> bypassed, untouched") {
  TempDir dir;
  ManualClock clock;
  SECTION("older (NeuVector's version 0)") {
    fs::create_directories(dir.path + "/ref");
    spit(dir.path + "/version", R"({"version":0,"description":"initial implementation"})");
    spit(dir.path + "/cacher.json", R"({"cache_records":{},"current_record_size":0})");
    spit(dir.path + "/ref/sha256:abc_layer_file", "gzip json");
    auto cache = open_cache(options(dir, clock));
    CHECK_FALSE(cache.bypassed());
    CHECK(fs::is_empty(dir.path + "/ref"));
    CHECK_FALSE(fs::exists(dir.path + "/cacher.json"));
    CHECK(slurp(dir.path + "/version").find("\"version\":2") != std::string::npos);
    REQUIRE(cache.store(synthetic_layer(1), ""));
    CHECK(hits(cache, 1));
  }
  SECTION("newer") {
    fs::create_directories(dir.path + "/ref");
    const std::string version = R"({"version":3,"description":"from the future"})";
    spit(dir.path + "/version", version);
    spit(dir.path + "/cacher.json", "future index");
    spit(dir.path + "/ref/future", "future record");
    auto cache = open_cache(options(dir, clock));
    CHECK(cache.bypassed());
    auto w = cache.take_warnings();
    REQUIRE(w.size() == 1);
    CHECK(w[0].find("newer") != std::string::npos);
    CHECK_FALSE(hits(cache, 1));
    REQUIRE(cache.store(synthetic_layer(1), ""));
    CHECK(slurp(dir.path + "/version") == version);
    CHECK(slurp(dir.path + "/cacher.json") == "future index");
    CHECK(slurp(dir.path + "/ref/future") == "future record");
    CHECK(std::distance(fs::directory_iterator(dir.path + "/ref"), fs::directory_iterator()) == 1);
    CHECK_FALSE(fs::exists(dir.path + "/leases"));
    CHECK_FALSE(fs::exists(dir.path + "/index.sqlite"));
    CHECK_FALSE(cache.clear());
  }
  SECTION("garbage") {
    spit(dir.path + "/version", "\x01\x02");
    auto cache = open_cache(options(dir, clock));
    CHECK_FALSE(cache.bypassed());
  }
}

TEST_CASE("open() sweeps temp files of dead processes and unindexed records") {
  TempDir dir;
  ManualClock clock;
  auto live = open_cache(options(dir, clock));
  REQUIRE(live.store(synthetic_layer(1), ""));
  // A dead writer: its lease file (nobody holds its lock), its temp record file, an unindexed
  // record (renamed, then killed before the commit), a cacher.json temp file.
  spit(dir.path + "/leases/12345-0badf00d", synthetic_diff_id(2) + "\n");
  spit(dir.path + "/ref/.tmp-12345-0badf00d.Ab12Cd", "half a record");
  spit(record_file(dir, 2), "renamed but never indexed");
  spit(dir.path + "/cacher.json.tmp-12345-0badf00d.XyZ123", "{");
  // a live process's temp file must survive: make one under `live`'s lease id
  std::string live_lease;
  for (const auto& e : fs::directory_iterator(dir.path + "/leases")) {
    if (e.path().filename() != "12345-0badf00d") {
      live_lease = e.path().filename().string();
    }
  }
  const std::string live_tmp = dir.path + "/ref/.tmp-" + live_lease + ".QwErTy";
  spit(live_tmp, "being written");
  auto cache = open_cache(options(dir, clock));
  CHECK_FALSE(fs::exists(dir.path + "/leases/12345-0badf00d"));
  CHECK_FALSE(fs::exists(dir.path + "/ref/.tmp-12345-0badf00d.Ab12Cd"));
  CHECK_FALSE(fs::exists(record_file(dir, 2)));
  CHECK_FALSE(fs::exists(dir.path + "/cacher.json.tmp-12345-0badf00d.XyZ123"));
  CHECK(fs::exists(live_tmp));
  CHECK(fs::exists(record_file(dir, 1)));
  CHECK(dump_index(dir.path)->counters["sweep_needed"] == 0);
  fs::remove(live_tmp);
  // Without a dead process's lease nothing is swept (open() stays O(1))...
  spit(record_file(dir, 3), "not indexed");
  open_cache(options(dir, clock));
  CHECK(fs::exists(record_file(dir, 3)));
  // ... prune() sweeps always; and an indexed record whose file vanished is forgotten.
  fs::remove(record_file(dir, 1));
  REQUIRE(live.prune(std::nullopt, std::nullopt));
  CHECK_FALSE(fs::exists(record_file(dir, 3)));
  auto again = open_cache(options(dir, clock));
  auto s = again.stats();
  REQUIRE(s);
  CHECK(s->record_count == 0);
  CHECK(consistency_problem(dir.path).empty());
}

TEST_CASE("prune by age and by size, and clear") {
  TempDir dir;
  ManualClock clock;
  auto o = options(dir, clock);
  {
    auto c = open_cache(o);
    for (unsigned n = 0; n < 6; ++n) {
      REQUIRE(c.store(synthetic_layer(n), ""));
      clock.advance(std::chrono::hours(24));
    }
    CHECK(hits(c, 0));  // 0 is now recent
  }
  auto c = open_cache(o);
  // now = day 6; layer n was written on day n, layer 0 hit on day 6
  auto r = c.prune(std::nullopt, std::chrono::hours(24 * 3));
  REQUIRE(r);
  CHECK(r->removed == 2);  // days 1 and 2: strictly older than day 3
  CHECK_FALSE(fs::exists(record_file(dir, 1)));
  CHECK_FALSE(fs::exists(record_file(dir, 2)));
  CHECK(fs::exists(record_file(dir, 3)));
  CHECK(r->remaining == 4);
  const std::uint64_t keep = file_size(record_file(dir, 0));
  r = c.prune(keep, std::nullopt);
  REQUIRE(r);
  CHECK(r->removed == 3);  // 3, 4, 5 (least recently referred first)
  CHECK(r->remaining_bytes == keep);
  CHECK(fs::exists(record_file(dir, 0)));
  r = c.clear();
  REQUIRE(r);
  CHECK(r->removed == 1);
  auto s = c.stats();
  REQUIRE(s);
  CHECK(s->record_count == 0);
  CHECK(s->cache_hits == 0);
  CHECK(s->cache_misses == 0);
  CHECK(consistency_problem(dir.path).empty());
}

TEST_CASE("storing refuses a cache opened without a cap and bad digests") {
  TempDir dir;
  ManualClock clock;
  auto c = open_cache(options(dir, clock, 0));
  CHECK_FALSE(c.store(synthetic_layer(1), ""));
  auto with_cap = open_cache(options(dir, clock));
  auto a = synthetic_layer(1);
  CHECK_FALSE(with_cap.store(a, "not-a-digest"));
  a.diff_id = "";
  CHECK_FALSE(with_cap.store(a, ""));
}

TEST_CASE("two caches on one directory see each other's changes (no stale in-memory index)") {
  TempDir dir;
  ManualClock clock;
  auto a = open_cache(options(dir, clock));
  auto b = open_cache(options(dir, clock));
  unsigned hits_seen = 0;
  for (unsigned i = 0; i < 40; ++i) {
    LayerCache& c = i % 2 == 0 ? a : b;
    const unsigned n = i % 6;
    if (hits(c, n)) {
      ++hits_seen;
    } else {
      REQUIRE(c.store(synthetic_layer(n), ""));
    }
  }
  CHECK(hits_seen == 34);  // each of the 6 layers misses once, whichever cache looks first
  auto s = a.stats();
  REQUIRE(s);
  CHECK(s->cache_hits == 34);
  CHECK(s->cache_misses == 6);
  CHECK(s->record_count == 6);
  CHECK(consistency_problem(dir.path).empty());
}

TEST_CASE("a full disk makes store() fail with an error, leaving a consistent cache") {
  TempDir dir;
  ManualClock clock;
  {
    auto c = open_cache(options(dir, clock));
    REQUIRE(c.store(synthetic_layer(1), ""));
  }
  // In a child: files may not grow past a limit that fits the index but not a record (write()
  // then fails with EFBIG, as it would with ENOSPC).
  // Room for SQLite's shared-memory file (32 KiB) and a few WAL frames, not for layer 2's record.
  const rlim_t max_file = 64 << 10;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{max_file, max_file};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    auto c = LayerCache::open(options(dir, clock));
    if (!c) {
      ::_exit(10);
    }
    auto st = c->store(synthetic_layer(2, 3000), "");
    if (st) {
      ::_exit(11);
    }
    if (st.error().message.find("cannot write a record") == std::string::npos) {
      ::_exit(12);
    }
    auto hit = c->lookup(synthetic_diff_id(1));  // reading still works
    ::_exit(hit && hit->has_value() ? 0 : 13);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(consistency_problem(dir.path).empty());
  auto c = open_cache(options(dir, clock));
  CHECK(hits(c, 1));
  CHECK_FALSE(c.lookup(synthetic_diff_id(2))->has_value());
}

TEST_CASE("resolve_cache_key: key file, then STRATA_CACHE_KEY, else none") {
  TempDir dir;
  auto none = resolve_cache_key("", std::nullopt);
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  auto empty_env = resolve_cache_key("", std::string());
  REQUIRE(empty_env);
  CHECK_FALSE(empty_env->has_value());
  auto env = resolve_cache_key("", std::string("from env"));
  REQUIRE(env);
  CHECK(env->value() == "from env");
  spit(dir.path + "/key", "s3cret\n");
  auto file = resolve_cache_key(dir.path + "/key", std::string("from env"));
  REQUIRE(file);
  CHECK(file->value() == "s3cret");  // the file wins, its newline dropped
  spit(dir.path + "/empty", "\n");
  auto empty = resolve_cache_key(dir.path + "/empty", std::nullopt);
  REQUIRE_FALSE(empty);
  CHECK(empty.error().message.find("empty") != std::string::npos);
  auto missing = resolve_cache_key(dir.path + "/missing", std::nullopt);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("s3cret") == std::string::npos);
}

TEST_CASE("a fill claim makes a second scanner wait, then find the record instead of reading") {
  TempDir dir;
  ManualClock clock;
  LayerCache a = open_cache(options(dir, clock));
  LayerCache b = open_cache(options(dir, clock));
  const std::string key = synthetic_diff_id(1);
  auto first = a.claim_fill(key);
  REQUIRE(first);
  REQUIRE(first->has_value());
  CHECK(fs::exists(dir.path + "/fill/" + key.substr(7, 3) + ".lock"));

  std::atomic<bool> waited_and_hit{false};
  std::atomic<bool> claimed{false};
  std::thread other([&] {
    auto second = b.claim_fill(key);  // blocks while `first` is held
    claimed = true;
    REQUIRE(second);
    auto hit = b.lookup(key);
    waited_and_hit = hit && hit->has_value();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK_FALSE(claimed.load());
  // Meanwhile the holder reads the layer and stores it, then lets go.
  CHECK_FALSE(hits(a, 1));
  REQUIRE(a.store(synthetic_layer(1), ""));
  first->reset();
  other.join();
  CHECK(claimed.load());
  CHECK(waited_and_hit.load());
  auto stats = a.stats();
  REQUIRE(stats);
  CHECK(stats->cache_misses == 1);  // the layer was missed (and read) once
  CHECK(stats->cache_hits == 1);
}

TEST_CASE("fill claims of layers in other stripes do not wait, and none for foreign keys") {
  TempDir dir;
  ManualClock clock;
  LayerCache a = open_cache(options(dir, clock));
  auto one = a.claim_fill("sha256:abc" + std::string(61, '0'));
  auto two = a.claim_fill("sha256:abd" + std::string(61, '0'));  // would block if it shared
  REQUIRE(one);
  REQUIRE(two);
  CHECK(one->has_value());
  CHECK(two->has_value());
  auto foreign = a.claim_fill("md5:abc");
  REQUIRE(foreign);
  CHECK_FALSE(foreign->has_value());
}
