// composer versions: the osv-scalibr hand-written vectors (testdata/vercmp/other-ecosystems/)
// plus the behaviours the scheme documents.
#include <catch2/catch.hpp>

#include <string>

#include "vercmp/composer.hpp"
#include "vercmp_testlib.hpp"

namespace composer = strata::vercmp::composer;

namespace {

const auto composer_cmp = vercmp_testlib::compare_ok(composer::compare_strings);

}  // namespace

TEST_CASE("composer: osv-scalibr vectors", "[vercmp][composer]") {
  vercmp_testlib::check_vector_file(
      std::string(STRATA_TESTDATA_DIR) +
          "/vercmp/other-ecosystems/osv-scalibr_packagist-versions.tsv",
      95, composer::parse, composer::compare, composer::canonical);
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
