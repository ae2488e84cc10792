// rpm version ordering, driven by rpm's tests/rpmvercmp.at (testdata/vercmp/rpm).
#include <catch2/catch.hpp>

#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "vercmp/rpm.hpp"
#include "vercmp/vercmp.hpp"
#include "vercmp_testlib.hpp"

namespace {

using namespace vercmp_testlib;

namespace rpm = strata::vercmp::rpm;

const std::string k_dir = std::string(STRATA_TESTDATA_DIR) + "/vercmp/rpm/";

const auto cmp = compare_ok(rpm::compare_strings);

}  // namespace

TEST_CASE("rpm: every rpmvercmp.at row (and documented oddity) gives exactly its op both ways") {
  std::size_t total = 0;
  // The oddities are rpm's real (if arguably buggy) behaviour; we follow rpm, so they must hold.
  for (const char* file : {"rpm.tsv", "rpm_documented_oddities.tsv"}) {
    auto rows = read_rows(k_dir + file, Malformed::require);
    CHECK(!rows.empty());
    for (const auto& row : rows) {
      INFO(file << ": " << row.left << " " << row.op << " " << row.right);
      check_both_ways(row.op, row.left, row.right, cmp);
      CHECK(op_of(rpm::rpmvercmp(row.left, row.right)) == row.op);
      auto d = strata::vercmp::compare(strata::vercmp::SchemeId::rpm, row.left, row.right);
      REQUIRE(d.ok());
      CHECK(op_of(*d) == row.op);
      ++total;
    }
  }
  std::cout << "vercmp rpm: " << total << " rows checked (both directions)\n";
  CHECK(total == 91 + 12);
}

TEST_CASE("rpm: the ordering is a strict weak ordering on every version in the vectors") {
  std::set<std::string> all;
  for (const char* file : {"rpm.tsv", "rpm_documented_oddities.tsv"}) {
    for (const auto& row : read_rows(k_dir + file, Malformed::require)) {
      all.insert(row.left);
      all.insert(row.right);
    }
  }
  std::cout << "vercmp rpm: strict weak ordering checked on " << all.size() << " versions\n";
  check_strict_weak_ordering({all.begin(), all.end()}, cmp);
}

TEST_CASE("rpm: epoch, version and release as rpmverCmp") {
  CHECK(cmp("1:1.0-1", "2.0-1") > 0);
  CHECK(cmp("0:2.0-1", "2.0-1") == 0);
  CHECK(cmp("6:5.8.2-1.el9_8", "6:5.8.2-1.el9_8.1") < 0);
  CHECK(cmp("1:2.06-114.el9_7.1.alma.1", "1:2.06-114.el9_7.1") > 0);
  CHECK(cmp("5.14.0-570.25.1.el9_6", "5.14.0-570.3.1.el9_6") > 0);
  CHECK(cmp("1:22.23.1-2.module_el9.8.0+285+5c3b0251", "1:22.23.1-2.module_el9.8.0+300+1") < 0);
  CHECK(cmp("10:1-1", "9:99-99") > 0);
  // The release takes part only when both sides carry one (rpm's dependency semantics).
  CHECK(cmp("1.0", "1.0-5.el9") == 0);
  CHECK(cmp("1.0-1", "1.0-5.el9") < 0);

  auto v = rpm::parse("007:1.2-3.el9");
  REQUIRE(v.ok());
  CHECK(v->epoch == 7);
  CHECK(v->version == "1.2");
  CHECK(v->release == "3.el9");
  CHECK(rpm::canonical(*v) == "7:1.2-3.el9");
  auto z = rpm::parse("0:1.2");
  REQUIRE(z.ok());
  CHECK_FALSE(z->has_release);
  CHECK(rpm::canonical(*z) == "1.2");
}

TEST_CASE("rpm: invalid EVRs are rejected with the side named") {
  for (const char* v : {"", " 1.0", "1.0 ", "1.0\t-1", "1:", ":1.0", "a:1.0", "1.0:2", "1:2:3",
                        "1.0-", "-1", "1:-1", "99999999999:1.0"}) {
    INFO("invalid: '" << v << "'");
    auto st = rpm::validate(v);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().category == strata::util::ErrorCategory::input);
    CHECK_FALSE(rpm::parse(v).ok());
    auto r = rpm::compare_strings("1.0", v);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("(right)") != std::string::npos);
  }
  for (const char* v : {"1.0", "0:1.0-1", "1.1.\xce\xb1", "1.0~rc1^git1", "2_0", "+", "1.0-1-2"}) {
    INFO("valid: '" << v << "'");
    CHECK(rpm::validate(v).ok());
  }
}
