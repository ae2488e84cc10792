#pragma once
// The flags of an image scan, shared by `strata image` and `strata registry` (which scans each
// image of a registry as `strata image` would): the options struct, its flag groups and the
// scan::Options they resolve to (settings through lib/config).

#include <string>

#include "cli/options.hpp"
#include "cli/output.hpp"
#include "config/environment.hpp"
#include "scan/scan.hpp"
#include "scan/target.hpp"
#include "util/result.hpp"

namespace CLI {
class App;
}

namespace strata::cli {

struct ImageOptions {
  std::string input;
  std::string reference;
  OutputOptions output;
  std::string tag;
  std::string platform = "linux/amd64";
  MatchFlags match;
  std::string username;
  bool password_stdin = false;
  bool insecure = false;
  std::string ca_cert;
  int retries = 3;
  int timeout = 30;
  int parallel = 4;
  bool on_demand = false;  // run as the NeuVector scanner (cli/neuvector_args.hpp)
  std::string docker_host;
  std::string image_src = "docker,podman,registry";
  std::string cache_dir;
  bool no_cache = false;
  long long cache_max_mb = 1000;  // 0: layer cache off
  std::string cache_key_file;
  std::string base_image;  // --base-image
  // Bounds against hostile images (layer::ReadOptions).
  long long max_layer_mb = static_cast<long long>(scan::Options::k_default_max_layer_size >> 20);
  long long max_kept_mb = static_cast<long long>(scan::Options::k_default_max_kept >> 20);
  long long max_ratio = static_cast<long long>(scan::Options::k_default_max_ratio);
};

// Reads the password from the first line of stdin (without its line end).
util::Result<std::string> read_password_stdin();

// Checks the flags' values and combinations (usage errors), and that --ca-cert is a regular file.
util::Status check_flags(const ImageOptions& o);

// The target request of the flags (what scan::resolve_target decides from).
scan::TargetRequest target_request(const ImageOptions& o, const config::Environment& env);

// The scan options of the flags: the target resolved, the database, policy, cache and bounds.
util::Result<scan::Options> scan_options(const ImageOptions& o, const config::Environment& env);

// Flag groups: the image and its base (--input, reference, --tag, --platform, --base-image,
// --hide-base); the registry (--username, --password-stdin, --insecure, --ca-cert, --retries,
// --timeout, --parallel); the local engines (--docker-host, --image-src); the caches and bounds
// (--cache-dir, --no-cache, --cache-max-mb, --max-layer-mb, --max-compression-ratio,
// --max-kept-mb, --cache-key-file).
void add_image_options(CLI::App& sub, ImageOptions& o);
void add_registry_options(CLI::App& sub, ImageOptions& o);
void add_engine_options(CLI::App& sub, ImageOptions& o);
void add_cache_options(CLI::App& sub, ImageOptions& o);

}  // namespace strata::cli
