#include "config/on_demand.hpp"

#include <cerrno>
#include <cstdlib>

#include "image/reference.hpp"
#include "util/log.hpp"

namespace strata::config {

namespace {

constexpr std::string_view k_default_result_dir = "/var/neuvector";

util::Error usage(std::string message) {
  return util::Error{util::ErrorCategory::usage, std::move(message)};
}

// SCANNER_REPOSITORY split into the repository and, in NeuVector's remote-daemon form
// "tcp://host:port/repository" (without a registry), the daemon's URL.
util::Status split_remote_daemon(std::string& repository, std::string& docker_url) {
  auto slash = repository.find('/', 6);
  if (slash == std::string::npos || slash + 1 == repository.size()) {
    return usage(
        fmt::format("SCANNER_REPOSITORY={}: expected tcp://HOST:PORT/REPOSITORY", repository));
  }
  docker_url = repository.substr(0, slash);
  repository = repository.substr(slash + 1);
  return {};
}

util::Result<NeuVectorImage> neuvector_image(const Environment& env,
                                             const EndpointCheck& check_endpoint) {
  std::string registry = env.get_or("SCANNER_REGISTRY");
  std::string repository = env.get_or("SCANNER_REPOSITORY");
  std::string tag = env.get_or("SCANNER_TAG", "latest");
  std::string docker_url = env.get_or("SCANNER_DOCKER_URL");
  if (repository.empty()) {
    return usage(
        "SCANNER_REPOSITORY is not set: name the repository to scan (e.g. "
        "SCANNER_REPOSITORY=library/ubuntu)");
  }
  if (repository.starts_with("tcp://") && registry.empty()) {
    TRY(split_remote_daemon(repository, docker_url));
  }
  if (repository.find('@') != std::string::npos || repository.find("://") != std::string::npos) {
    return usage(
        fmt::format("SCANNER_REPOSITORY={}: a repository name only (the registry goes "
                    "in SCANNER_REGISTRY, the tag or digest in SCANNER_TAG)",
                    repository));
  }
  std::string sep = tag.rfind("sha256:", 0) == 0 ? "@" : ":";
  // Validate here, so that the error names the variables.
  if (auto parsed = image::parse_reference("localhost/" + repository + sep + tag); !parsed) {
    return usage(fmt::format("SCANNER_REPOSITORY={} SCANNER_TAG={}: {}", repository, tag,
                             parsed.error().message));
  }
  NeuVectorImage out;
  if (registry.empty()) {
    out.reference = repository + sep + tag;
    out.image_src = "docker,podman";
    if (!docker_url.empty()) {
      if (auto st = check_endpoint(docker_url); !st) {
        return usage(fmt::format("SCANNER_DOCKER_URL={}: {}", docker_url, st.error().message));
      }
      out.image_src = "docker";
      out.docker_host = docker_url;
    }
    return out;
  }
  auto url = image::parse_registry_url(registry);
  if (!url) {
    return usage(fmt::format("SCANNER_REGISTRY={}: {}", registry, url.error().message));
  }
  out.registry_prefix = fmt::format("{}://{}/", url->scheme, url->host);
  out.reference = out.registry_prefix + repository + sep + tag;
  return out;
}

util::Result<std::uint64_t> max_cache_record_mb(const Environment& env) {
  std::string max_mb = env.get_or("MAX_CACHE_RECORD_MB");
  if (max_mb.empty()) {
    return std::uint64_t{0};
  }
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(max_mb.c_str(), &end, 10);
  if (*end != '\0' || errno != 0 || max_mb[0] == '-' || v > (1ull << 40)) {
    return usage(fmt::format("MAX_CACHE_RECORD_MB={}: not a size in MB", max_mb));
  }
  return static_cast<std::uint64_t>(v);
}

}  // namespace

util::Result<NeuVectorOptions> neuvector_options(const Environment& env) {
  NeuVectorOptions out;
  TRY_ASSIGN(out.scan_layers, env.get_bool("SCANNER_SCAN_LAYERS"));
  TRY_ASSIGN(out.cap_critical, env.get_bool("CAP_CRITICAL"));
  TRY_ASSIGN(out.cache_max_mb, max_cache_record_mb(env));
  out.base_image = env.get_or("SCANNER_BASE_IMAGE");
  if (env.non_empty("SCANNER_STANDALONE_TLS_VERIFICATION")) {
    LOG_DEBUG("SCANNER_STANDALONE_TLS_VERIFICATION: strata always verifies TLS");
  }
  out.proxy_url = env.get_or("PROXY_URL");
  return out;
}

util::Result<std::optional<OnDemandJob>> on_demand_job(const Environment& env,
                                                       const EndpointCheck& check_endpoint) {
  TRY_ASSIGN(bool on_demand, env.get_bool("SCANNER_ON_DEMAND"));
  if (!on_demand && !env.non_empty("SCANNER_LICENSE")) {
    return std::optional<OnDemandJob>();
  }
  OnDemandJob job;
  TRY_ASSIGN(job.debug, env.get_bool("SCANNER_DEBUG_MODE"));
  TRY_ASSIGN(job.image, neuvector_image(env, check_endpoint));
  TRY_ASSIGN(job.options, neuvector_options(env));
  std::string& base = job.options.base_image;
  if (!base.empty() && !job.image.registry_prefix.empty() &&
      base.find("://") == std::string::npos) {
    base = job.image.registry_prefix + base;
  }
  return std::optional<OnDemandJob>(std::move(job));
}

util::Result<std::string> neuvector_docker_url(const Environment& env,
                                               const EndpointCheck& check_endpoint) {
  std::string url = env.get_or("SCANNER_DOCKER_URL");
  if (!url.empty()) {
    if (auto st = check_endpoint(url); !st) {
      return usage(fmt::format("SCANNER_DOCKER_URL={}: {}", url, st.error().message));
    }
  }
  return url;
}

std::string result_dir(const Environment& env) {
  return env.get_or("SCANNER_RESULT_DIR", k_default_result_dir);
}

}  // namespace strata::config
