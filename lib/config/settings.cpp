#include "config/settings.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "util/log.hpp"
#include "util/strings.hpp"

namespace strata::config {

namespace {

// `flag` if not empty, else the variable `name` if set and not empty, else `fallback()`.
template <typename Fallback>
Setting<std::string> resolve(const std::string& flag, std::string_view flag_name,
                             const Environment& env, std::string_view name, Fallback fallback) {
  if (!flag.empty()) {
    return {flag, Origin::flag, std::string(flag_name)};
  }
  if (auto v = env.non_empty(name)) {
    return {std::move(*v), Origin::environment, std::string(name)};
  }
  return {fallback(), Origin::default_value, ""};
}

}  // namespace

std::string_view origin_name(Origin origin) {
  switch (origin) {
    case Origin::default_value:
      return "default";
    case Origin::environment:
      return "environment";
    case Origin::flag:
      return "flag";
  }
  return "default";
}

std::string logged_value(std::string_view what, Setting<std::string> setting) {
  LOG_DEBUG("{}: {} ({}{}{})", what, setting.value, origin_name(setting.origin),
            setting.source.empty() ? "" : " ", setting.source);
  return std::move(setting.value);
}

std::string user_cache_home(const Environment& env) {
  if (auto x = env.non_empty("XDG_CACHE_HOME"); x && x->front() == '/') {
    return *x;
  }
  if (auto h = env.non_empty("HOME")) {
    return *h + "/.cache";
  }
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) {
    return std::string(pw->pw_dir) + "/.cache";
  }
  return "/tmp/.cache";
}

Setting<std::string> cache_dir(const std::string& flag, const Environment& env) {
  return resolve(flag, "--cache-dir", env, "STRATA_CACHE_DIR",
                 [&] { return user_cache_home(env) + "/strata"; });
}

std::string metadata_cache_dir(const std::string& cache_dir, bool no_cache) {
  return no_cache ? std::string() : cache_dir + "/manifests";
}

Setting<std::string> layer_cache_dir(const std::string& flag, bool on_demand,
                                     const Environment& env) {
  Setting<std::string> base = cache_dir(flag, env);
  if (on_demand && base.origin == Origin::default_value) {
    return {"/tmp/images/caches", Origin::default_value, ""};
  }
  base.value += "/layers";
  return base;
}

Setting<std::string> db_dir(const std::string& flag, const Environment& env) {
  return resolve(flag, "--db-dir", env, "STRATA_DB_DIR",
                 [&] { return user_cache_home(env) + "/strata/db"; });
}

std::optional<std::string> cache_key(const Environment& env) {
  return env.non_empty("STRATA_CACHE_KEY");
}

util::Result<util::GzipDecoder> gzip_decoder(const Environment& env) {
  std::string v = env.get_or("STRATA_GZIP_DECODER");
  if (v.empty() || v == "auto") {
    return util::GzipDecoder::automatic;
  }
  if (v == "isal") {
    return util::GzipDecoder::isal;
  }
  if (v == "zlib") {
    return util::GzipDecoder::zlib;
  }
  return util::make_error(util::ErrorCategory::usage,
                          "STRATA_GZIP_DECODER must be isal, zlib or auto, not '{}'", v);
}

std::vector<std::string> db_sources(const std::vector<std::string>& flag, const Environment& env) {
  if (!flag.empty()) {
    return flag;
  }
  std::vector<std::string> out;
  std::string text = env.get_or("STRATA_DB_SOURCE");
  for (auto part : util::split(text, ',')) {
    if (auto s = util::trim(part); !s.empty()) {
      out.emplace_back(s);
    }
  }
  return out;
}

std::optional<std::int64_t> source_date_epoch(const Environment& env) {
  auto text = env.non_empty("SOURCE_DATE_EPOCH");
  if (!text) {
    return std::nullopt;
  }
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text->c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v < 0) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(v);
}

EngineSettings engine_settings(const std::string& docker_host_flag, const Environment& env) {
  EngineSettings s;
  s.docker_host = docker_host_flag.empty() ? env.non_empty("DOCKER_HOST")
                                           : std::optional<std::string>(docker_host_flag);
  s.docker_tls_verify = env.docker_flag("DOCKER_TLS_VERIFY");
  s.docker_cert_path = env.non_empty("DOCKER_CERT_PATH").value_or(env.get_or("HOME") + "/.docker");
  s.container_host = env.non_empty("CONTAINER_HOST");
  s.xdg_runtime_dir = env.non_empty("XDG_RUNTIME_DIR");
  return s;
}

CredentialSettings credential_settings(const Environment& env) {
  CredentialSettings s;
  s.docker_config = env.get("DOCKER_CONFIG");
  s.home = env.get("HOME");
  s.path = env.get("PATH").value_or("/usr/local/bin:/usr/bin:/bin");
  return s;
}

std::optional<std::string> registry_password(const Environment& env) {
  return env.get("SCANNER_REGISTRY_PASSWORD");
}

}  // namespace strata::config
