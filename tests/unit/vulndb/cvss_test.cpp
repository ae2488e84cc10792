#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "util/strings.hpp"
#include "vulndb/cvss.hpp"

using strata::vulndb::cvss3_base_score;
using strata::vulndb::cvss3_roundup;
using strata::vulndb::cvss4_base_score;

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
  CHECK(cvss3_roundup(1.1 * 3) == 3.3);   // 3.3000000000000003 is not 3.4
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
      "AV:N/AC:L/Au:N/C:P/I:P/A:P",                                       // v2
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",  // v4
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",                         // A missing
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L",                 // duplicate
      "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",                     // unknown value
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A",                       // no value
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

namespace {

struct ScoredVector {
  std::string vector;
  double score;
};

// testdata/osv/cvss-v4-scores.tsv: vector, score, where it is stated (see testdata/osv/SOURCE.md).
std::vector<ScoredVector> cvss4_reference_scores() {
  std::ifstream in(std::string(STRATA_TESTDATA_DIR) + "/osv/cvss-v4-scores.tsv");
  REQUIRE(in.good());
  std::vector<ScoredVector> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    auto cols = strata::util::split(line, '\t');
    REQUIRE(cols.size() == 3);
    out.push_back({std::string(cols[0]), std::stod(std::string(cols[1]))});
  }
  return out;
}

bool one_decimal_in_range(double s) {
  return s >= 0.0 && s <= 10.0 && std::fabs(s * 10 - std::round(s * 10)) < 1e-9;
}

}  // namespace

TEST_CASE("CVSS v4.0 scores match the reference implementation's test vectors") {
  auto cases = cvss4_reference_scores();
  CHECK(cases.size() == 150);
  for (const auto& c : cases) {
    INFO(c.vector);
    auto s = cvss4_base_score(c.vector);
    REQUIRE(s.ok());
    CHECK(*s == Approx(c.score).margin(1e-9));
  }
}

TEST_CASE("CVSS v4.0: the highest and the lowest vectors, and well-known ones") {
  CHECK(*cvss4_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H") ==
        Approx(10.0));
  CHECK(*cvss4_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N") ==
        Approx(9.3));
  CHECK(*cvss4_base_score("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N") ==
        0.0);
  // Every impact None: 0 whatever the rest says.
  CHECK(*cvss4_base_score(
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:A/MSI:X") == 0.0);
}

TEST_CASE("CVSS v4.0: order, X and supplemental metrics do not change the score") {
  for (const auto& c : cvss4_reference_scores()) {
    INFO(c.vector);
    auto base = cvss4_base_score(c.vector);
    REQUIRE(base.ok());
    // Metrics in reverse order.
    auto parts = strata::util::split(std::string_view(c.vector).substr(9), '/');
    std::string reversed = "CVSS:4.0";
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      reversed += "/" + std::string(*it);
    }
    auto r = cvss4_base_score(reversed);
    REQUIRE(r.ok());
    CHECK(*r == *base);
    if (c.vector.find("/S:") == std::string::npos && c.vector.find("/E:") == std::string::npos &&
        c.vector.find("/CR:") == std::string::npos && c.vector.find("/M") == std::string::npos) {
      auto more = cvss4_base_score(c.vector + "/E:X/CR:X/MAV:X/MSI:X/S:P/AU:Y/R:I/V:C/RE:H/U:Red");
      REQUIRE(more.ok());
      CHECK(*more == *base);
    }
  }
}

TEST_CASE("CVSS v4.0: threat and environmental metrics act as the specification says") {
  const std::string base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
  const double b = *cvss4_base_score(base);
  // Exploit maturity: Attacked is the default; POC and Unreported lower the score, in order.
  CHECK(*cvss4_base_score(base + "/E:A") == b);
  const double p = *cvss4_base_score(base + "/E:P");
  const double u = *cvss4_base_score(base + "/E:U");
  CHECK(p < b);
  CHECK(u < p);
  // A modified metric replaces its base metric.
  CHECK(*cvss4_base_score(base + "/MAV:P") ==
        *cvss4_base_score("CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"));
  CHECK(*cvss4_base_score(base + "/MVC:N/MVI:N/MVA:N") == 0.0);
  // MSI:S (safety) is the highest subsequent-system integrity impact there is.
  CHECK(*cvss4_base_score(base + "/MSI:S") >= b);
}

TEST_CASE("CVSS v4.0: every base vector scores 0.0 .. 10.0 with one decimal") {
  // All 3^... = 104,976 combinations of the eleven base metrics.
  const std::vector<std::pair<const char*, const char*>> metrics = {
      {"AV", "NALP"}, {"AC", "LH"},  {"AT", "NP"},  {"PR", "NLH"}, {"UI", "NPA"}, {"VC", "HLN"},
      {"VI", "HLN"},  {"VA", "HLN"}, {"SC", "HLN"}, {"SI", "HLN"}, {"SA", "HLN"}};
  std::vector<std::size_t> index(metrics.size(), 0);
  int count = 0;
  int bad = 0;
  while (true) {
    std::string v = "CVSS:4.0";
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      v += fmt::format("/{}:{}", metrics[i].first, metrics[i].second[index[i]]);
    }
    auto s = cvss4_base_score(v);
    if (!s.ok() || !one_decimal_in_range(*s)) {
      ++bad;
      UNSCOPED_INFO(v);
    }
    ++count;
    std::size_t i = 0;
    while (i < metrics.size() && metrics[i].second[++index[i]] == '\0') {
      index[i++] = 0;
    }
    if (i == metrics.size()) {
      break;
    }
  }
  CHECK(count == 104976);
  CHECK(bad == 0);
}

TEST_CASE("Invalid CVSS v4 vectors are errors naming the vector") {
  const char* bad[] = {
      "",
      "CVSS:4.0",
      "CVSS:4.0/",
      "CVSS:4.1/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",          // wrong version
      "cvss:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",          // wrong case
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",                             // v3
      "AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",                   // no prefix
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",               // SA missing
      "CVSS:4.0/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",               // AV missing
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/",         // trailing slash
      "CVSS:4.0/AV:N//AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",         // empty field
      "CVSS:4.0/AV:N/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",     // duplicate
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P/E:U",  // duplicate
      "CVSS:4.0/AV:X/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",          // X in base
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:S/SI:N/SA:N",          // S only MSx
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSC:S",
      "CVSS:4.0/AV:NN/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",  // bad value
      "CVSS:4.0/AV:n/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
      "CVSS:4.0/AV:/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",  // no value
      "CVSS:4.0/AV/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",   // no colon
      "CVSS:4.0/AV:N:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/JJ:H",   // unknown
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:red",  // case
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:R",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/Au:N",  // v2 metric
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/S:U/C:H/I:H/A:H",      // v3 metrics
      " CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N ",
  };
  for (const char* v : bad) {
    INFO(v);
    auto s = cvss4_base_score(v);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().category == strata::util::ErrorCategory::input);
    CHECK(s.error().message.find(fmt::format("'{}'", v)) != std::string::npos);
  }
  auto missing = cvss4_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("VI VA SC SI SA") != std::string::npos);
  // Control characters and overlong input stay out of the one-line message.
  auto ctl = cvss4_base_score(std::string("CVSS:4.0/AV:N\n\x01") + std::string(5000, 'A'));
  REQUIRE_FALSE(ctl.ok());
  CHECK(ctl.error().message.find('\n') == std::string::npos);
  CHECK(ctl.error().message.size() < 600);
}

TEST_CASE("CVSS v4: random mutations of valid vectors never crash") {
  auto cases = cvss4_reference_scores();
  std::mt19937 rng(20240607);
  static const char k_alphabet[] = "CVSS:4.0/AVNLPHXMEUSRIDYabc\0\xff";
  const std::string alphabet(k_alphabet, sizeof k_alphabet - 1);
  int ok = 0;
  int errors = 0;
  for (int round = 0; round < 30000; ++round) {
    std::string v = cases[rng() % cases.size()].vector;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !v.empty(); ++e) {
      const std::size_t pos = rng() % v.size();
      switch (rng() % 6) {
        case 0:
          v.erase(pos, 1);
          break;
        case 1:
          v.insert(pos, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 2:
          v[pos] = alphabet[rng() % alphabet.size()];
          break;
        case 3:
          v.resize(pos);
          break;
        case 4:
          v += v.substr(pos);
          break;  // repeats metrics
        default:
          std::swap(v[pos], v[rng() % v.size()]);
          break;
      }
    }
    auto s = cvss4_base_score(v);
    if (s.ok()) {
      INFO(v);
      CHECK(one_decimal_in_range(*s));
      ++ok;
    } else {
      CHECK(s.error().category == strata::util::ErrorCategory::input);
      ++errors;
    }
  }
  // Both outcomes happen: the mutations are neither all harmless nor all fatal.
  CHECK(ok > 100);
  CHECK(errors > 100);
}
