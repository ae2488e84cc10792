// rubygems versions: the osv-scalibr hand-written vectors (testdata/vercmp/other-ecosystems/)
// plus the behaviours the scheme documents.
#include <catch2/catch.hpp>

#include <string>

#include "vercmp/rubygems.hpp"
#include "vercmp_testlib.hpp"

namespace rubygems = strata::vercmp::rubygems;

namespace {

const auto rubygems_cmp = vercmp_testlib::compare_ok(rubygems::compare_strings);

}  // namespace

TEST_CASE("rubygems: osv-scalibr vectors", "[vercmp][rubygems]") {
  vercmp_testlib::check_vector_file(
      std::string(STRATA_TESTDATA_DIR) +
          "/vercmp/other-ecosystems/osv-scalibr_rubygems-versions.tsv",
      25, rubygems::parse, rubygems::compare, rubygems::canonical);
}

TEST_CASE("rubygems: Gem::Version semantics", "[vercmp][rubygems]") {
  CHECK(rubygems_cmp("1.0", "1") == 0);
  CHECK(rubygems_cmp("1.0.0", "1.0") == 0);
  CHECK(rubygems_cmp("1.0.a", "1.0") < 0);  // prerelease before release
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
