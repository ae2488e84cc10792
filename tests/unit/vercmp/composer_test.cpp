// composer versions: the osv-scalibr hand-written vectors (testdata/vercmp/other-ecosystems/)
// plus the behaviours the scheme documents.
#include <catch2/catch.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "vercmp/composer.hpp"
#include "vercmp_testlib.hpp"

namespace composer = strata::vercmp::composer;

namespace {

using vercmp_testlib::check_both_ways;
using vercmp_testlib::Malformed;
using vercmp_testlib::read_rows;

int composer_cmp(const char* a, const char* b) {
  auto r = composer::compare_strings(a, b);
  INFO(a << " vs " << b);
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("composer: osv-scalibr vectors", "[vercmp][composer]") {
  const std::string path = std::string(STRATA_TESTDATA_DIR) + "/vercmp/other-ecosystems/osv-scalibr_packagist-versions.tsv";
  auto rows = read_rows(path, Malformed::skip);
  REQUIRE(rows.size() == 95);
  std::size_t pass = 0;
  for (const auto& row : rows) {
    auto l = composer::parse(row.left);
    auto r = composer::parse(row.right);
    INFO(row.left << " " << row.op << " " << row.right);
    REQUIRE(l.ok());
    REQUIRE(r.ok());
    bool ordered = check_both_ways(row.op, *l, *r, composer::compare);
    // The canonical form parses back to an equal version.
    auto again = composer::parse(composer::canonical(*l));
    REQUIRE(again.ok());
    CHECK(composer::compare(*again, *l) == 0);
    if (ordered) {
      ++pass;
    }
  }
  std::cout << "osv-scalibr_packagist-versions.tsv: " << rows.size() << " rows, " << pass << " pass\n";
  CHECK(pass == rows.size());
}

TEST_CASE("composer: Packagist ordering", "[vercmp][composer]") {
  CHECK(composer_cmp("1.0.0-dev", "1.0.0-alpha1") < 0);
  CHECK(composer_cmp("1.0.0-alpha1", "1.0.0-beta1") < 0);
  CHECK(composer_cmp("1.0.0-beta1", "1.0.0-RC1") < 0);
  CHECK(composer_cmp("1.0.0-RC1", "1.0.0") < 0);
  CHECK(composer_cmp("1.0.0", "1.0.0-patch1") < 0);
  CHECK(composer_cmp("1.0.0", "1.0.0-pl1") < 0);
  CHECK(composer_cmp("v2.1.0", "2.1.0") == 0);
  CHECK(composer_cmp("dev-master", "0.0.1") < 0);
  CHECK(composer_cmp("2.0.0.1", "2.0.0") > 0);
  CHECK(composer_cmp("1.0_beta", "1.0-b") == 0);
  auto v = composer::parse("v1.0.0-beta2");
  REQUIRE(v.ok());
  CHECK(composer::canonical(*v) == "1.0.0.beta.2");
  for (const char* bad : {"", "1.0 beta", "1.0\t", "\x01"}) {
    INFO(bad);
    CHECK_FALSE(composer::validate(bad).ok());
  }
}
