// rubygems versions: the osv-scalibr hand-written vectors (testdata/vercmp/other-ecosystems/)
// plus the behaviours the scheme documents.
#include <catch2/catch.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "vercmp/rubygems.hpp"
#include "vercmp_testlib.hpp"

namespace rubygems = strata::vercmp::rubygems;

namespace {

using vercmp_testlib::check_both_ways;
using vercmp_testlib::Malformed;
using vercmp_testlib::read_rows;

int rubygems_cmp(const char* a, const char* b) {
  auto r = rubygems::compare_strings(a, b);
  INFO(a << " vs " << b);
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("rubygems: osv-scalibr vectors", "[vercmp][rubygems]") {
  const std::string path = std::string(STRATA_TESTDATA_DIR) + "/vercmp/other-ecosystems/osv-scalibr_rubygems-versions.tsv";
  auto rows = read_rows(path, Malformed::skip);
  REQUIRE(rows.size() == 25);
  std::size_t pass = 0;
  for (const auto& row : rows) {
    auto l = rubygems::parse(row.left);
    auto r = rubygems::parse(row.right);
    INFO(row.left << " " << row.op << " " << row.right);
    REQUIRE(l.ok());
    REQUIRE(r.ok());
    bool ordered = check_both_ways(row.op, *l, *r, rubygems::compare);
    // The canonical form parses back to an equal version.
    auto again = rubygems::parse(rubygems::canonical(*l));
    REQUIRE(again.ok());
    CHECK(rubygems::compare(*again, *l) == 0);
    if (ordered) {
      ++pass;
    }
  }
  std::cout << "osv-scalibr_rubygems-versions.tsv: " << rows.size() << " rows, " << pass << " pass\n";
  CHECK(pass == rows.size());
}

TEST_CASE("rubygems: Gem::Version semantics", "[vercmp][rubygems]") {
  CHECK(rubygems_cmp("1.0", "1") == 0);
  CHECK(rubygems_cmp("1.0.0", "1.0") == 0);
  CHECK(rubygems_cmp("1.0.a", "1.0") < 0);      // prerelease before release
  CHECK(rubygems_cmp("1.0.a", "1.0.b") < 0);
  CHECK(rubygems_cmp("1.0-rc1", "1.0.pre.rc1") == 0);  // '-' means ".pre."
  CHECK(rubygems_cmp("1.0-rc1", "1.0") < 0);
  CHECK(rubygems_cmp("1.0.rc1", "1.0.RC1") > 0);  // strings compare bytewise
  CHECK(rubygems_cmp("1.a", "1.0.0.a") == 0);     // trailing zeros of the numeric part dropped
  CHECK(rubygems_cmp("1.10", "1.9") > 0);
  CHECK(rubygems_cmp(" 1.2 ", "1.2") == 0);
  CHECK(rubygems_cmp("123456789012345678901234567890", "123456789012345678901234567889") > 0);
  auto v = rubygems::parse("1.0.0-rc1");
  REQUIRE(v.ok());
  CHECK(rubygems::canonical(*v) == "1.pre.rc.1");
  CHECK(v->prerelease);
  for (const char* bad : {"", "  ", "a1", "1..2", "1.0-", "1.0+x", "1.0 2", ".1", "1.", "1_0"}) {
    INFO(bad);
    CHECK_FALSE(rubygems::validate(bad).ok());
  }
  auto r = rubygems::compare_strings("x", "1");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("(left)") != std::string::npos);
}
