#pragma once
// Test helpers: a temp directory, a settable clock, and an independent consistency check of a
// cache directory (reads cacher.json and ref/ directly, not through the library).

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/temp_dir.hpp"

namespace strata::cache::testing {

struct TempDir : test_support::TempDir {
  TempDir() : test_support::TempDir("strata-cache-test") {}
};

// A clock the test moves by hand: starts at 2026-01-01T00:00:00Z.
struct ManualClock {
  std::shared_ptr<std::chrono::system_clock::time_point> now =
      std::make_shared<std::chrono::system_clock::time_point>(std::chrono::seconds(1767225600));
  std::function<std::chrono::system_clock::time_point()> fn() const {
    auto p = now;
    return [p] { return *p; };
  }
  void advance(std::chrono::nanoseconds d) {
    *now += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  }
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Replaces a file (unlink first: ext4 flushes a file truncated in place, which is slow).
inline void spit(const std::string& path, const std::string& content) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

// Empty if the index and ref/ agree exactly (every record file indexed with its size, no other
// record files, totals equal the sums, no temp files); otherwise the first problem found.
inline std::string consistency_problem(const std::string& dir) {
  auto j = nlohmann::json::parse(slurp(dir + "/cacher.json"), nullptr, false);
  if (j.is_discarded()) {
    return "cacher.json does not parse";
  }
  std::set<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/ref")) {
    std::string name = e.path().filename().string();
    if (name.rfind(".tmp-", 0) == 0) {
      return "temp file left: " + name;
    }
    files.insert(name);
  }
  std::uint64_t total = 0;
  std::set<std::string> indexed;
  for (const auto& [id, r] : j["cache_records"].items()) {
    indexed.insert(id);
    if (r["layer_id"] != id) {
      return "layer_id mismatch for " + id;
    }
    std::error_code ec;
    auto size = std::filesystem::file_size(dir + "/ref/" + id, ec);
    if (ec) {
      return "indexed record has no file: " + id;
    }
    if (size != r["size"].get<std::uint64_t>()) {
      return "size mismatch for " + id;
    }
    total += size;
  }
  if (indexed != files) {
    return "record files and index differ";
  }
  if (j["record_total_size"].get<std::uint64_t>() != total) {
    return "record_total_size is not the sum of sizes";
  }
  if (j["record_count"].get<std::uint64_t>() != indexed.size()) {
    return "record_count is wrong";
  }
  return "";
}

}  // namespace strata::cache::testing
