// Helper for the multi-process cache tests: opens a cache directory and looks up, and stores on
// a miss, synthetic layer analyses (tests/unit/cache/synthetic_layer.hpp), checking every hit
// against the analysis it must be. Also times a real layer's store and lookup (`bench`).
//
//   cache_helper DIR MAX_BYTES run N,N,...     one lookup per layer (odd N by compressed digest),
//                                              store on a miss; prints
//                                              "lookups L hits H misses M discarded D"
//   cache_helper DIR MAX_BYTES churn SEED K    forever: a random layer of 0..K-1, lookup, store
//                                              on a miss, drop leases every 8 operations
//   cache_helper DIR MAX_BYTES bench BLOB      analyse BLOB with the detectors' file selection,
//                                              then time store and lookup
// Environment: CACHE_HELPER_CLOCK_NS fixes the clock (nanoseconds since the epoch).
// Exit codes: 0 ok, 2 usage, 3 a wrong hit or a discarded (corrupt) record, 4 a cache error.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "cache/layer_cache.hpp"
#include "detect/detect.hpp"
#include "layer/analyze.hpp"
#include "unit/cache/synthetic_layer.hpp"
#include "util/strings.hpp"

using namespace strata;
using strata::cache::testing::same_layer;
using strata::cache::testing::synthetic_diff_id;
using strata::cache::testing::synthetic_digest;
using strata::cache::testing::synthetic_layer;

namespace {

int fail(int code, const std::string& message) {
  std::fprintf(stderr, "cache_helper: %s\n", message.c_str());
  return code;
}

struct Counts {
  unsigned lookups = 0, hits = 0, misses = 0;
};

// One lookup (and store on a miss); returns an exit code (0 = fine).
int visit(cache::LayerCache& c, unsigned n, Counts& counts) {
  const std::string name = n % 2 == 1 ? synthetic_digest(n) : synthetic_diff_id(n);
  auto r = c.lookup(name);
  if (!r) {
    return fail(4, r.error().message);
  }
  ++counts.lookups;
  if (r->has_value()) {
    ++counts.hits;
    if (!same_layer(**r, synthetic_layer(n))) {
      return fail(3, "CORRUPT: wrong analysis for layer " + std::to_string(n));
    }
  } else {
    ++counts.misses;
    auto st = c.store(synthetic_layer(n), synthetic_digest(n));
    if (!st) {
      return fail(4, st.error().message);
    }
  }
  if (c.discarded_records() != 0) {
    for (const auto& w : c.take_warnings()) {
      std::fprintf(stderr, "%s\n", w.c_str());
    }
    return fail(3, "CORRUPT: a damaged record was found");
  }
  return 0;
}

int bench(cache::LayerCache& c, const std::string& blob_path) {
  auto blob = util::FileInputStream::open(blob_path);
  if (!blob) {
    return fail(2, blob.error().message);
  }
  layer::ReadOptions ro;
  ro.wants = detect::wants_path;
  auto analysis = layer::analyze_layer(**blob, ro);
  if (!analysis) {
    return fail(2, analysis.error().message);
  }
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  auto st = c.store(*analysis, analysis->digest);
  auto t1 = clock::now();
  if (!st) {
    return fail(4, st.error().message);
  }
  constexpr int k_rounds = 50;
  for (int i = 0; i < k_rounds; ++i) {
    auto r = c.lookup(analysis->digest);
    if (!r || !r->has_value() || !same_layer(**r, *analysis)) {
      return fail(3, "bench: lookup did not hit");
    }
  }
  auto t2 = clock::now();
  std::size_t content = 0;
  for (const auto& [p, f] : analysis->files) {
    content += f.content.size();
  }
  auto s = c.stats();
  std::printf(
      "layer %s: %zu kept files (%zu bytes), %zu symlinks, %zu dirs; record %llu bytes; "
      "store %.2f ms; lookup %.3f ms (mean of %d)\n",
      analysis->diff_id.c_str(), analysis->files.size(), content, analysis->symlinks.size(),
      analysis->dirs.size(), s ? static_cast<unsigned long long>(s->record_total_size) : 0ULL,
      std::chrono::duration<double, std::milli>(t1 - t0).count(),
      std::chrono::duration<double, std::milli>(t2 - t1).count() / k_rounds, k_rounds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    return fail(2, "usage: cache_helper DIR MAX_BYTES run|churn|bench ARGS");
  }
  cache::CacheOptions o;
  o.dir = argv[1];
  o.max_bytes = std::strtoull(argv[2], nullptr, 10);
  o.analyzer_version = "helper-1";
  if (const char* ns = std::getenv("CACHE_HELPER_CLOCK_NS")) {
    auto t = cache::TimePoint(std::chrono::nanoseconds(std::strtoll(ns, nullptr, 10)));
    o.clock = [t] { return t; };
  }
  auto c = cache::LayerCache::open(o);
  if (!c) {
    return fail(4, c.error().message);
  }
  const std::string mode = argv[3];
  Counts counts;
  if (mode == "run") {
    for (auto part : util::split(argv[4], ',')) {
      if (int rc = visit(*c, static_cast<unsigned>(std::stoul(std::string(part))), counts)) {
        return rc;
      }
    }
    std::printf("lookups %u hits %u misses %u discarded %llu\n", counts.lookups, counts.hits,
                counts.misses, static_cast<unsigned long long>(c->discarded_records()));
    return 0;
  }
  if (mode == "churn" && argc == 6) {
    std::mt19937 rng(static_cast<unsigned>(std::stoul(argv[4])));
    const unsigned k = static_cast<unsigned>(std::stoul(argv[5]));
    for (unsigned i = 0;; ++i) {
      if (int rc = visit(*c, rng() % k, counts)) {
        return rc;
      }
      if (i % 8 == 7) {
        c->release_leases();
      }
    }
  }
  if (mode == "bench") {
    return bench(*c, argv[4]);
  }
  return fail(2, "unknown mode " + mode);
}
