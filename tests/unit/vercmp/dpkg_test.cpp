// dpkg version ordering and validity, driven by dpkg's own test vectors (testdata/vercmp/dpkg).
#include <catch2/catch.hpp>

#include <algorithm>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "vercmp/dpkg.hpp"
#include "vercmp/vercmp.hpp"
#include "vercmp_testlib.hpp"

namespace {

using namespace vercmp_testlib;

namespace dpkg = strata::vercmp::dpkg;

const std::string k_dir = std::string(STRATA_TESTDATA_DIR) + "/vercmp/dpkg/";

const auto cmp = compare_ok(dpkg::compare_strings);

}  // namespace

TEST_CASE("dpkg: every vector row gives exactly its op, and the reverse row the reverse") {
  std::size_t total = 0;
  for (const char* file : {"dpkg.tsv", "dpkg_sorted_list.tsv"}) {
    auto rows = read_rows(k_dir + file, Malformed::require);
    CHECK(!rows.empty());
    for (const auto& row : rows) {
      INFO(file << ": " << row.left << " " << row.op << " " << row.right);
      check_both_ways(row.op, row.left, row.right, cmp);
      auto via_dispatch =
          strata::vercmp::compare(strata::vercmp::SchemeId::dpkg, row.left, row.right);
      REQUIRE(via_dispatch.ok());
      CHECK(op_of(*via_dispatch) == row.op);
      ++total;
    }
  }
  std::cout << "vercmp dpkg: " << total << " rows checked (both directions)\n";
  CHECK(total == 58);
}

TEST_CASE("dpkg: the sorted list sorts into dpkg's expected order") {
  auto rows = read_rows(k_dir + "dpkg_sorted_list.tsv", Malformed::require);
  // The file lists every ordered pair i<j of the expected sequence; recover the sequence.
  std::vector<std::string> expected;
  for (const auto& row : rows) {
    for (const auto* s : {&row.left, &row.right}) {
      if (std::find(expected.begin(), expected.end(), *s) == expected.end()) {
        expected.push_back(*s);
      }
    }
  }
  REQUIRE(expected.size() == 6);
  std::vector<std::string> sorted(expected.rbegin(), expected.rend());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const std::string& a, const std::string& b) { return cmp(a, b) < 0; });
  CHECK(sorted == expected);
}

TEST_CASE("dpkg: the ordering is a strict weak ordering on every version in the vectors") {
  std::set<std::string> all;
  for (const char* file : {"dpkg.tsv", "dpkg_sorted_list.tsv"}) {
    for (const auto& row : read_rows(k_dir + file, Malformed::require)) {
      all.insert(row.left);
      all.insert(row.right);
    }
  }
  for (const auto& v : read_lines(k_dir + "dpkg_valid.txt")) {
    all.insert(v);
  }
  std::cout << "vercmp dpkg: strict weak ordering checked on " << all.size() << " versions\n";
  check_strict_weak_ordering({all.begin(), all.end()}, cmp);
}

TEST_CASE("dpkg: validity follows dpkg's parseversion and Dpkg::Version::is_valid") {
  auto valid = read_lines(k_dir + "dpkg_valid.txt");
  auto invalid = read_lines(k_dir + "dpkg_invalid.txt");
  CHECK(valid.size() == 22);
  CHECK(invalid.size() == 66);
  for (const auto& v : valid) {
    INFO("valid: '" << v << "'");
    CHECK(dpkg::validate(v).ok());
    CHECK(dpkg::parse(v).ok());
  }
  invalid.push_back("");
  for (const auto& v : invalid) {
    INFO("invalid: '" << v << "'");
    auto st = dpkg::validate(v);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().category == strata::util::ErrorCategory::input);
    CHECK_FALSE(dpkg::parse(v).ok());
    auto left = dpkg::compare_strings(v, "1.0");
    REQUIRE_FALSE(left.ok());
    CHECK(left.error().message.find("(left)") != std::string::npos);
    auto right = dpkg::compare_strings("1.0", v);
    REQUIRE_FALSE(right.ok());
    CHECK(right.error().message.find("(right)") != std::string::npos);
  }
  std::cout << "vercmp dpkg: " << valid.size() << " valid, " << invalid.size()
            << " invalid versions checked\n";
}

TEST_CASE("dpkg: parse splits epoch, upstream and revision; canonical renders as dpkg does") {
  auto v = dpkg::parse("  1:2.0-3-4  ");
  REQUIRE(v.ok());
  CHECK(v->epoch == 1);
  CHECK(v->has_epoch);
  CHECK(v->upstream == "2.0-3");
  CHECK(v->revision == "4");
  CHECK(dpkg::canonical(*v) == "1:2.0-3-4");
  auto zero = dpkg::parse("0:1.0");
  REQUIRE(zero.ok());
  CHECK(zero->has_epoch);
  CHECK(dpkg::canonical(*zero) == "1.0");
  auto plain = dpkg::parse("1.0");
  REQUIRE(plain.ok());
  CHECK_FALSE(plain->has_epoch);
  CHECK(plain->revision.empty());
  CHECK(dpkg::compare(*zero, *plain) == 0);
  const std::string text = dpkg::canonical(*v);  // parse() keeps views into this text
  auto c = dpkg::parse(text);
  REQUIRE(c.ok());
  CHECK(dpkg::compare(*c, *v) == 0);
}
