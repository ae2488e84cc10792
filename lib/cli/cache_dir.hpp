#pragma once
// strata's cache directory (`strata image --cache-dir`): the flag (or STRATA_CACHE_DIR, which
// CLI11 maps onto it) when given, else $XDG_CACHE_HOME/strata when XDG_CACHE_HOME is an
// absolute path, else $HOME/.cache/strata. Registry manifests and configs live in its
// `manifests/` folder (registry/metadata_cache.hpp); the layer cache will use `layers/`.

#include <string>

namespace strata::cli {

std::string cache_dir(const std::string& flag);

// The metadata cache directory for RegistryOptions: "" when `no_cache`, else
// cache_dir(flag) + "/manifests".
std::string metadata_cache_dir(const std::string& flag, bool no_cache);

}  // namespace strata::cli
