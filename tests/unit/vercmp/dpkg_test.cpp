// dpkg version ordering and validity, driven by dpkg's own test vectors (testdata/vercmp/dpkg).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "vercmp/dpkg.hpp"
#include "vercmp/vercmp.hpp"

namespace {

namespace dpkg = strata::vercmp::dpkg;

const std::string k_dir = std::string(STRATA_TESTDATA_DIR) + "/vercmp/dpkg/";

struct Row {
  std::string left;
  char op;
  std::string right;
};

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      lines.push_back(line);
    }
  }
  return lines;
}

std::vector<Row> read_rows(const std::string& path) {
  std::vector<Row> rows;
  for (const auto& line : read_lines(path)) {
    auto t1 = line.find('\t');
    auto t2 = line.find('\t', t1 + 1);
    REQUIRE(t1 != std::string::npos);
    REQUIRE(t2 == t1 + 2);
    rows.push_back({line.substr(0, t1), line[t1 + 1], line.substr(t2 + 1)});
  }
  return rows;
}

char op_of(int c) { return c < 0 ? '<' : (c > 0 ? '>' : '='); }
char reversed(char op) { return op == '<' ? '>' : (op == '>' ? '<' : '='); }

int cmp(const std::string& a, const std::string& b) {
  auto r = dpkg::compare_strings(a, b);
  REQUIRE(r.ok());
  return *r;
}

// Sorts `versions` by insertion (safe even for a broken comparator), then verifies the sequence
// splits into runs of equal elements with every cross-run pair strictly ordered both ways round:
// exactly the conditions for a strict weak ordering on this set.
void check_strict_weak_ordering(std::vector<std::string> v) {
  for (std::size_t i = 1; i < v.size(); ++i) {
    for (std::size_t j = i; j > 0 && cmp(v[j], v[j - 1]) < 0; --j) {
      std::swap(v[j], v[j - 1]);
    }
  }
  std::vector<std::size_t> run(v.size(), 0);
  for (std::size_t i = 1; i < v.size(); ++i) {
    run[i] = run[i - 1] + (cmp(v[i - 1], v[i]) == 0 ? 0 : 1);
  }
  std::size_t bad = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    for (std::size_t j = 0; j < v.size(); ++j) {
      int want = run[i] < run[j] ? -1 : (run[i] > run[j] ? 1 : 0);
      int got = cmp(v[i], v[j]);
      got = got < 0 ? -1 : (got > 0 ? 1 : 0);
      if (got != want) {
        ++bad;
        UNSCOPED_INFO(v[i] << " vs " << v[j] << ": got " << got << ", ordering says " << want);
      }
    }
  }
  CHECK(bad == 0);
}

}  // namespace

TEST_CASE("dpkg: every vector row gives exactly its op, and the reverse row the reverse") {
  std::size_t total = 0;
  for (const char* file : {"dpkg.tsv", "dpkg_sorted_list.tsv"}) {
    auto rows = read_rows(k_dir + file);
    CHECK(!rows.empty());
    for (const auto& row : rows) {
      INFO(file << ": " << row.left << " " << row.op << " " << row.right);
      CHECK(op_of(cmp(row.left, row.right)) == row.op);
      CHECK(op_of(cmp(row.right, row.left)) == reversed(row.op));
      auto via_dispatch = strata::vercmp::compare(strata::vercmp::SchemeId::dpkg, row.left, row.right);
      REQUIRE(via_dispatch.ok());
      CHECK(op_of(*via_dispatch) == row.op);
      ++total;
    }
  }
  std::cout << "vercmp dpkg: " << total << " rows checked (both directions)\n";
  CHECK(total == 58);
}

TEST_CASE("dpkg: the sorted list sorts into dpkg's expected order") {
  auto rows = read_rows(k_dir + "dpkg_sorted_list.tsv");
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
    for (const auto& row : read_rows(k_dir + file)) {
      all.insert(row.left);
      all.insert(row.right);
    }
  }
  for (const auto& v : read_lines(k_dir + "dpkg_valid.txt")) {
    all.insert(v);
  }
  std::cout << "vercmp dpkg: strict weak ordering checked on " << all.size() << " versions\n";
  check_strict_weak_ordering({all.begin(), all.end()});
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
