#pragma once
// A directory under $TMPDIR for one test, removed with everything in it when the test is done.

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace strata::test_support {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "strata-test") {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed for " + tmpl);
    }
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string sub(const std::string& name) const { return path + "/" + name; }

  std::string path;
};

}  // namespace strata::test_support
