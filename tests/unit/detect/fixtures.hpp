#pragma once
// Helpers for detector tests: load testdata files and expected.tsv package lists.

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "util/file.hpp"
#include "util/strings.hpp"

namespace strata::detect::test {

inline std::string testdata(const std::string& rel) {
  auto r = util::read_file(std::string(STRATA_TESTDATA_DIR) + "/" + rel);
  if (!r.ok()) {
    throw std::runtime_error(r.error().message);
  }
  return r.value();
}

// Rows of an expected.tsv (header skipped), each split on tabs.
inline std::vector<std::vector<std::string>> expected_rows(const std::string& rel) {
  std::vector<std::vector<std::string>> rows;
  bool header = true;
  const std::string content = testdata(rel);
  for (auto line : util::split(content, '\n')) {
    if (header) {
      header = false;
      continue;
    }
    if (line.empty()) {
      continue;
    }
    std::vector<std::string> row;
    for (auto f : util::split(line, '\t')) {
      row.emplace_back(f);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace strata::detect::test
