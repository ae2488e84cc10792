// nuget versions: the osv-scalibr hand-written vectors (testdata/vercmp/other-ecosystems/)
// plus the behaviours the scheme documents.
#include <catch2/catch.hpp>

#include <string>

#include "vercmp/nuget.hpp"
#include "vercmp_testlib.hpp"

namespace nuget = strata::vercmp::nuget;

namespace {

const auto nuget_cmp = vercmp_testlib::compare_ok(nuget::compare_strings);

}  // namespace

TEST_CASE("nuget: osv-scalibr vectors", "[vercmp][nuget]") {
  vercmp_testlib::check_vector_file(
      std::string(STRATA_TESTDATA_DIR) + "/vercmp/other-ecosystems/osv-scalibr_nuget-versions.tsv",
      35, nuget::parse, nuget::compare, nuget::canonical);
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
