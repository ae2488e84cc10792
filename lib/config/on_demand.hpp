#pragma once
// NeuVector's scanner variables (strata as a drop-in for `docker run ... neuvector/scanner`),
// translated into a plain job. lib/cli turns it into `strata image --on-demand ...` arguments
// (cli/neuvector_args.hpp) and writes the result files (cli/on_demand.hpp).
// Booleans are parsed strictly (Environment::get_bool: unset or empty = false, never "set means
// true" as NeuVector does). Errors are usage errors naming the variable at fault.
//
// Variables: SCANNER_ON_DEMAND, SCANNER_LICENSE (either starts the environment mode),
// SCANNER_DEBUG_MODE, SCANNER_REGISTRY, SCANNER_REPOSITORY, SCANNER_TAG (default latest),
// SCANNER_DOCKER_URL, SCANNER_SCAN_LAYERS, CAP_CRITICAL, MAX_CACHE_RECORD_MB, PROXY_URL,
// SCANNER_RESULT_DIR; SCANNER_BASE_IMAGE (`--base-image`: with a registry, a repository of that
// registry, as NeuVector looks it up), SCANNER_STANDALONE_TLS_VERIFICATION (ignored: strata always
// verifies TLS). The registry user name and password (SCANNER_REGISTRY_USERNAME,
// SCANNER_REGISTRY_PASSWORD) are those of `strata image` (config/settings.hpp).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/environment.hpp"
#include "util/result.hpp"

namespace strata::config {

// Validates a Docker host URL (docker::parse_endpoint, which sits above config); the error's
// message is prefixed with the variable.
using EndpointCheck = std::function<util::Status(std::string_view)>;

// The image of SCANNER_REGISTRY + SCANNER_REPOSITORY + SCANNER_TAG.
struct NeuVectorImage {
  // With a registry: its reference with the scheme in front ("http://host:5000/repo:tag"), so
  // that the first component is read as the registry. Without one: "repo:tag" (or
  // "repo@sha256:..."), looked for in the local engines only.
  std::string reference;
  // "" with a registry; else "docker" when docker_host is set, else "docker,podman".
  std::string image_src;
  // SCANNER_DOCKER_URL, or the host of a NeuVector-style "tcp://host:port/repository".
  std::string docker_host;
  // With a registry: "scheme://host/", in front of SCANNER_BASE_IMAGE; else "".
  std::string registry_prefix;
};

// The variables that apply to the environment mode and to `-i` (a host scan, `-n`, takes only
// cap_critical).
struct NeuVectorOptions {
  bool scan_layers = false;        // SCANNER_SCAN_LAYERS
  bool cap_critical = false;       // CAP_CRITICAL
  std::uint64_t cache_max_mb = 0;  // MAX_CACHE_RECORD_MB; unset or 0: no layer cache, as NeuVector
  std::string proxy_url;           // PROXY_URL; the caller exports it to libcurl
  // SCANNER_BASE_IMAGE: `strata image --base-image`. In the environment mode with a registry, a
  // value without "://" is a repository of SCANNER_REGISTRY (NeuVector's base image is remote
  // when the target is), and gets its prefix.
  std::string base_image;
};

struct OnDemandJob {
  bool debug = false;  // SCANNER_DEBUG_MODE
  NeuVectorImage image;
  NeuVectorOptions options;
};

// The environment mode's job: nullopt when neither SCANNER_ON_DEMAND is true nor SCANNER_LICENSE
// is set. Variables are checked in the order SCANNER_ON_DEMAND, SCANNER_DEBUG_MODE, the image
// variables, then those of neuvector_options().
util::Result<std::optional<OnDemandJob>> on_demand_job(const Environment& env,
                                                       const EndpointCheck& check_endpoint);

// SCANNER_SCAN_LAYERS, CAP_CRITICAL, MAX_CACHE_RECORD_MB, PROXY_URL; logs a warning for
// SCANNER_BASE_IMAGE.
util::Result<NeuVectorOptions> neuvector_options(const Environment& env);

// SCANNER_DOCKER_URL (for `-i`), checked; "" when unset.
util::Result<std::string> neuvector_docker_url(const Environment& env,
                                               const EndpointCheck& check_endpoint);

// Where the on-demand result files go: SCANNER_RESULT_DIR, default /var/neuvector.
std::string result_dir(const Environment& env);

}  // namespace strata::config
