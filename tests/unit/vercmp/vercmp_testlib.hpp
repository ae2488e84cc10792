#pragma once
// Shared pieces of the version-scheme tests: loading `left<TAB>op<TAB>right` vector files and
// plain lists, the "op one way, the reverse op the other way" check, a whole vector file checked
// against a scheme's parse/compare/canonical, compare_strings wrapped for test tables, and the
// strict-weak-ordering checks. Header-only; each test file includes it in its own translation
// unit.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.hpp"
#include "vercmp/vercmp.hpp"

namespace vercmp_testlib {

// One vector row: `op` is the middle field, '<', '=' or '>' (left relative to right) in the
// ordering files, apk's fuzzy operators ('~', '!~', '<~', '>~') in apk_fuzzy_ops.tsv.
struct Row {
  std::string left;
  std::string op;
  std::string right;
};

// How read_rows treats a line without two tabs.
enum class Malformed {
  skip,         // drop it silently (no assertion per row)
  require,      // REQUIRE the first tab, then REQUIRE the second (two assertions per row)
  require_row,  // one REQUIRE per row that both tabs are there
};

// The non-empty lines of `path` (REQUIREs that it opens).
inline std::vector<std::string> read_lines(const std::string& path) {
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

// The rows of a vector file (REQUIREs that it opens; empty lines are skipped).
inline std::vector<Row> read_rows(const std::string& path, Malformed malformed) {
  std::vector<Row> rows;
  for (const auto& line : read_lines(path)) {
    auto t1 = line.find('\t');
    auto t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (malformed == Malformed::require) {
      REQUIRE(t1 != std::string::npos);
      REQUIRE(t2 != std::string::npos);
    } else if (malformed == Malformed::require_row) {
      REQUIRE(t2 != std::string::npos);
    } else if (t2 == std::string::npos) {
      continue;
    }
    rows.push_back({line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1)});
  }
  return rows;
}

// A vector row with its op as a sign: '<' -> -1, '=' -> 0, '>' -> 1.
struct SignedRow {
  std::string left;
  int op;
  std::string right;
};

// The sign of a comparison result: -1, 0 or 1.
inline int sign(int c) {
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}
// '<' -> -1, '=' -> 0, anything else -> 1.
inline int op_sign(const std::string& op) {
  return op == "<" ? -1 : (op == "=" ? 0 : 1);
}

inline std::string op_of(int c) {
  return c < 0 ? "<" : (c > 0 ? ">" : "=");
}
inline std::string reversed(const std::string& op) {
  return op == "<" ? ">" : (op == ">" ? "<" : "=");
}

// The rows of a vector file with their ops as signs (one REQUIRE per row that both tabs are there).
inline std::vector<SignedRow> read_signed_rows(const std::string& path) {
  std::vector<SignedRow> rows;
  for (auto& r : read_rows(path, Malformed::require_row)) {
    rows.push_back({std::move(r.left), op_sign(r.op), std::move(r.right)});
  }
  return rows;
}

// Wraps a scheme's compare_strings(left, right) -> util::Result<int> as a plain comparator for
// test tables: (a, b) -> the result, REQUIRE'd to succeed (INFO names both sides).
template <typename CompareStrings>
auto compare_ok(CompareStrings compare_strings) {
  return [compare_strings](std::string_view a, std::string_view b) {
    auto r = compare_strings(a, b);
    INFO(a << " vs " << b);
    REQUIRE(r.ok());
    return *r;
  };
}

// CHECKs that compare(a, b) orders as `op` and compare(b, a) as its reverse; true when both hold.
// `compare` returns an int (its sign counts).
template <typename T, typename Compare>
bool check_both_ways(const std::string& op, const T& a, const T& b, Compare&& compare) {
  std::string got = op_of(compare(a, b));
  std::string back = op_of(compare(b, a));
  CHECK(got == op);
  CHECK(back == reversed(op));
  return got == op && back == reversed(op);
}

// How the canonical form of each left-hand version is checked by check_vector_file.
enum class Reparse {
  equal,      // it parses back (REQUIRE) to a version comparing equal
  idempotent  // unless empty, it parses back (REQUIRE) to a version with the same canonical form,
              // comparing equal
};

// Checks every row of the vector file `path` (`left<TAB>op<TAB>right`, malformed lines skipped)
// against a scheme: REQUIREs `expected_rows` rows whose sides both parse, CHECKs each orders as
// its op both ways round (check_both_ways) and the canonical form of the left side as `reparse`
// says, prints "<file name>: N rows, P pass" and CHECKs that every row passed.
// parse(text) -> util::Result<V>, compare(V, V) -> int, canonical(V) -> std::string.
template <typename Parse, typename Compare, typename Canonical>
void check_vector_file(const std::string& path, std::size_t expected_rows, Parse&& parse,
                       Compare&& compare, Canonical&& canonical, Reparse reparse = Reparse::equal) {
  auto rows = read_rows(path, Malformed::skip);
  REQUIRE(rows.size() == expected_rows);
  std::size_t pass = 0;
  for (const auto& row : rows) {
    auto l = parse(row.left);
    auto r = parse(row.right);
    INFO(row.left << " " << row.op << " " << row.right);
    REQUIRE(l.ok());
    REQUIRE(r.ok());
    bool ordered = check_both_ways(row.op, *l, *r, compare);
    const std::string canon = canonical(*l);
    if (reparse == Reparse::equal || !canon.empty()) {
      auto again = parse(canon);
      REQUIRE(again.ok());
      if (reparse == Reparse::idempotent) {
        CHECK(canonical(*again) == canon);
      }
      CHECK(compare(*again, *l) == 0);
    }
    if (ordered) {
      ++pass;
    }
  }
  std::cout << path.substr(path.rfind('/') + 1) << ": " << rows.size() << " rows, " << pass
            << " pass\n";
  CHECK(pass == rows.size());
}

// For a row of a scheme's vector file: both sides parse (REQUIRE), compare(l, r) has the sign
// row.op and compare(r, l) the reverse, and the dispatcher vercmp::compare(scheme, left, right)
// succeeds (REQUIRE) with the sign row.op (CHECKs); true when all hold.
// parse(text) -> util::Result<V>, compare(V, V) -> int.
template <typename Parse, typename Compare>
bool check_signed_row(const SignedRow& row, strata::vercmp::SchemeId scheme, Parse&& parse,
                      Compare&& compare) {
  auto l = parse(row.left);
  auto r = parse(row.right);
  REQUIRE(l.ok());
  REQUIRE(r.ok());
  int forward = sign(compare(*l, *r));
  int backward = sign(compare(*r, *l));
  CHECK(forward == row.op);
  CHECK(backward == -row.op);
  auto dispatched = strata::vercmp::compare(scheme, row.left, row.right);
  REQUIRE(dispatched.ok());
  CHECK(sign(*dispatched) == row.op);
  return forward == row.op && backward == -row.op && sign(*dispatched) == row.op;
}

// What check_ordering found.
struct OrderingReport {
  std::size_t classes = 0;            // runs of equal elements in the sorted sequence
  std::size_t violations = 0;         // ordered pairs (i, j) whose compare contradicts the runs
  std::vector<std::string> examples;  // the first few violations, described
};

// Sorts `v` by insertion (safe even for a broken comparator), splits the sorted sequence into runs
// of adjacent equal elements and counts the ordered pairs (including each element with itself)
// whose comparison disagrees with the runs: none exactly when `cmp` is a strict weak ordering on
// this set. Describes the first `max_examples` violations. `cmp` returns an int (its sign counts).
template <typename Compare>
OrderingReport check_ordering(std::vector<std::string>& v, Compare&& cmp,
                              std::size_t max_examples) {
  for (std::size_t i = 1; i < v.size(); ++i) {
    for (std::size_t j = i; j > 0 && cmp(v[j], v[j - 1]) < 0; --j) {
      std::swap(v[j], v[j - 1]);
    }
  }
  std::vector<std::size_t> run(v.size(), 0);
  for (std::size_t i = 1; i < v.size(); ++i) {
    run[i] = run[i - 1] + (cmp(v[i - 1], v[i]) == 0 ? 0 : 1);
  }
  OrderingReport report;
  report.classes = v.empty() ? 0 : run.back() + 1;
  for (std::size_t i = 0; i < v.size(); ++i) {
    for (std::size_t j = 0; j < v.size(); ++j) {
      int want = run[i] < run[j] ? -1 : (run[i] > run[j] ? 1 : 0);
      int got = sign(cmp(v[i], v[j]));
      if (got != want && report.violations++ < max_examples) {
        report.examples.push_back(v[i] + " vs " + v[j] + ": got " + std::to_string(got) +
                                  ", ordering says " + std::to_string(want));
      }
    }
  }
  return report;
}

// check_ordering, CHECKing that there is no violation; reports the first 20.
template <typename Compare>
void check_strict_weak_ordering(std::vector<std::string> v, Compare&& cmp) {
  OrderingReport report = check_ordering(v, cmp, 20);
  for (const auto& e : report.examples) {
    UNSCOPED_INFO(e);
  }
  CHECK(report.violations == 0);
}

// Sorts `v` with std::sort by `compare` (-> int) and counts the pairs i <= j of the result that
// contradict it: compare(v[i], v[i]) != 0, compare(v[i], v[j]) > 0, or compare(v[j], v[i]) not
// the reverse of compare(v[i], v[j]).
template <typename T, typename Compare>
std::size_t sort_and_count_inconsistent(std::vector<T>& v, Compare&& compare) {
  std::sort(v.begin(), v.end(), [&](const T& a, const T& b) { return compare(a, b) < 0; });
  std::size_t bad = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    for (std::size_t j = i; j < v.size(); ++j) {
      int c = compare(v[i], v[j]);
      if (c > 0 || sign(compare(v[j], v[i])) != -sign(c) || (i == j && c != 0)) {
        ++bad;
      }
    }
  }
  return bad;
}

}  // namespace vercmp_testlib
