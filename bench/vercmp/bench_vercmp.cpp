// bench_vercmp [TESTDATA_DIR] [SECONDS_PER_MEASUREMENT]
// For every scheme: loads the versions of its test files (testdata/vercmp/<folder>/*.tsv), parses
// the valid ones once, then measures (a) compare() on parsed versions and (b) the dispatcher's
// vercmp::compare() on the strings (parse both sides + compare), over a fixed pseudo-random pair
// list. Heap allocations are counted by the replaced global operator new below.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <set>
#include <string>
#include <vector>

#include "vercmp/apk.hpp"
#include "vercmp/composer.hpp"
#include "vercmp/dpkg.hpp"
#include "vercmp/go.hpp"
#include "vercmp/maven.hpp"
#include "vercmp/nuget.hpp"
#include "vercmp/pep440.hpp"
#include "vercmp/rpm.hpp"
#include "vercmp/rubygems.hpp"
#include "vercmp/semver.hpp"
#include "vercmp/vercmp.hpp"
#include "version_files.hpp"

// --- allocation counting -------------------------------------------------------------------------
namespace {
std::size_t g_allocations = 0;
}
void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) {
    return p;
  }
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  ++g_allocations;
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept {
  return operator new(n, t);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

namespace vercmp = strata::vercmp;
using Clock = std::chrono::steady_clock;

struct Pair {
  std::uint32_t a;
  std::uint32_t b;
};

std::vector<Pair> make_pairs(std::size_t n) {
  std::vector<Pair> pairs(1 << 16);
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (auto& p : pairs) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    p.a = static_cast<std::uint32_t>(x % n);
    p.b = static_cast<std::uint32_t>((x >> 32) % n);
  }
  return pairs;
}

struct Measurement {
  double per_second = 0;
  double allocations_per_op = 0;
};

// Runs `op(pair)` over the pair list until `seconds` have passed.
template <typename Op>
Measurement measure(const std::vector<Pair>& pairs, double seconds, Op op) {
  long long sink = 0;
  std::size_t ops = 0;
  std::size_t allocs_before = g_allocations;
  auto start = Clock::now();
  double elapsed = 0;
  do {
    for (const Pair& p : pairs) {
      sink += op(p);
    }
    ops += pairs.size();
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  std::size_t allocs = g_allocations - allocs_before;
  if (sink == 42) {
    std::puts("");  // keeps `sink` alive
  }
  return {static_cast<double>(ops) / elapsed,
          static_cast<double>(allocs) / static_cast<double>(ops)};
}

template <typename ParseFn, typename CompareFn>
void bench_scheme(const char* scheme, const std::filesystem::path& dir, const char* filter,
                  double seconds, ParseFn parse, CompareFn compare) {
  const std::set<std::string> versions = vercmp_testlib::load_versions(dir, filter);
  const std::vector<std::string> texts(versions.begin(), versions.end());
  if (texts.empty()) {
    std::printf("%-9s  %8s  (no testdata/vercmp/%s)\n", scheme, "-", dir.filename().c_str());
    return;
  }
  // Parse once. `texts` is not modified afterwards: views into it stay valid.
  using Parsed = std::decay_t<decltype(*parse(texts[0]))>;
  std::vector<Parsed> parsed;
  std::vector<std::string> valid;
  valid.reserve(texts.size());
  for (const auto& t : texts) {
    if (parse(t)) {
      valid.push_back(t);
    }
  }
  if (valid.empty()) {
    std::printf("%-9s  %8zu  (no valid versions: scheme not implemented?)\n", scheme, texts.size());
    return;
  }
  parsed.reserve(valid.size());
  for (const auto& t : valid) {
    parsed.push_back(*parse(t));
  }
  auto pairs = make_pairs(valid.size());
  Measurement parsed_cmp =
      measure(pairs, seconds, [&](const Pair& p) { return compare(parsed[p.a], parsed[p.b]); });
  auto id = *vercmp::scheme_by_name(scheme);
  Measurement string_cmp = measure(pairs, seconds, [&](const Pair& p) {
    auto r = vercmp::compare(id, valid[p.a], valid[p.b]);
    return r ? *r : 0;
  });
  std::printf("%-9s  %8zu  %14.2f  %10.3f  %14.2f  %10.3f\n", scheme, valid.size(),
              parsed_cmp.per_second / 1e6, parsed_cmp.allocations_per_op,
              string_cmp.per_second / 1e6, string_cmp.allocations_per_op);
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path root =
      std::filesystem::path(argc > 1 ? argv[1] : STRATA_TESTDATA_DIR) / "vercmp";
  double seconds = argc > 2 ? std::atof(argv[2]) : 0.5;
  std::printf("%-9s  %8s  %14s  %10s  %14s  %10s\n", "scheme", "versions", "parsed Mcmp/s",
              "allocs/cmp", "strings Mcmp/s", "allocs/cmp");
  auto p = [](auto fn) { return [fn](std::string_view s) { return fn(s); }; };
  bench_scheme("dpkg", root / "dpkg", "", seconds,
               p([](std::string_view s) { return vercmp::dpkg::parse(s); }),
               [](const auto& a, const auto& b) { return vercmp::dpkg::compare(a, b); });
  bench_scheme("rpm", root / "rpm", "", seconds,
               p([](std::string_view s) { return vercmp::rpm::parse(s); }),
               [](const auto& a, const auto& b) { return vercmp::rpm::compare(a, b); });
  bench_scheme("apk", root / "apk", "", seconds,
               p([](std::string_view s) { return vercmp::apk::parse(s); }),
               [](const auto& a, const auto& b) { return vercmp::apk::compare(a, b); });
  bench_scheme("pep440", root / "pep440", "", seconds,
               p([](std::string_view s) { return vercmp::pep440::parse(s); }),
               [](const auto& a, const auto& b) { return vercmp::pep440::compare(a, b); });
  bench_scheme("semver", root / "npm-semver", "", seconds,
               p([](std::string_view s) { return vercmp::semver::parse(s); }),
               [](const auto& a, const auto& b) { return vercmp::semver::compare(a, b); });
  bench_scheme("go", root / "go-semver", "", seconds,
               p([](std::string_view s) { return vercmp::go::parse(s); }),
               [](const auto& a, const auto& b) { return vercmp::go::compare(a, b); });
  bench_scheme("maven", root / "maven", "", seconds,
               p([](std::string_view s) { return vercmp::maven::parse(s); }),
               [](const auto& a, const auto& b) { return vercmp::maven::compare(a, b); });
  bench_scheme("rubygems", root / "other-ecosystems", "rubygems", seconds,
               p([](std::string_view s) { return vercmp::rubygems::parse(s); }),
               [](const auto& a, const auto& b) { return vercmp::rubygems::compare(a, b); });
  bench_scheme("nuget", root / "other-ecosystems", "nuget", seconds,
               p([](std::string_view s) { return vercmp::nuget::parse(s); }),
               [](const auto& a, const auto& b) { return vercmp::nuget::compare(a, b); });
  bench_scheme("composer", root / "other-ecosystems", "packagist", seconds,
               p([](std::string_view s) { return vercmp::composer::parse(s); }),
               [](const auto& a, const auto& b) { return vercmp::composer::compare(a, b); });
  return 0;
}
