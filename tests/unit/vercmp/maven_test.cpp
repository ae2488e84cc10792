// Maven ComparableVersion: the vectors from apache/maven ComparableVersionTest
// (testdata/vercmp/maven/maven.tsv) plus the behaviours the scheme documents.
#include <catch2/catch.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "vercmp/maven.hpp"
#include "vercmp_testlib.hpp"

namespace maven = strata::vercmp::maven;

namespace {

using vercmp_testlib::check_both_ways;
using vercmp_testlib::Malformed;
using vercmp_testlib::read_rows;

int cmp(const char* a, const char* b) {
  auto r = maven::compare_strings(a, b);
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("maven: ComparableVersionTest vectors", "[vercmp][maven]") {
  const std::string path = std::string(STRATA_TESTDATA_DIR) + "/vercmp/maven/maven.tsv";
  auto rows = read_rows(path, Malformed::skip);
  REQUIRE(rows.size() == 1989);
  std::size_t pass = 0;
  for (const auto& row : rows) {
    auto l = maven::parse(row.left);
    auto r = maven::parse(row.right);
    INFO(row.left << " " << row.op << " " << row.right);
    REQUIRE(l.ok());
    REQUIRE(r.ok());
    bool ordered = check_both_ways(row.op, *l, *r, maven::compare);
    // The canonical form re-parses to itself and to an equal version (as the Java test checks).
    auto again = maven::parse(maven::canonical(*l));
    if (!maven::canonical(*l).empty()) {
      REQUIRE(again.ok());
      CHECK(maven::canonical(*again) == maven::canonical(*l));
      CHECK(maven::compare(*again, *l) == 0);
    }
    if (ordered) {
      ++pass;
    }
  }
  std::cout << "maven.tsv: " << rows.size() << " rows, " << pass << " pass\n";
  CHECK(pass == rows.size());
}

TEST_CASE("maven: canonical forms", "[vercmp][maven]") {
  auto canon = [](const char* s) {
    auto v = maven::parse(s);
    REQUIRE(v.ok());
    return maven::canonical(*v);
  };
  CHECK(canon("1.0.0") == "1");
  CHECK(canon("1.0-RC1") == "1-rc1");
  CHECK(canon("1.0-cr1") == "1-rc1");
  CHECK(canon("1a1") == "1-alpha1");
  CHECK(canon("1-ga") == "1-ga");
  CHECK(canon("1.2.3-SNAPSHOT") == "1.2.3-snapshot");
  CHECK(canon("0.x") == "x");
  CHECK(canon("1.0.0.X1") == "1-x1");
  CHECK(canon("0.2") == "0.2");
}

TEST_CASE("maven: qualifier order and equalities", "[vercmp][maven]") {
  CHECK(cmp("1-alpha", "1-beta") < 0);
  CHECK(cmp("1-beta", "1-milestone") < 0);
  CHECK(cmp("1-milestone", "1-rc") < 0);
  CHECK(cmp("1-rc", "1-cr") == 0);
  CHECK(cmp("1-rc", "1-snapshot") < 0);
  CHECK(cmp("1-snapshot", "1") < 0);
  CHECK(cmp("1", "1-ga") == 0);
  CHECK(cmp("1", "1-final") == 0);
  CHECK(cmp("1", "1.release") == 0);
  CHECK(cmp("1", "1-sp") < 0);
  CHECK(cmp("1-sp", "1-foo") < 0);
  CHECK(cmp("1-a1", "1-alpha-1") == 0);
  CHECK(cmp("1-M1", "1-milestone-1") == 0);
  CHECK(cmp("1.0.0", "1") == 0);
  CHECK(cmp("1-ga1", "1") > 0);
  CHECK(cmp("1-ga1", "1-ga2") < 0);
  CHECK(cmp("1.0-ALPHA", "1.0-alpha") == 0);
  CHECK(cmp("1.10", "1.9") > 0);
  CHECK(cmp("1.0.1", "1.0-sp") > 0);
  CHECK(cmp("99999999999999999999", "99999999999999999998") > 0);
  CHECK(cmp("1.É", "1.é") == 0);
}

TEST_CASE("maven: invalid input is an error naming the side", "[vercmp][maven]") {
  CHECK_FALSE(maven::validate("").ok());
  CHECK_FALSE(maven::validate(std::string(257, '1')).ok());
  CHECK(maven::validate(std::string(256, '1')).ok());
  CHECK_FALSE(maven::validate("1.\xff").ok());
  CHECK_FALSE(maven::validate("a-\xd9\xa8" "b").ok());  // a-<ARABIC-INDIC EIGHT>b: parseInt throws
  CHECK(maven::validate("a-\xd9\xa8").ok());
  auto r = maven::compare_strings("1", "");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("(right)") != std::string::npos);
  // Garbage never crashes.
  for (const char* s : {"-", "--", "..", ".-.", "-1", "a", "-a-", "1-", "1..0", "\xc3\xa9-1-"}) {
    auto v = maven::parse(s);
    if (v.ok()) {
      CHECK(maven::compare(*v, *v) == 0);
    }
  }
}
