// PEP 440 versions outside the grammar ("legacy" versions, as packaging 21.3 called them) against
// the oracle: Debian 12's python3-pkg-resources (setuptools 66) vendors packaging 21.3, whose
// parse() still falls back to LegacyVersion. One python3 process orders every pair of a mixed
// set of valid and legacy versions (the versions of pep440.tsv, packaging's invalid versions and
// legacy spellings seen on PyPI) and prints, per version, whether it is legacy and its order
// against every other. scripts/install-deps.sh --test installs python3-pkg-resources.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/temp_dir.hpp"
#include "util/process.hpp"
#include "vercmp/pep440.hpp"
#include "vercmp/vercmp.hpp"
#include "vercmp_testlib.hpp"
#include "version_generator.hpp"

namespace {

namespace pep440 = strata::vercmp::pep440;
using vercmp_testlib::escaped;

const std::string k_dir = std::string(STRATA_TESTDATA_DIR) + "/vercmp/pep440/";

// Legacy spellings: PyPI's own ("0.1-bulbasaur", "2004d"), Maven- and Debian-like suffixes, the
// replacement map's words (pre, preview, rc, dev, '-'), zero runs before a tag, digit runs of 8
// and 9 digits (compared as text in packaging), and separators PEP 440 does not know.
const std::vector<std::string> k_legacy = {
    "0.1-bulbasaur",
    "1.0-foo",
    "1.0-foo-1",
    "2004d",
    "0.3.2d",
    "0.3.2e",
    "1.0.0-final",
    "1.0-final",
    "1.0-final-2",
    "1.0-SNAPSHOT",
    "1.0-snapshot",
    "1.0-rc1-1",
    "1.0pre-1",
    "1.0-pre1",
    "1.0-preview",
    "1.0-preview.1",
    "1.0dev-1",
    "1.0-dev",
    "1.0-dev-r1234",
    "1.0-a-1",
    "1.0-alpha",
    "1.0a1-x",
    "1.0-1-1",
    "1.2.3-4-5",
    "1.0.0.0-x",
    "1.0-0-x",
    "0.0.0-x",
    "0-x",
    "00000001-x",
    "1-x",
    "1.0_foo",
    "1.0 foo",
    "foo",
    "foo-1.0",
    "@",
    "*",
    "1.0-@",
    "1.0~1",
    "1.0^1",
    "1:2.0",
    "1.0.x",
    "1.0.0.x",
    "v1.0-x",
    "V1.0-X",
    "1.0-X",
    "99999999.0-x",
    "100000000.0-x",
    "123456789-x",
    "20030303.cvs",
    "1.0-c",
    "1.0-c-1",
    "1.0-final-",
    "1.0--1",
    "-1.0",
    "1.0+foo+bar",
    "  ",
    "1.0-",
    "1.0-r1",
    "1.0-post1-x",
    "1.0.dev1-x",
};

// Every version of pep440.tsv and pep440_invalid.txt, and k_legacy. Left out: "1.0+İ", whose
// Unicode lower-casing (to "i" and a combining dot) strata does not reproduce (pep440.hpp).
std::vector<std::string> oracle_versions() {
  std::set<std::string> unique(k_legacy.begin(), k_legacy.end());
  for (const auto& row : vercmp_testlib::read_signed_rows(k_dir + "pep440.tsv")) {
    unique.insert(row.left);
    unique.insert(row.right);
  }
  std::ifstream in(k_dir + "pep440_invalid.txt");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      unique.insert(nlohmann::json::parse(line).get<std::string>());
    }
  }
  unique.erase("1.0+\xc4\xb0");
  return {unique.begin(), unique.end()};
}

// Per version, one line: "L" or "V" (legacy or valid), a space, then one of '<' '=' '>' per
// version (this one against that one).
const char* const k_script = R"(
import json, sys, warnings
warnings.simplefilter("ignore")
from pkg_resources.extern.packaging.version import parse, LegacyVersion
vs = [parse(v) for v in json.load(open(sys.argv[1], encoding="utf-8"))]
for a in vs:
    row = "".join("<" if a < b else (">" if a > b else "=") for b in vs)
    print(("L " if isinstance(a, LegacyVersion) else "V ") + row)
)";

std::vector<std::string> ask_packaging(const std::vector<std::string>& versions) {
  auto python = strata::util::find_on_path("python3", "/usr/bin:/bin");
  REQUIRE(python);
  strata::test_support::TempDir tmp("strata-pep440-legacy");
  const std::string file = tmp.sub("versions.json");
  {
    std::ofstream out(file, std::ios::binary);
    out << nlohmann::json(versions).dump();
    REQUIRE(out.good());
  }
  auto r =
      strata::util::run_process({*python, "-c", k_script, file}, "",
                                strata::util::ProcessOptions{std::chrono::seconds(120), 64u << 20});
  REQUIRE(r);
  INFO(
      "python3-pkg-resources (packaging 21.3 with LegacyVersion) is needed: "
      "scripts/install-deps.sh --test installs it\n"
      << r->err);
  REQUIRE(r->exit_code == 0);
  std::vector<std::string> lines;
  std::istringstream in(r->out);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

}  // namespace

TEST_CASE("pep440 legacy: every pair orders as packaging 21.3 (LegacyVersion) orders it") {
  const std::vector<std::string> versions = oracle_versions();
  const std::vector<std::string> want = ask_packaging(versions);
  REQUIRE(want.size() == versions.size());
  std::vector<pep440::AnyVersion> parsed;
  std::size_t legacy = 0;
  for (const auto& v : versions) {
    auto p = pep440::parse_any(v);
    INFO(escaped(v));
    REQUIRE(p.ok());
    CHECK((p->legacy ? 'L' : 'V') == want[parsed.size()][0]);
    legacy += p->legacy ? 1 : 0;
    parsed.push_back(std::move(*p));
  }
  std::size_t disagreements = 0;
  for (std::size_t i = 0; i < versions.size(); ++i) {
    for (std::size_t j = 0; j < versions.size(); ++j) {
      int c = vercmp_testlib::sign(pep440::compare_any(parsed[i], parsed[j]));
      char got = c < 0 ? '<' : (c > 0 ? '>' : '=');
      char expected = want[i][2 + j];
      if (got != expected && disagreements++ < 50) {
        UNSCOPED_INFO(escaped(versions[i]) << " vs " << escaped(versions[j]) << ": packaging "
                                           << expected << ", strata " << got);
      }
    }
  }
  std::cout << "pep440 legacy oracle: " << versions.size() << " versions (" << legacy
            << " legacy), " << versions.size() * versions.size() << " pairs, " << disagreements
            << " disagreements\n";
  CHECK(legacy >= k_legacy.size());
  CHECK(disagreements == 0);
}

TEST_CASE("pep440 legacy: the dispatcher orders legacy versions, below every valid one") {
  using strata::vercmp::SchemeId;
  auto cmp = [](const char* a, const char* b) {
    auto r = strata::vercmp::compare(SchemeId::pep440, a, b);
    REQUIRE(r.ok());
    return vercmp_testlib::sign(*r);
  };
  CHECK(cmp("0.1-bulbasaur", "0.0.0") < 0);
  CHECK(cmp("1.0-foo", "0.1") < 0);
  CHECK(cmp("1.0-foo", "1.0-foo") == 0);
  CHECK(cmp("1.0-FOO", "1.0-foo") == 0);
  CHECK(cmp("1.0-foo", "1.0-bar") > 0);
  CHECK(cmp("1.10-x", "1.9-x") > 0);
  CHECK(cmp("1.0-rc1-x", "1.0-x") < 0);  // a pre-release tag drops the '-' before it
  CHECK(strata::vercmp::validate(SchemeId::pep440, "1.0-foo").ok());
  CHECK_FALSE(pep440::parse("1.0-foo").ok());  // not PEP 440 itself
  auto empty = strata::vercmp::compare(SchemeId::pep440, "1.0", "");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message == "invalid pep440 version '' (right): empty");
  CHECK_FALSE(strata::vercmp::validate(SchemeId::pep440, std::string(5000, '1')).ok());
}
