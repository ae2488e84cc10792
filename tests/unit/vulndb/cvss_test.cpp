#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "util/strings.hpp"
#include "vulndb/cvss.hpp"

using strata::vulndb::cvss3_base_score;
using strata::vulndb::cvss3_roundup;

TEST_CASE("CVSS v3.1 base scores of well-known vectors") {
  struct Case {
    const char* vector;
    double score;
  };
  const Case cases[] = {
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0},
      {"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 5.5},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1},  // the classic XSS vector
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5},
      {"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", 0.0},  // no impact
      {"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:N/A:N", 5.0},
      // Temporal metrics are ignored for the base score.
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C", 9.8},
  };
  for (const auto& c : cases) {
    INFO(c.vector);
    auto s = cvss3_base_score(c.vector);
    REQUIRE(s.ok());
    CHECK(*s == Approx(c.score).margin(1e-9));
  }
}

TEST_CASE("Roundup follows CVSS v3.1 Appendix A") {
  CHECK(cvss3_roundup(4.0) == 4.0);
  CHECK(cvss3_roundup(4.02) == 4.1);
  CHECK(cvss3_roundup(4.00001) == 4.1);
  CHECK(cvss3_roundup(4.000001) == 4.0);  // below the 1e-5 resolution: floating-point noise
  CHECK(cvss3_roundup(1.1 * 3) == 3.3);    // 3.3000000000000003 is not 3.4
  CHECK(cvss3_roundup(9.96) == 10.0);
}

// 78 (vector, score) pairs stated together in real records (see testdata/osv/SOURCE.md).
TEST_CASE("CVSS v3.0 scores stated in real advisories") {
  std::ifstream in(std::string(STRATA_TESTDATA_DIR) + "/osv/cvss-v3-scores.tsv");
  REQUIRE(in.good());
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    auto cols = strata::util::split(line, '\t');
    REQUIRE(cols.size() == 3);
    INFO(line);
    auto s = cvss3_base_score(cols[0]);
    REQUIRE(s.ok());
    CHECK(*s == Approx(std::stod(std::string(cols[1]))).margin(1e-9));
    ++rows;
  }
  CHECK(rows == 78);
}

TEST_CASE("Invalid CVSS vectors are errors, not scores") {
  const char* bad[] = {
      "",
      "AV:N/AC:L/Au:N/C:P/I:P/A:P",                                  // v2
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",  // v4
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",                    // A missing
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L",            // duplicate
      "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",                // unknown value
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A",                  // no value
      "CVSS:3.1/AV:NN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
  };
  for (const char* v : bad) {
    INFO(v);
    auto s = cvss3_base_score(v);
    CHECK_FALSE(s.ok());
  }
  auto e = cvss3_base_score("CVSS:3.1/AV:N");
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message.find("CVSS:3.1/AV:N") != std::string::npos);
}
