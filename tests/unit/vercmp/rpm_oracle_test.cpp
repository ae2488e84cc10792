// strata's rpm ordering against the independent oracle, Debian's rpm 4.18: its Lua rpm.vercmp()
// parses both sides with rpmverParse() and compares them with rpmverCmp(), the code the rpm
// scheme follows. One rpm process answers every pair: the pairs go to a file (hex-encoded, so any
// byte can be in a version), a Lua loop inside `rpm --eval` reads it and prints one answer per
// line: -1, 0, 1, or E where rpm.vercmp raises ("invalid version": rpm refuses the empty string).
// scripts/install-deps.sh --test installs rpm.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/temp_dir.hpp"
#include "util/process.hpp"
#include "vercmp/rpm.hpp"
#include "vercmp/vercmp.hpp"
#include "vercmp_testlib.hpp"
#include "version_generator.hpp"

namespace {

namespace rpm = strata::vercmp::rpm;
using vercmp_testlib::escaped;
using vercmp_testlib::VersionGenerator;

using Pair = std::pair<std::string, std::string>;

const std::string k_dir = std::string(STRATA_TESTDATA_DIR) + "/vercmp/rpm/";

// Strings where an EVR parser has to decide something: empty and lone separators, epochs that
// are empty, not numbers, too big or repeated, empty versions and releases, whitespace, control
// and non-ASCII bytes, a NUL byte (rpm reads C strings), tilde and caret runs, long digit runs.
const std::vector<std::string> k_edges = {
    "",
    ":",
    "::",
    "1:",
    "0:",
    ":1",
    "a:1",
    "1::2",
    "1:2:3",
    "1.0:2",
    "-1",
    "1-",
    "-",
    "--",
    "1--1",
    "1:-1",
    "0:-",
    "~~",
    "~",
    "^",
    "^^",
    "~^",
    "1.0~",
    "1.0^",
    "1.0",
    "1.0-1",
    "1.0-1-2",
    "007:1.0",
    "7:1.0",
    "4294967296:1",
    "99999999999999999999999:1",
    "1.000000000000000000000000001",
    "1.1",
    " 1.0",
    "1.0 ",
    "1.0\t-1",
    "1.0\n",
    "\x01",
    "1.\xce\xb1",
    "1.\xff",
    std::string("1\0"
                "2",
                3),
    std::string("\0"
                "1",
                2),
    "a",
    "A",
    "Z9",
};

// The pieces random strings are built from: digit runs ("#") weighed most, then letters, the
// characters rpm gives a meaning to (`~ ^ : -`), plain separators, whitespace, control, non-ASCII
// and NUL bytes.
VersionGenerator generator() {
  return VersionGenerator(0x5eed'0072'706d'0001ULL, {"#",
                                                     "#",
                                                     "#",
                                                     "#",
                                                     "#",
                                                     "a",
                                                     "b",
                                                     "z",
                                                     "A",
                                                     "Z",
                                                     "rc",
                                                     "el",
                                                     "~",
                                                     "~",
                                                     "^",
                                                     "^",
                                                     ".",
                                                     ".",
                                                     ".",
                                                     "-",
                                                     "-",
                                                     ":",
                                                     ":",
                                                     "_",
                                                     "+",
                                                     " ",
                                                     "\t",
                                                     "\x01",
                                                     "\xce\xb1",
                                                     "\xff",
                                                     std::string(1, '\0')});
}

// Every pair of the vector files (both ways), every pair of edge strings, then random pairs (half
// of them a string and a small edit of it) both ways.
std::vector<Pair> oracle_pairs() {
  std::vector<Pair> pairs;
  for (const char* file : {"rpm.tsv", "rpm_documented_oddities.tsv", "rpm_evr.tsv"}) {
    for (const auto& row :
         vercmp_testlib::read_rows(k_dir + file, vercmp_testlib::Malformed::require)) {
      pairs.emplace_back(row.left, row.right);
      pairs.emplace_back(row.right, row.left);
    }
  }
  for (const auto& a : k_edges) {
    for (const auto& b : k_edges) {
      pairs.emplace_back(a, b);
    }
  }
  VersionGenerator gen = generator();
  for (int i = 0; i < 3000; ++i) {
    std::string a = gen.string(8);
    std::string b = gen.below(2) == 0 ? gen.mutate(a) : gen.string(8);
    pairs.emplace_back(a, b);
    pairs.emplace_back(std::move(b), std::move(a));
  }
  return pairs;
}

std::string hex(std::string_view s) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    out += k_hex[u >> 4];
    out += k_hex[u & 0xf];
  }
  return out;
}

// rpm's answer for every pair, in order: "-1", "0", "1" or "E".
std::vector<std::string> ask_rpm(const std::vector<Pair>& pairs) {
  auto rpm_path = strata::util::find_on_path("rpm", "/usr/bin:/bin");
  INFO("Debian's rpm is not installed: scripts/install-deps.sh --test installs it");
  REQUIRE(rpm_path);
  strata::test_support::TempDir tmp("strata-rpm-vercmp");
  const std::string file = tmp.sub("pairs.txt");
  {
    std::ofstream out(file, std::ios::binary);
    for (const auto& [a, b] : pairs) {
      out << hex(a) << ' ' << hex(b) << '\n';
    }
    REQUIRE(out.good());
  }
  // No '%' in the script: rpm must not see a macro in it.
  const std::string script =
      "%{lua:\n"
      "local function unhex(h)\n"
      "  return (h:gsub('..', function(x) return string.char(tonumber(x, 16)) end))\n"
      "end\n"
      "local out = {}\n"
      "for line in io.lines('" +
      file +
      "') do\n"
      "  local sp = string.find(line, ' ', 1, true)\n"
      "  local a = unhex(string.sub(line, 1, sp - 1))\n"
      "  local b = unhex(string.sub(line, sp + 1))\n"
      "  local ok, r = pcall(rpm.vercmp, a, b)\n"
      "  out[#out + 1] = ok and tostring(r) or 'E'\n"
      "end\n"
      "print(table.concat(out, '\\n'))\n"
      "}";
  auto r =
      strata::util::run_process({*rpm_path, "--eval", script}, "",
                                strata::util::ProcessOptions{std::chrono::seconds(120), 64u << 20});
  REQUIRE(r);
  INFO(r->err);
  REQUIRE(r->exit_code == 0);
  std::vector<std::string> answers;
  std::istringstream lines(r->out);
  for (std::string line; std::getline(lines, line);) {
    answers.push_back(line);
  }
  return answers;
}

// strata's answer in the oracle's words.
std::string strata_answer(const Pair& p) {
  auto r = rpm::compare_strings(p.first, p.second);
  auto d = strata::vercmp::compare(strata::vercmp::SchemeId::rpm, p.first, p.second);
  if (r.ok() != d.ok() || (r.ok() && vercmp_testlib::sign(*r) != vercmp_testlib::sign(*d))) {
    return "dispatcher disagrees with rpm::compare_strings";
  }
  return r.ok() ? std::to_string(vercmp_testlib::sign(*r)) : "E";
}

}  // namespace

TEST_CASE("rpm oracle: every pair orders as Debian's rpm 4.18 rpm.vercmp() orders it") {
  const std::vector<Pair> pairs = oracle_pairs();
  const std::vector<std::string> want = ask_rpm(pairs);
  REQUIRE(want.size() == pairs.size());
  std::size_t disagreements = 0;
  std::size_t errors = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    std::string got = strata_answer(pairs[i]);
    errors += want[i] == "E" ? 1 : 0;
    if (got != want[i] && disagreements++ < 50) {
      UNSCOPED_INFO("rpm.vercmp(" << escaped(pairs[i].first) << ", " << escaped(pairs[i].second)
                                  << ") = " << want[i] << ", strata: " << got);
    }
  }
  std::cout << "vercmp rpm oracle: " << pairs.size() << " pairs compared by Debian's rpm ("
            << errors << " refused as invalid), " << disagreements << " disagreements\n";
  CHECK(disagreements == 0);
  CHECK(pairs.size() >= 5000);
}

TEST_CASE("rpm: the ordering is a strict weak ordering on generated strings") {
  VersionGenerator gen = generator();
  std::vector<std::string> all(k_edges.begin() + 1, k_edges.end());  // all but ""
  for (int i = 0; i < 600; ++i) {
    std::string s = gen.string(6);
    all.push_back(gen.below(2) == 0 ? gen.mutate(s) : s);
  }
  std::vector<std::string> valid;
  for (auto& s : all) {
    if (rpm::validate(s).ok()) {
      valid.push_back(std::move(s));
    }
  }
  auto cmp = [](const std::string& a, const std::string& b) {
    auto r = rpm::compare_strings(a, b);
    return r.ok() ? *r : 0;  // both sides were validated
  };
  vercmp_testlib::OrderingReport report = vercmp_testlib::check_ordering(valid, cmp, 20);
  for (const auto& e : report.examples) {
    UNSCOPED_INFO(e);
  }
  std::cout << "vercmp rpm: strict weak ordering checked on " << valid.size()
            << " generated strings, " << report.classes << " classes, " << report.violations
            << " violations\n";
  CHECK(report.violations == 0);
}
