#include "cli/cache_dir.hpp"

#include "util/file.hpp"

namespace strata::cli {

std::string cache_dir(const std::string& flag) {
  return flag.empty() ? util::user_cache_home() + "/strata" : flag;
}

std::string metadata_cache_dir(const std::string& flag, bool no_cache) {
  return no_cache ? std::string() : cache_dir(flag) + "/manifests";
}

}  // namespace strata::cli
