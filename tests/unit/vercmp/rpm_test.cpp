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

TEST_CASE("rpm: every full-EVR row (rpm.vercmp answers) gives exactly its op both ways") {
  auto rows = read_rows(k_dir + "rpm_evr.tsv", Malformed::require);
  for (const auto& row : rows) {
    INFO("rpm_evr.tsv: '" << row.left << "' " << row.op << " '" << row.right << "'");
    check_both_ways(row.op, row.left, row.right, cmp);
    auto d = strata::vercmp::compare(strata::vercmp::SchemeId::rpm, row.left, row.right);
    REQUIRE(d.ok());
    CHECK(op_of(*d) == row.op);
  }
  std::cout << "vercmp rpm: " << rows.size() << " full-EVR rows checked (both directions)\n";
  CHECK(rows.size() == 45);
}

TEST_CASE("rpm: the ordering is a strict weak ordering on every version in the vectors") {
  std::set<std::string> all;
  for (const char* file : {"rpm.tsv", "rpm_documented_oddities.tsv", "rpm_evr.tsv"}) {
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
  // A missing release sorts below every release (rpmverCmp, OSV), not "matches any" (rpmds).
  CHECK(cmp("1.0", "1.0-5.el9") < 0);
  CHECK(cmp("1.0", "1.0-") < 0);
  CHECK(cmp("1.0-", "1.0-0") < 0);
  CHECK(cmp("1.0-1", "1.0-5.el9") < 0);
  // Epochs of any size compare as numbers.
  CHECK(cmp("99999999999999999999999:1", "99999999999999999999998:2") > 0);
  CHECK(cmp("00:1", "1") == 0);

  auto v = rpm::parse("007:1.2-3.el9");
  REQUIRE(v.ok());
  CHECK(v->epoch == "007");
  CHECK(v->has_epoch);
  CHECK(v->version == "1.2");
  CHECK(v->release == "3.el9");
  CHECK(rpm::canonical(*v) == "7:1.2-3.el9");
  auto z = rpm::parse("0:1.2");
  REQUIRE(z.ok());
  CHECK_FALSE(z->has_release);
  CHECK(rpm::canonical(*z) == "1.2");
}

TEST_CASE("rpm: EVRs split as rpm's parseEVR, and canonical() reads back the same") {
  struct Split {
    const char* text;
    const char* epoch;
    bool has_epoch;
    const char* version;
    const char* release;
    bool has_release;
    const char* canonical;
  };
  const Split k_splits[] = {
      {"1:", "1", true, "", "", false, "1:"},
      {":1.0", "", true, "1.0", "", false, "1.0"},
      {":", "", true, "", "", false, "0:"},
      {"0:", "0", true, "", "", false, "0:"},
      {"a:1.0", "", false, "a:1.0", "", false, "a:1.0"},
      {"1.0:2", "", false, "1.0:2", "", false, "1.0:2"},
      {"1::2", "1", true, ":2", "", false, "1::2"},
      {"0:1:2", "0", true, "1:2", "", false, "0:1:2"},
      {"1:2:3-4", "1", true, "2:3", "4", true, "1:2:3-4"},
      {"-1", "", false, "", "1", true, "-1"},
      {"1.0-", "", false, "1.0", "", true, "1.0-"},
      {"1.0-1-2", "", false, "1.0-1", "2", true, "1.0-1-2"},
      {"12-3:4", "", false, "12", "3:4", true, "12-3:4"},
      {" 1.0", "", false, " 1.0", "", false, " 1.0"},
      {"0:-", "0", true, "", "", true, "-"},
      {"99999999999999999999999:1", "99999999999999999999999", true, "1", "", false,
       "99999999999999999999999:1"},
  };
  for (const auto& s : k_splits) {
    INFO("'" << s.text << "'");
    auto v = rpm::parse(s.text);
    REQUIRE(v.ok());
    CHECK(v->epoch == s.epoch);
    CHECK(v->has_epoch == s.has_epoch);
    CHECK(v->version == s.version);
    CHECK(v->release == s.release);
    CHECK(v->has_release == s.has_release);
    const std::string canon = rpm::canonical(*v);
    CHECK(canon == s.canonical);
    auto again = rpm::parse(canon);
    REQUIRE(again.ok());
    CHECK(rpm::compare(*again, *v) == 0);
  }
  // rpm reads C strings: a NUL byte ends the version.
  CHECK(cmp(std::string("1.0\0-9", 6), "1.0") == 0);
  CHECK(rpm::rpmvercmp(std::string("1\0"
                                   "2",
                                   3),
                       "1") == 0);
}

TEST_CASE("rpm: only the empty string is refused, with the side named") {
  for (const std::string& v : {std::string(), std::string("\0"
                                                          "1",
                                                          2)}) {
    auto st = rpm::validate(v);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().category == strata::util::ErrorCategory::input);
    CHECK(st.error().message.find("empty") != std::string::npos);
    CHECK_FALSE(rpm::parse(v).ok());
    auto r = rpm::compare_strings("1.0", v);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("(right)") != std::string::npos);
    auto l = rpm::compare_strings(v, "1.0");
    REQUIRE_FALSE(l.ok());
    CHECK(l.error().message.find("(left)") != std::string::npos);
  }
  // Everything strata used to refuse is an EVR to rpm (rpm_evr.tsv has their orderings).
  for (const char* v : {" 1.0",
                        "1.0 ",
                        "1.0\t-1",
                        "1:",
                        ":1.0",
                        "a:1.0",
                        "1.0:2",
                        "1:2:3",
                        "1.0-",
                        "-1",
                        "1:-1",
                        "99999999999:1.0",
                        ":",
                        "-",
                        "~",
                        "^",
                        "\x01",
                        "1.1.\xce\xb1",
                        "1.0~rc1^git1",
                        "2_0",
                        "+",
                        "1.0-1-2"}) {
    INFO("valid: '" << v << "'");
    CHECK(rpm::validate(v).ok());
    CHECK(rpm::parse(v).ok());
    CHECK(rpm::compare_strings(v, "1.0").ok());
  }
  // rpmvercmp() itself takes the empty string too, as rpm's does.
  CHECK(rpm::rpmvercmp("", "") == 0);
  CHECK(rpm::rpmvercmp("", "0") < 0);
  CHECK(rpm::rpmvercmp("", "~") > 0);
  CHECK(rpm::rpmvercmp("", "^") < 0);
}
