// apk version ordering and validity, driven by apk-tools' test/unit/version.data
// (testdata/vercmp/apk).
#include <catch2/catch.hpp>

#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "vercmp/apk.hpp"
#include "vercmp/vercmp.hpp"
#include "vercmp_testlib.hpp"
#include "version_generator.hpp"

namespace {

using namespace vercmp_testlib;

namespace apk = strata::vercmp::apk;

const std::string k_dir = std::string(STRATA_TESTDATA_DIR) + "/vercmp/apk/";

const auto cmp = compare_ok(apk::compare_strings);

}  // namespace

TEST_CASE("apk: every version.data row gives exactly its op, and the reverse row the reverse") {
  auto rows = read_rows(k_dir + "apk.tsv", Malformed::require);
  std::size_t ill_formed_rows = 0;
  for (const auto& row : rows) {
    INFO(row.left << " " << row.op << " " << row.right);
    // apk-tools compares versions outside its grammar too ("1.0 < 1.0bc", "invalid. do string
    // sort"), and so does strata.
    check_both_ways(row.op, row.left, row.right, cmp);
    check_both_ways(row.op, row.left, row.right, apk::compare_raw);
    auto d = strata::vercmp::compare(strata::vercmp::SchemeId::apk, row.left, row.right);
    REQUIRE(d.ok());
    CHECK(op_of(*d) == row.op);
    if (!apk::well_formed(row.left) || !apk::well_formed(row.right)) {
      ++ill_formed_rows;
    }
  }
  std::cout << "vercmp apk: " << rows.size() << " rows checked (both directions), "
            << ill_formed_rows << " of them with a side outside apk's grammar\n";
  CHECK(rows.size() == 717);
  CHECK(ill_formed_rows == 2);
}

TEST_CASE("apk: versions outside apk's grammar order as apk_version_compare's token walk") {
  // Expected ops derived by hand from apk-tools' src/version.c (testdata/vercmp/apk/SOURCE.md).
  auto rows = read_rows(k_dir + "apk_fallback.tsv", Malformed::require);
  std::size_t ill_formed = 0;
  for (const auto& row : rows) {
    INFO(row.left << " " << row.op << " " << row.right);
    CHECK_FALSE(apk::well_formed(row.left));
    check_both_ways(row.op, row.left, row.right, cmp);
    auto d = strata::vercmp::compare(strata::vercmp::SchemeId::apk, row.left, row.right);
    REQUIRE(d.ok());
    CHECK(op_of(*d) == row.op);
    ill_formed += apk::well_formed(row.right) ? 0 : 1;
  }
  std::cout << "vercmp apk: " << rows.size() << " fallback rows checked (both directions), "
            << ill_formed << " with both sides outside the grammar\n";
  CHECK(rows.size() == 45);

  // Strings with no initial number: apk puts them all in one class below every version;
  // strata refuses them in compare_strings() but compare_raw() gives apk's answer.
  CHECK(apk::compare_raw("abc", "x") == 0);
  CHECK(apk::compare_raw("abc", "_rc1") == 0);
  CHECK(apk::compare_raw("v1.0", "abc") == 0);
  CHECK(apk::compare_raw("abc", "0") < 0);
  CHECK(apk::compare_raw("v1.0", "1.0") < 0);
  CHECK(apk::compare_raw("", "abc") == 0);
  CHECK(apk::compare_raw("", "0_alpha") < 0);
}

TEST_CASE("apk: fuzzy operators as apk_version_match") {
  auto rows = read_rows(k_dir + "apk_fuzzy_ops.tsv", Malformed::require);
  CHECK(rows.size() == 16);
  for (const auto& row : rows) {
    INFO(row.left << " " << row.op << " " << row.right);
    bool fuzzy = apk::fuzzy_match(row.left, row.right);
    int c = apk::compare_raw(row.left, row.right);
    if (row.op == "~") {
      CHECK(fuzzy);
    } else if (row.op == "!~") {
      CHECK_FALSE(fuzzy);
    } else if (row.op == "<~") {
      CHECK((fuzzy || c < 0));
    } else if (row.op == ">~") {
      CHECK((fuzzy || c > 0));
    } else {
      FAIL("unknown operator " << row.op);
    }
  }
}

TEST_CASE("apk: well_formed() as apk_version_validate; validity asks only for an initial number") {
  auto valid = read_lines(k_dir + "apk_valid.txt");
  auto invalid = read_lines(k_dir + "apk_invalid.txt");
  CHECK(valid.size() == 6);
  CHECK(invalid.size() == 24);  // + the empty line of the file (the bare "!" row), added below
  for (const auto& v : valid) {
    INFO("well-formed: " << v);
    CHECK(apk::well_formed(v));
    CHECK(apk::validate(v).ok());
    auto p = apk::parse(v);
    REQUIRE(p.ok());
    CHECK(apk::canonical(*p) == v);
  }
  invalid.push_back("");
  invalid.push_back("1.0-R1");
  invalid.push_back("1.0_RC1");
  invalid.push_back("1.0~ABCD");
  std::size_t ordered = 0;
  for (const auto& v : invalid) {
    INFO("ill-formed: '" << v << "'");
    CHECK_FALSE(apk::well_formed(v));
    if (!v.empty() && v.front() >= '0' && v.front() <= '9') {
      CHECK(apk::validate(v).ok());
      auto p = apk::parse(v);
      REQUIRE(p.ok());
      CHECK(apk::canonical(*p) == v);
      CHECK(apk::compare_strings(v, "1.0").ok());
      ++ordered;
      continue;
    }
    auto st = apk::validate(v);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().category == strata::util::ErrorCategory::input);
    CHECK_FALSE(apk::parse(v).ok());
    auto left = apk::compare_strings(v, "1.0");
    REQUIRE_FALSE(left.ok());
    CHECK(left.error().message.find("(left)") != std::string::npos);
  }
  CHECK(ordered == 23);  // all but "", ".1", "a", "_pre1", "-r1"
  CHECK(apk::validate("").error().message == "invalid apk version '': empty");
  CHECK(apk::compare_strings("1.0", "v1.0").error().message ==
        "invalid apk version 'v1.0' (right): does not start with a number");
  std::cout << "vercmp apk: " << valid.size() << " well-formed, " << invalid.size()
            << " ill-formed versions checked, " << ordered << " of them ordered\n";
}

TEST_CASE("apk: the ordering is a strict weak ordering on every version in the vectors") {
  std::set<std::string> all;
  for (const char* file : {"apk.tsv", "apk_fallback.tsv", "apk_fuzzy_ops.tsv"}) {
    for (const auto& row : read_rows(k_dir + file, Malformed::require)) {
      all.insert(row.left);
      all.insert(row.right);
    }
  }
  for (const char* file : {"apk_valid.txt", "apk_invalid.txt"}) {
    for (const auto& v : read_lines(k_dir + file)) {
      all.insert(v);
    }
  }
  std::erase_if(all, [](const std::string& v) { return !apk::validate(v).ok(); });
  std::cout << "vercmp apk: strict weak ordering checked on " << all.size() << " versions\n";
  check_strict_weak_ordering({all.begin(), all.end()}, cmp);
}

TEST_CASE(
    "apk: the ordering is a strict weak ordering on generated strings, in or out of grammar") {
  // Mostly pieces of apk's grammar, with a few that break it, after an initial number (most of
  // the time), so strings turn invalid at every depth.
  VersionGenerator gen(
      0x5eed'0061'706b'0001ULL,
      {"#",    "#",  "#",      "#",     ".",    ".",    ".",  ".",    "a",    "b",
       "p",    "z",  "_alpha", "_beta", "_pre", "_rc",  "_p", "_git", "_cvs", "~1a",
       "~abc", "-r", "-r",     "-r",    "_",    "_foo", "~",  "-",    "A",    "+"});
  std::vector<std::string> all;
  for (int i = 0; i < 700; ++i) {
    std::string s =
        (gen.below(8) == 0 ? std::string() : std::to_string(gen.below(12))) + gen.string(6);
    all.push_back(gen.below(2) == 0 ? gen.mutate(s) : s);
  }
  std::size_t ill_formed = 0;
  for (const auto& s : all) {
    ill_formed += apk::well_formed(s) ? 0 : 1;
  }
  auto raw = [](const std::string& a, const std::string& b) { return apk::compare_raw(a, b); };
  vercmp_testlib::OrderingReport report = vercmp_testlib::check_ordering(all, raw, 20);
  for (const auto& e : report.examples) {
    UNSCOPED_INFO(e);
  }
  std::cout << "vercmp apk: strict weak ordering checked on " << all.size()
            << " generated strings (" << ill_formed << " outside the grammar), " << report.classes
            << " classes, " << report.violations << " violations\n";
  CHECK(ill_formed > all.size() / 2);
  CHECK(report.violations == 0);
}
