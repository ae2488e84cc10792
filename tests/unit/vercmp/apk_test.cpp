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

namespace {

using namespace vercmp_testlib;

namespace apk = strata::vercmp::apk;

const std::string k_dir = std::string(STRATA_TESTDATA_DIR) + "/vercmp/apk/";

const auto cmp = compare_ok(apk::compare_strings);

}  // namespace

TEST_CASE("apk: every version.data row gives exactly its op, and the reverse row the reverse") {
  auto rows = read_rows(k_dir + "apk.tsv", Malformed::require);
  std::size_t valid_rows = 0;
  std::size_t raw_rows = 0;
  for (const auto& row : rows) {
    INFO(row.left << " " << row.op << " " << row.right);
    if (apk::validate(row.left).ok() && apk::validate(row.right).ok()) {
      check_both_ways(row.op, row.left, row.right, cmp);
      auto d = strata::vercmp::compare(strata::vercmp::SchemeId::apk, row.left, row.right);
      REQUIRE(d.ok());
      CHECK(op_of(*d) == row.op);
      ++valid_rows;
    } else {
      // apk-tools compares invalid versions too ("invalid. do string sort"); we reject them in
      // compare_strings() but reproduce apk's answer in compare_raw().
      CHECK_FALSE(apk::compare_strings(row.left, row.right).ok());
      check_both_ways(row.op, row.left, row.right, apk::compare_raw);
      ++raw_rows;
    }
  }
  std::cout << "vercmp apk: " << rows.size() << " rows checked (both directions): " << valid_rows
            << " between valid versions, " << raw_rows << " with an invalid side via compare_raw\n";
  CHECK(rows.size() == 717);
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

TEST_CASE("apk: validity as apk_version_validate") {
  auto valid = read_lines(k_dir + "apk_valid.txt");
  auto invalid = read_lines(k_dir + "apk_invalid.txt");
  CHECK(valid.size() == 6);
  CHECK(invalid.size() == 24);  // + the empty line of the file (the bare "!" row), added below
  for (const auto& v : valid) {
    INFO("valid: " << v);
    CHECK(apk::validate(v).ok());
    auto p = apk::parse(v);
    REQUIRE(p.ok());
    CHECK(apk::canonical(*p) == v);
  }
  invalid.push_back("");
  invalid.push_back("1.0-R1");
  invalid.push_back("1.0_RC1");
  invalid.push_back("1.0~ABCD");
  for (const auto& v : invalid) {
    INFO("invalid: " << v);
    auto st = apk::validate(v);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().category == strata::util::ErrorCategory::input);
    CHECK_FALSE(apk::parse(v).ok());
    auto left = apk::compare_strings(v, "1.0");
    REQUIRE_FALSE(left.ok());
    CHECK(left.error().message.find("(left)") != std::string::npos);
  }
  std::cout << "vercmp apk: " << valid.size() << " valid, " << invalid.size()
            << " invalid versions checked\n";
}

TEST_CASE("apk: the ordering is a strict weak ordering on every valid version in the vectors") {
  std::set<std::string> all;
  for (const auto& row : read_rows(k_dir + "apk.tsv", Malformed::require)) {
    for (const auto* s : {&row.left, &row.right}) {
      if (apk::validate(*s).ok()) {
        all.insert(*s);
      }
    }
  }
  for (const auto& row : read_rows(k_dir + "apk_fuzzy_ops.tsv", Malformed::require)) {
    for (const auto* s : {&row.left, &row.right}) {
      if (apk::validate(*s).ok()) {
        all.insert(*s);
      }
    }
  }
  for (const auto& v : read_lines(k_dir + "apk_valid.txt")) {
    all.insert(v);
  }
  std::cout << "vercmp apk: strict weak ordering checked on " << all.size() << " versions\n";
  check_strict_weak_ordering({all.begin(), all.end()}, cmp);
}
