// nuget versions: the osv-scalibr hand-written vectors (testdata/vercmp/other-ecosystems/)
// plus the behaviours the scheme documents.
#include <catch2/catch.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "vercmp/nuget.hpp"
#include "vercmp_testlib.hpp"

namespace nuget = strata::vercmp::nuget;

namespace {

using vercmp_testlib::check_both_ways;
using vercmp_testlib::Malformed;
using vercmp_testlib::read_rows;

int nuget_cmp(const char* a, const char* b) {
  auto r = nuget::compare_strings(a, b);
  INFO(a << " vs " << b);
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("nuget: osv-scalibr vectors", "[vercmp][nuget]") {
  const std::string path = std::string(STRATA_TESTDATA_DIR) + "/vercmp/other-ecosystems/osv-scalibr_nuget-versions.tsv";
  auto rows = read_rows(path, Malformed::skip);
  REQUIRE(rows.size() == 35);
  std::size_t pass = 0;
  for (const auto& row : rows) {
    auto l = nuget::parse(row.left);
    auto r = nuget::parse(row.right);
    INFO(row.left << " " << row.op << " " << row.right);
    REQUIRE(l.ok());
    REQUIRE(r.ok());
    bool ordered = check_both_ways(row.op, *l, *r, nuget::compare);
    // The canonical form parses back to an equal version.
    auto again = nuget::parse(nuget::canonical(*l));
    REQUIRE(again.ok());
    CHECK(nuget::compare(*again, *l) == 0);
    if (ordered) {
      ++pass;
    }
  }
  std::cout << "osv-scalibr_nuget-versions.tsv: " << rows.size() << " rows, " << pass << " pass\n";
  CHECK(pass == rows.size());
}

TEST_CASE("nuget: NuGetVersion semantics", "[vercmp][nuget]") {
  CHECK(nuget_cmp("1.0", "1.0.0.0") == 0);
  CHECK(nuget_cmp("1.0.0-beta", "1.0.0") < 0);
  CHECK(nuget_cmp("1.0.0-BETA", "1.0.0-beta") == 0);
  CHECK(nuget_cmp("1.0.0-beta.2", "1.0.0-beta.10") < 0);
  CHECK(nuget_cmp("1.0.0-1", "1.0.0-a") < 0);  // numeric label < alphanumeric
  CHECK(nuget_cmp("1.0.0-beta", "1.0.0-beta.1") < 0);
  CHECK(nuget_cmp("1.0.0+abc", "1.0.0+def") == 0);
  CHECK(nuget_cmp("1.2.3.4", "1.2.3") > 0);
  auto v = nuget::parse("01.2.0.0-Beta.1+git.abc");
  REQUIRE(v.ok());
  CHECK(nuget::canonical(*v) == "1.2.0-Beta.1");
  CHECK(v->metadata == "git.abc");
  for (const char* bad : {"", "v1.0", "1.0.0.0.0", "1..0", "1.0-", "1.0-beta..1", "1.0-01", "1.0+",
                          "1.0-be_ta", "a.b", "1.0-é"}) {
    INFO(bad);
    CHECK_FALSE(nuget::validate(bad).ok());
  }
  auto r = nuget::compare_strings("1.0", "1.0-01");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("(right)") != std::string::npos);
}
