#pragma once
// Shared pieces of the version-scheme tests: loading `left<TAB>op<TAB>right` vector files and
// plain lists, the "op one way, the reverse op the other way" check, and the strict-weak-ordering
// check. Header-only; each test file includes it in its own translation unit.

#include <catch2/catch.hpp>

#include <cstddef>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

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
  skip,     // drop it silently (no assertion per row)
  require,  // REQUIRE the first tab, then REQUIRE the second (two assertions per row)
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

// The sign of a comparison result: -1, 0 or 1.
inline int sign(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }
// '<' -> -1, '=' -> 0, anything else -> 1.
inline int op_sign(const std::string& op) { return op == "<" ? -1 : (op == "=" ? 0 : 1); }

inline std::string op_of(int c) { return c < 0 ? "<" : (c > 0 ? ">" : "="); }
inline std::string reversed(const std::string& op) {
  return op == "<" ? ">" : (op == ">" ? "<" : "=");
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

// Sorts `v` by insertion (safe even for a broken comparator), then CHECKs that the sequence splits
// into runs of equal elements with every cross-run pair strictly ordered both ways round: exactly
// the conditions for a strict weak ordering on this set. Reports the first 20 bad pairs.
template <typename Compare>
void check_strict_weak_ordering(std::vector<std::string> v, Compare&& cmp) {
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
      if (got != want && bad++ < 20) {
        UNSCOPED_INFO(v[i] << " vs " << v[j] << ": got " << got << ", ordering says " << want);
      }
    }
  }
  CHECK(bad == 0);
}

}  // namespace vercmp_testlib
