// bench_cache_scale DIR [RECORDS]: fills the layer cache in DIR (emptied first) with RECORDS
// (default 100,000) small synthetic layer analyses through cache::LayerCache::store, then
// measures lookups (each a hit: read, verify, decode, and the touch transaction), misses, and
// one store that evicts after the cap is lowered below the total, with the worst lookup latency
// another cache object sees meanwhile. Prints one "name value unit"
// line per figure; peak RSS last. The directory is left filled for run.sh's `strata cache`
// timings.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cache/layer_cache.hpp"
#include "util/hash.hpp"

using namespace strata;
using Clock = std::chrono::steady_clock;

namespace {

std::string diff_id(unsigned n) {
  return "sha256:" + util::sha256_hex("scale-diff-" + std::to_string(n));
}
std::string digest(unsigned n) {
  return "sha256:" + util::sha256_hex("scale-blob-" + std::to_string(n));
}

// A small layer: what a thin application layer leaves after the detectors' file selection.
layer::LayerAnalysis synthetic(unsigned n) {
  layer::LayerAnalysis a;
  a.diff_id = diff_id(n);
  a.digest = digest(n);
  a.compressed_size = 10'000 + n;
  a.uncompressed_size = 30'000 + n;
  a.entries = 20 + n % 50;
  a.files["/etc/os-release"] = {"ID=alpine\nVERSION_ID=3.19." + std::to_string(n % 9) + "\n", 0644};
  a.files["/app/package.json"] = {
      R"({"name":"app)" + std::to_string(n) + R"(","version":"1.0.)" + std::to_string(n) + "\"}",
      0644};
  a.dirs = {"/app", "/etc"};
  a.symlinks["/app/current"] = "/app/v" + std::to_string(n);
  return a;
}

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

int fail(const std::string& what) {
  std::fprintf(stderr, "bench_cache_scale: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    return fail("usage: bench_cache_scale DIR [RECORDS]");
  }
  const std::string dir = argv[1];
  const unsigned records = argc > 2 ? static_cast<unsigned>(std::stoul(argv[2])) : 100'000;
  std::filesystem::remove_all(dir);
  cache::CacheOptions o;
  o.dir = dir;
  o.max_bytes = 1ull << 40;
  o.analyzer_version = "bench-1";

  std::uint64_t total = 0;
  {
    auto c = cache::LayerCache::open(o);
    if (!c) {
      return fail(c.error().message);
    }
    auto t0 = Clock::now();
    for (unsigned n = 0; n < records; ++n) {
      if (auto st = c->store(synthetic(n), ""); !st) {
        return fail(st.error().message);
      }
      if (n % 1000 == 999) {
        c->release_leases();  // as a long-running scanner does between scans
      }
    }
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    auto s = c->stats();
    if (!s) {
      return fail(s.error().message);
    }
    total = s->record_total_size;
    std::printf("records %u\nrecord_bytes_mean %.0f bytes\ninsert_rate %.0f records/s\n", records,
                static_cast<double>(total) / records, records / secs);
  }

  {
    // A fresh process's view: open, then lookups of random records, by diff_id or by alias.
    auto t_open = Clock::now();
    auto c = cache::LayerCache::open(o);
    if (!c) {
      return fail(c.error().message);
    }
    std::printf("open %.3f ms\n", ms(Clock::now() - t_open));
    std::mt19937 rng(17);
    std::vector<double> hit_ms, miss_ms;
    constexpr int k_lookups = 20'000;
    for (int i = 0; i < k_lookups; ++i) {
      const unsigned n = rng() % records;
      auto t0 = Clock::now();
      auto r = c->lookup(i % 2 == 0 ? diff_id(n) : digest(n));
      hit_ms.push_back(ms(Clock::now() - t0));
      if (!r || !r->has_value() || (*r)->diff_id != diff_id(n)) {
        return fail("lookup of record " + std::to_string(n) + " did not hit");
      }
      if (i % 8 == 7) {
        c->release_leases();
      }
    }
    for (int i = 0; i < 2'000; ++i) {
      auto t0 = Clock::now();
      auto r = c->lookup(diff_id(records + static_cast<unsigned>(i)));
      miss_ms.push_back(ms(Clock::now() - t0));
      if (!r || r->has_value()) {
        return fail("a miss hit");
      }
    }
    std::printf(
        "lookup_touch_p50 %.3f ms\nlookup_touch_p90 %.3f ms\nlookup_touch_p99 %.3f ms\n"
        "lookup_touch_p999 %.3f ms\nlookup_touch_max %.3f ms\n",
        percentile(hit_ms, 0.5), percentile(hit_ms, 0.9), percentile(hit_ms, 0.99),
        percentile(hit_ms, 0.999), percentile(hit_ms, 1.0));
    std::printf("miss_p50 %.3f ms\nmiss_p99 %.3f ms\n", percentile(miss_ms, 0.5),
                percentile(miss_ms, 0.99));
  }

  {
    // The cap lowered to 90% of the total: the next store evicts down to the low-water mark
    // (90% of the cap), about a fifth of the records.
    o.max_bytes = total / 10 * 9;
    auto c = cache::LayerCache::open(o);
    if (!c) {
      return fail(c.error().message);
    }
    // Meanwhile another cache object (as another process would) looks up and touches records of
    // the newer half, which stay: its worst wait is how long the eviction holds the write lock.
    auto other = cache::LayerCache::open(o);
    if (!other) {
      return fail(other.error().message);
    }
    std::atomic<bool> done{false};
    double worst_ms = 0;
    unsigned other_lookups = 0;
    std::thread watcher([&] {
      std::mt19937 rng(5);
      while (!done) {
        const unsigned n = records - 1 - rng() % (records / 2);
        auto t0 = Clock::now();
        auto r = other->lookup(diff_id(n));
        worst_ms = std::max(worst_ms, ms(Clock::now() - t0));
        ++other_lookups;
        if (other_lookups % 8 == 0) {
          other->release_leases();
        }
        (void)r;
      }
    });
    auto before = c->stats();
    auto t0 = Clock::now();
    auto stored = c->store(synthetic(records), "");
    const double evict_ms = ms(Clock::now() - t0);
    done = true;
    watcher.join();
    if (!stored) {
      return fail(stored.error().message);
    }
    auto after = c->stats();
    if (!before || !after) {
      return fail("stats failed");
    }
    std::printf("eviction %.1f ms\nevicted %lld records\n", evict_ms,
                static_cast<long long>(before->record_count + 1) -
                    static_cast<long long>(after->record_count));
    std::printf("lookup_during_eviction_max %.1f ms (%u lookups by another cache object)\n",
                worst_ms, other_lookups);
  }

  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  std::printf("peak_rss %.1f MiB\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}
