#pragma once
// Helpers for the npm tests: fixture folders, their expected.tsv rows, and what strata reads.

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "../fixtures.hpp"
#include "detect/lang/npm.hpp"

namespace strata::detect::test::npm {

using NameVersions = std::multiset<std::pair<std::string, std::string>>;
// (name, version, dev)
using Flagged = std::multiset<std::tuple<std::string, std::string, bool>>;

// The expected.tsv rows of `folder` (testdata-relative), grouped by file: (name, version, dev)
// with dev from a fourth column ("true"/"false"), false when there is none.
inline std::map<std::string, Flagged> expected_by_file(const std::string& folder) {
  std::map<std::string, Flagged> out;
  for (auto& row : expected_rows(folder + "/expected.tsv")) {
    REQUIRE(row.size() >= 2);
    row.resize(std::max<std::size_t>(row.size(), 3));
    bool dev = row.size() >= 4 && row[3] == "true";
    out[row[0]].emplace(row[1], row[2], dev);
  }
  return out;
}

inline NameVersions names(const std::vector<model::Package>& pkgs) {
  NameVersions out;
  for (const auto& p : pkgs) {
    out.emplace(p.name, p.version);
  }
  return out;
}

inline NameVersions names(const Flagged& rows, bool with_dev) {
  NameVersions out;
  for (const auto& [n, v, dev] : rows) {
    if (with_dev || !dev) {
      out.emplace(n, v);
    }
  }
  return out;
}

// One row per name@version with the merged dev flag (dev only when every copy is), as the
// reporting policy merges them.
inline Flagged merged(const std::vector<lang::NpmLockEntry>& entries) {
  std::map<std::pair<std::string, std::string>, bool> dev;
  for (const auto& e : entries) {
    auto key = std::make_pair(e.package.name, e.package.version);
    auto it = dev.find(key);
    dev[key] = it == dev.end() ? e.dev : (it->second && e.dev);
  }
  Flagged out;
  for (const auto& [key, d] : dev) {
    out.emplace(key.first, key.second, d);
  }
  return out;
}

enum class Format { package_lock, yarn, pnpm };

inline std::vector<lang::NpmLockEntry> read_lock(Format f, const std::string& content,
                                                 const std::string& path,
                                                 std::vector<std::string>& warnings,
                                                 const lang::NpmOptions& options = {}) {
  switch (f) {
    case Format::package_lock:
      return lang::read_package_lock(content, path, warnings, options);
    case Format::yarn:
      return lang::read_yarn_lock(content, path, warnings, options);
    case Format::pnpm:
      return lang::read_pnpm_lock(content, path, warnings, options);
  }
  return {};
}

}  // namespace strata::detect::test::npm
