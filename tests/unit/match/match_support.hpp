#pragma once
// Shared by the matcher tests: a temp dir that removes itself, package builders, and a one-line
// summary per finding.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "match/matcher.hpp"
#include "model/types.hpp"
#include "support/temp_dir.hpp"
#include "vulndb/database.hpp"
#include "vulndb/import.hpp"

namespace strata::match_test {

struct TempDir : test_support::TempDir {
  TempDir() : test_support::TempDir("strata-match") {}
};

// Real records, imported once per test run: the demo database (every ALPINE-CVE record with an
// Alpine:v3.10 entry), the Debian 10/11 slice, the genuine Debian/Ubuntu fixtures and the
// testdata/osv-match/* sets (see testdata/osv/SOURCE.md).
inline const vulndb::Database& database() {
  static TempDir dir;
  static vulndb::Database db = [] {
    const std::string testdata = STRATA_TESTDATA_DIR;
    auto stats =
        vulndb::import_records({testdata + "/demo/osv-alpine-v3.10/all.zip",
                                testdata + "/osv/debian-10-11", testdata + "/osv/debian-real",
                                testdata + "/osv/ubuntu-real", testdata + "/osv-match/almalinux",
                                testdata + "/osv-match/go", testdata + "/osv-match/pypi",
                                testdata + "/osv-match/ubuntu", testdata + "/osv-match/linked"},
                               dir.path);
    REQUIRE(stats.ok());
    REQUIRE(stats->failed == 0);
    auto opened = vulndb::Database::open(dir.path);
    REQUIRE(opened.ok());
    return std::move(opened).value();
  }();
  return db;
}

inline model::Package package(std::string name, std::string version, std::string ecosystem,
                              std::string source_name = "", std::string source_version = "") {
  model::Package p;
  p.name = std::move(name);
  p.version = std::move(version);
  p.ecosystem = std::move(ecosystem);
  p.source_name = std::move(source_name);
  p.source_version = std::move(source_version);
  return p;
}

// "package id advisory fixed" per finding, in output order ("-" for no fix).
inline std::vector<std::string> summarize(const match::MatchOutput& out) {
  std::vector<std::string> rows;
  for (const auto& f : out.findings) {
    rows.push_back(f.package + " " + f.id + " " + f.advisory_id + " " +
                   (f.fixed_version.empty() ? "-" : f.fixed_version));
  }
  return rows;
}

}  // namespace strata::match_test
