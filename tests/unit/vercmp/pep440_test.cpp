// PEP 440 against pypa/packaging's own vectors (testdata/vercmp/pep440, see its SOURCE.md).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vercmp/pep440.hpp"
#include "vercmp/vercmp.hpp"
#include "vercmp_testlib.hpp"

using namespace strata::vercmp;

namespace {

std::string data_path(const char* name) {
  return std::string(STRATA_TESTDATA_DIR) + "/vercmp/pep440/" + name;
}

using vercmp_testlib::read_signed_rows;
using vercmp_testlib::sign;

}  // namespace

TEST_CASE("pep440: every packaging comparison row, both directions") {
  auto rows = read_signed_rows(data_path("pep440.tsv"));
  CHECK(rows.size() == 8702);
  std::size_t pass = 0;
  for (const auto& row : rows) {
    INFO(row.left << " ? " << row.right);
    if (vercmp_testlib::check_signed_row(row, SchemeId::pep440, pep440::parse, pep440::compare)) {
      ++pass;
    }
  }
  std::cout << "pep440.tsv: " << rows.size() << " rows, " << pass << " pass\n";
  CHECK(pass == rows.size());
}

TEST_CASE("pep440: packaging's invalid versions are rejected by parse(), legacy for the scheme") {
  std::ifstream in(data_path("pep440_invalid.txt"));
  REQUIRE(in.good());
  std::string line;
  std::size_t rows = 0;
  std::size_t pass = 0;
  while (std::getline(in, line)) {
    if (line.empty()) {
      continue;
    }
    std::string version = nlohmann::json::parse(line).get<std::string>();
    ++rows;
    auto v = pep440::parse(version);
    INFO(version);
    CHECK_FALSE(v.ok());
    // The scheme orders them as packaging 21.3 did (LegacyVersion), below every valid version.
    CHECK(validate(SchemeId::pep440, version).ok());
    auto vs_zero = compare(SchemeId::pep440, version, "0");
    REQUIRE(vs_zero.ok());
    CHECK(*vs_zero < 0);
    if (!v.ok()) {
      ++pass;
      CHECK(v.error().message.find("invalid pep440 version") != std::string::npos);
    }
  }
  std::cout << "pep440_invalid.txt: " << rows << " rows, " << pass << " rejected\n";
  CHECK(rows == 20);
  CHECK(pass == rows);
}

TEST_CASE("pep440: strict weak ordering over every version in the files") {
  std::set<std::string> unique;
  for (const auto& row : read_signed_rows(data_path("pep440.tsv"))) {
    unique.insert(row.left);
    unique.insert(row.right);
  }
  std::vector<pep440::Version> versions;
  for (const auto& s : unique) {
    auto v = pep440::parse(s);
    REQUIRE(v.ok());
    versions.push_back(std::move(*v));
  }
  std::size_t bad = vercmp_testlib::sort_and_count_inconsistent(versions, pep440::compare);
  std::cout << "pep440 ordering: " << versions.size() << " distinct versions, " << bad
            << " inconsistent pairs\n";
  CHECK(bad == 0);
}

TEST_CASE("pep440: canonical form is packaging's str()") {
  // From packaging tests/test_version.py test_normalized_versions / test_version_str_repr.
  // clang-format off
  const std::pair<const char*, const char*> cases[] = {
      {"1.0dev", "1.0.dev0"},       {"1.0.DEV1", "1.0.dev1"},      {"1.0-dev", "1.0.dev0"},
      {"1.0.a", "1.0a0"},           {"1.0-ALPHA1", "1.0a1"},       {"1.0.beta", "1.0b0"},
      {"1.0C", "1.0rc0"},           {"1.0.rc1", "1.0rc1"},         {"1.0post", "1.0.post0"},
      {"1.0r", "1.0.post0"},        {"1.0.rev1", "1.0.post1"},     {"1.0-5", "1.0.post5"},
      {"1.0+AbC", "1.0+abc"},       {"1.01", "1.1"},               {"1.0c056", "1.0rc56"},
      {"1.0.post000", "1.0.post0"}, {"1.1.dev09000", "1.1.dev9000"}, {"00!1.2", "1.2"},
      {"0100!0.0", "100!0.0"},      {"v1.0", "1.0"},               {"   v1.0\t\n", "1.0"},
      {"\u202f1.0\t\u2029\n ", "1.0"},
      {"0!1.0.4+8.0", "1.0.4+8.0"}, {"7!1.0b2.post345.dev456", "7!1.0b2.post345.dev456"},
      {"1.2+123abc456", "1.2+123abc456"},
      // Beyond packaging's tables: long numbers stay exact, local parts normalise separators.
      {"1.0+ubuntu-1_2", "1.0+ubuntu.1.2"}, {"1.0+007", "1.0+7"},
      {"1.123456789012345678901234567890", "1.123456789012345678901234567890"},
  };
  // clang-format on
  for (const auto& [input, expected] : cases) {
    auto v = pep440::parse(input);
    INFO(input);
    REQUIRE(v.ok());
    CHECK(pep440::canonical(*v) == expected);
  }
}

TEST_CASE("pep440: edge cases of the grammar and ordering") {
  auto cmp = [](const char* a, const char* b) {
    auto r = pep440::compare_strings(a, b);
    REQUIRE(r.ok());
    return sign(*r);
  };
  CHECK(cmp("1.0.dev0", "1.0a0") < 0);  // dev-only release sorts before pre-releases
  CHECK(cmp("1.0a1.dev0", "1.0a1") < 0);
  CHECK(cmp("1.0.post1.dev0", "1.0.post1") < 0);
  CHECK(cmp("1.0.post1.dev0", "1.0") > 0);
  CHECK(cmp("1.0+abc", "1.0+1") < 0);  // numeric local parts beat alphanumeric ones
  CHECK(cmp("1.0+1", "1.0+1.0") < 0);
  CHECK(cmp("1.0", "1.0+0") < 0);
  CHECK(cmp("1.99999999999999999999", "1.100000000000000000000") < 0);
  CHECK(cmp("1.18446744073709551616", "1.18446744073709551615") > 0);
  CHECK(pep440::parse("1.0a.").ok());
  CHECK(pep440::parse("1.0-").ok() == false);
  CHECK(pep440::parse("").ok() == false);
  CHECK(pep440::parse("1.0+").ok() == false);
  CHECK(pep440::parse("1.0+a.").ok() == false);
  CHECK(pep440::parse(std::string(5000, '1')).ok() == false);
  auto err = pep440::compare_strings("1.0", "");
  REQUIRE_FALSE(err.ok());
  CHECK(err.error().message.find("(right)") != std::string::npos);
  auto legacy = pep440::compare_strings("1.0", "nope");  // a legacy version: below 1.0
  REQUIRE(legacy.ok());
  CHECK(*legacy > 0);
}
