#pragma once
// The versions named in a folder of version-comparison vector files (testdata/vercmp/<folder>/
// *.tsv, rows `left<TAB>op<TAB>right`). Shared by ordering_test.cpp and bench/vercmp, which
// includes it without Catch2: standard library only, header-only.

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace vercmp_testlib {

// Left and right of every row with op in < = >, in the .tsv files of `dir` whose name contains
// `filter` ("" = all); other lines are skipped. Empty when `dir` is not a directory.
inline std::set<std::string> load_versions(const std::filesystem::path& dir,
                                           const std::string& filter) {
  std::set<std::string> versions;
  if (!std::filesystem::is_directory(dir)) {
    return versions;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".tsv" || name.find(filter) == std::string::npos) {
      continue;
    }
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      auto t1 = line.find('\t');
      if (t1 == std::string::npos || t1 + 2 >= line.size() || line[t1 + 2] != '\t') {
        continue;
      }
      char op = line[t1 + 1];
      if (op != '<' && op != '=' && op != '>') {
        continue;
      }
      versions.insert(line.substr(0, t1));
      versions.insert(line.substr(t1 + 3));
    }
  }
  return versions;
}

}  // namespace vercmp_testlib
