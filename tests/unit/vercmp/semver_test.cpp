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
  for (const char* v : {"1.2", "1.2.3.4", "1.2.3+", "x.y.z"}) {
    INFO(v);
    CHECK_FALSE(semver::parse(v, semver::Mode::loose).ok());
    CHECK_FALSE(validate(SchemeId::semver, v).ok());
  }
  CHECK_FALSE(semver::parse(std::string(257, '1'), semver::Mode::loose).ok());
  CHECK(semver::parse("9007199254740991.0.0", semver::Mode::strict).ok());
  // Beyond node-semver: numbers above 2^53-1 (and 2^64) are versions, compared exactly.
  CHECK(semver::parse("9007199254740992.0.0", semver::Mode::strict).ok());
  CHECK(validate(SchemeId::semver, "1.18446744073709551616.0").ok());
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

TEST_CASE("semver: numbers beyond 64 bits compare as numbers") {
  auto cmp = [](const char* a, const char* b) {
    auto r = semver::compare_strings(a, b);
    INFO(a << " ? " << b);
    REQUIRE(r.ok());
    return vercmp_testlib::sign(*r);
  };
  // 25-digit components in the core version: by length, then digit by digit.
  const char* big = "1234567890123456789012345";
  const char* bigger = "1234567890123456789012346";
  const char* longer = "10000000000000000000000000";  // 26 digits
  auto v = [](const std::string& major, const std::string& minor, const std::string& patch) {
    return major + "." + minor + "." + patch;
  };
  CHECK(cmp(v(big, "0", "0").c_str(), v(bigger, "0", "0").c_str()) < 0);
  CHECK(cmp(v(bigger, "0", "0").c_str(), v(big, "0", "0").c_str()) > 0);
  CHECK(cmp(v(big, "0", "0").c_str(), v(big, "0", "0").c_str()) == 0);
  CHECK(cmp(v(longer, "0", "0").c_str(), v(bigger, "0", "0").c_str()) > 0);
  CHECK(cmp(v("18446744073709551615", "0", "0").c_str(), v(big, "0", "0").c_str()) < 0);  // 2^64-1
  CHECK(cmp("18446744073709551616.0.0", "18446744073709551615.0.0") > 0);  // 2^64 vs 2^64-1
  CHECK(cmp("9999999999999999999.0.0", "10000000000000000000.0.0") < 0);   // 19 vs 20 digits
  CHECK(cmp(v("1", big, "0").c_str(), v("1", bigger, "0").c_str()) < 0);
  CHECK(cmp(v("1", "2", big).c_str(), v("1", "2", bigger).c_str()) < 0);
  CHECK(cmp(v("1", "2", big).c_str(), v("1", "3", "0").c_str()) < 0);
  CHECK(cmp(v("2", "0", "0").c_str(), v("1", big, big).c_str()) > 0);
  // Loose mode strips leading zeros before comparing (strict rejects them).
  CHECK(cmp(("000" + std::string(big) + ".0.0").c_str(), v(big, "0", "0").c_str()) == 0);
  CHECK_FALSE(semver::parse("0" + std::string(big) + ".0.0", semver::Mode::strict).ok());
  // 25-digit numeric prerelease identifiers.
  CHECK(cmp((std::string("1.0.0-") + big).c_str(), (std::string("1.0.0-") + bigger).c_str()) < 0);
  CHECK(cmp((std::string("1.0.0-rc.") + longer).c_str(), (std::string("1.0.0-rc.") + big).c_str()) >
        0);
  CHECK(cmp((std::string("1.0.0-rc.") + big).c_str(), "1.0.0-rc.9") > 0);
  CHECK(cmp((std::string("1.0.0-rc.") + big).c_str(), "1.0.0-rc.a") < 0);  // digits < letters
  CHECK(cmp((std::string("1.0.0-") + big).c_str(), "1.0.0") < 0);
  // The canonical form keeps long numbers exact.
  auto p = semver::parse(v(big, bigger, longer) + "-" + big);
  REQUIRE(p.ok());
  CHECK(semver::canonical(*p) == v(big, bigger, longer) + "-" + big);
  // And npm ranges see them too.
  auto in = npm_range::satisfies(v("1", big, "0"), "^1.0.0");
  REQUIRE(in.ok());
  CHECK(*in);
}
