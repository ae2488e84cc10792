#include "cli/cache_dir.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace strata::cli {

std::string cache_dir(const std::string& flag) {
  if (!flag.empty()) {
    return flag;
  }
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x == '/') {
    return std::string(x) + "/strata";
  }
  std::string home;
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') {
    home = h;
  } else if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) {
    home = pw->pw_dir;
  } else {
    home = "/tmp";
  }
  return home + "/.cache/strata";
}

std::string metadata_cache_dir(const std::string& flag, bool no_cache) {
  return no_cache ? std::string() : cache_dir(flag) + "/manifests";
}

}  // namespace strata::cli
