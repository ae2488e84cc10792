// SemVer against node-semver's comparison/equality fixtures (testdata/vercmp/npm-semver).
#include <catch2/catch.hpp>

#include <algorithm>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "vercmp/semver.hpp"
#include "vercmp/vercmp.hpp"
#include "vercmp_testlib.hpp"

using namespace strata::vercmp;

namespace {

std::vector<vercmp_testlib::SignedRow> read_rows(const char* name) {
  return vercmp_testlib::read_signed_rows(std::string(STRATA_TESTDATA_DIR) + "/vercmp/npm-semver/" +
                                          name);
}

using vercmp_testlib::sign;

std::size_t run_rows(const char* name, semver::Mode mode, std::size_t expected_rows) {
  auto rows = read_rows(name);
  CHECK(rows.size() == expected_rows);
  std::size_t pass = 0;
  for (const auto& row : rows) {
    INFO(name << ": '" << row.left << "' ? '" << row.right << "'");
    // The dispatcher reads loosely; every strict version is also a loose one.
    auto parse = [mode](std::string_view text) { return semver::parse(text, mode); };
    if (vercmp_testlib::check_signed_row(row, SchemeId::semver, parse, semver::compare)) {
      ++pass;
    }
  }
  std::cout << name << ": " << rows.size() << " rows, " << pass << " pass\n";
  return pass == rows.size() ? pass : 0;
}

}  // namespace

TEST_CASE("semver: node-semver strict comparison fixtures, both directions") {
  CHECK(run_rows("semver.tsv", semver::Mode::strict, 44) == 44);
}

TEST_CASE("semver: node-semver loose comparison fixtures, both directions") {
  CHECK(run_rows("semver_loose.tsv", semver::Mode::loose, 92) == 92);
}

TEST_CASE("semver: loose-only spellings are rejected in strict mode") {
  for (const char* v : {"=1.2.3", "v 1.2.3", "= 1.2.3", "1.2.3beta", "01.2.3", "1.2.3-01", "1.2",
                        "1.2.3.4", "1.2.3-", "1.2.3+", "1.2.3-a..b", "a.b.c", ""}) {
    INFO(v);
    CHECK_FALSE(semver::parse(v, semver::Mode::strict).ok());
  }
  for (const char* v :
       {"=1.2.3", "v 1.2.3", " = v1.2.3 ", "1.2.3beta", "01.2.3", "1.2.3-01", "1.2.3-"}) {
    INFO(v);
    CHECK(semver::parse(v, semver::Mode::loose).ok());
  }
  for (const char* v : {"1.2", "1.2.3.4", "1.2.3+", "9007199254740992.0.0", "x.y.z"}) {
    INFO(v);
    CHECK_FALSE(semver::parse(v, semver::Mode::loose).ok());
    CHECK_FALSE(validate(SchemeId::semver, v).ok());
  }
  CHECK_FALSE(semver::parse(std::string(257, '1'), semver::Mode::loose).ok());
  CHECK(semver::parse("9007199254740991.0.0", semver::Mode::strict).ok());
  auto err = semver::compare_strings("1.2.3", "nope");
  REQUIRE_FALSE(err.ok());
  CHECK(err.error().message.find("(right)") != std::string::npos);
}

TEST_CASE("semver: canonical form is node-semver's version string") {
  const std::pair<const char*, const char*> cases[] = {
      {"1.2.3", "1.2.3"},          {" =v1.2.3+build", "1.2.3"},       {"01.02.03", "1.2.3"},
      {"1.2.3beta", "1.2.3-beta"}, {"1.2.3-beta.01", "1.2.3-beta.1"}, {"v1.2.3-r100", "1.2.3-r100"},
  };
  for (const auto& [input, expected] : cases) {
    auto v = semver::parse(input, semver::Mode::loose);
    INFO(input);
    REQUIRE(v.ok());
    CHECK(semver::canonical(*v) == expected);
  }
  auto b = semver::parse("1.2.3+exp.sha.5114f85");
  REQUIRE(b.ok());
  CHECK(b->build() == "exp.sha.5114f85");
}

TEST_CASE("semver: strict weak ordering over every version in the files") {
  std::set<std::string> unique;
  for (const char* name : {"semver.tsv", "semver_loose.tsv"}) {
    for (const auto& row : read_rows(name)) {
      unique.insert(row.left);
      unique.insert(row.right);
    }
  }
  std::vector<semver::Version> versions;
  for (const auto& s : unique) {
    auto v = semver::parse(s, semver::Mode::loose);
    REQUIRE(v.ok());
    versions.push_back(std::move(*v));
  }
  std::size_t bad = vercmp_testlib::sort_and_count_inconsistent(versions, semver::compare);
  std::cout << "semver ordering: " << versions.size() << " distinct versions, " << bad
            << " inconsistent pairs\n";
  CHECK(bad == 0);
}
