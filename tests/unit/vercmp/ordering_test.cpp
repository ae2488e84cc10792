// Every scheme's ordering is a strict weak ordering on the union of the versions in its test
// files (testdata/vercmp/<folder>/*.tsv, rows `left<TAB>op<TAB>right`): sort the valid versions
// with the scheme's compare, then check every pair of the sorted sequence for consistency.
#include <catch2/catch.hpp>

#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "vercmp/vercmp.hpp"
#include "vercmp_testlib.hpp"
#include "version_files.hpp"

namespace vercmp = strata::vercmp;

namespace {

struct SchemeFiles {
  const char* scheme;
  const char* folder;       // under testdata/vercmp/
  const char* name_filter;  // only files whose name contains this ("" = all)
  const char* exclude;      // versions containing this are left out (see k_schemes), "" = none
};

constexpr SchemeFiles k_schemes[] = {
    {"dpkg", "dpkg", "", ""},
    {"rpm", "rpm", "", ""},
    {"apk", "apk", "", ""},
    {"pep440", "pep440", "", ""},
    {"semver", "npm-semver", "", ""},
    {"go", "go-semver", "", ""},
    {"maven", "maven", "", ""},
    {"rubygems", "other-ecosystems", "rubygems", ""},
    {"nuget", "other-ecosystems", "nuget", ""},
    // Packagist's reference ordering (PHP version_compare as ported by osv-scalibr) weighs a
    // literal '#' component like a number, which is not transitive: the vectors themselves assert
    // 1.2.3.# = 1.2.3 and 1.2.3.# = 1.2.3.1 while 1.2.3 < 1.2.3.1. Those versions are checked
    // separately below; the rest must be a strict weak ordering.
    {"composer", "other-ecosystems", "packagist", "#"},
};

using vercmp_testlib::load_versions;
using vercmp_testlib::sign;

}  // namespace

TEST_CASE("vercmp: every scheme is a strict weak ordering on its test versions",
          "[vercmp][ordering]") {
  const std::filesystem::path root = std::filesystem::path(STRATA_TESTDATA_DIR) / "vercmp";
  for (const auto& s : k_schemes) {
    const std::filesystem::path dir = root / s.folder;
    // Missing data is a failure, not a skip: an ordering test over nothing proves nothing.
    INFO("ordering " << s.scheme << ": testdata/vercmp/" << s.folder);
    REQUIRE(std::filesystem::is_directory(dir));
    auto id = vercmp::scheme_by_name(s.scheme);
    REQUIRE(id.has_value());
    auto cmp = [&](const std::string& a, const std::string& b) {
      auto r = vercmp::compare(*id, a, b);
      REQUIRE(r.ok());  // both sides were validated
      return sign(*r);
    };
    std::set<std::string> all = load_versions(dir, s.name_filter);
    std::vector<std::string> v;
    for (const auto& version : all) {
      if (*s.exclude != '\0' && version.find(s.exclude) != std::string::npos) {
        continue;
      }
      if (vercmp::validate(*id, version).ok()) {
        v.push_back(version);
      }
    }
    CHECK(v.size() >= 10);  // a folder whose versions all fail validation proves nothing either
    vercmp_testlib::OrderingReport report = vercmp_testlib::check_ordering(v, cmp, 5);
    std::cout << "ordering " << s.scheme << ": " << all.size() << " versions, " << v.size()
              << " kept (valid, not excluded), " << report.classes << " classes, "
              << report.violations << " violations\n";
    for (const auto& e : report.examples) {
      UNSCOPED_INFO(s.scheme << ": " << e);
    }
    CHECK(report.violations == 0);
  }
}

TEST_CASE("vercmp: the one known non-transitive corner (Packagist '#')", "[vercmp][ordering]") {
  auto cmp = [](const char* a, const char* b) {
    auto r = vercmp::compare(vercmp::SchemeId::composer, a, b);
    REQUIRE(r.ok());
    return sign(*r);
  };
  CHECK(cmp("1.2.3.#", "1.2.3") == 0);
  CHECK(cmp("1.2.3.#", "1.2.3.1") == 0);
  CHECK(cmp("1.2.3", "1.2.3.1") < 0);
}
