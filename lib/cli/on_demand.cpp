#include "cli/on_demand.hpp"

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string_view>

#include "cli/commands.hpp"
#include "docker/engine.hpp"
#include "image/reference.hpp"
#include "util/file.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

namespace strata::cli {

namespace {

constexpr std::string_view k_default_result_dir = "/var/neuvector";

std::string env_or(const char* name, std::string_view fallback = {}) {
  const char* v = std::getenv(name);
  return v == nullptr || *v == '\0' ? std::string(fallback) : std::string(v);
}

util::Error usage(std::string message) {
  return util::Error{util::ErrorCategory::usage, std::move(message)};
}

// Strict boolean: unset or empty = false.
util::Result<bool> env_bool(const char* name) {
  std::string v = util::to_lower(util::trim(env_or(name)));
  if (v.empty() || v == "false" || v == "0" || v == "no" || v == "off") {
    return false;
  }
  if (v == "true" || v == "1" || v == "yes" || v == "on") {
    return true;
  }
  return usage(fmt::format("{}={}: not a boolean (use true or false)", name, env_or(name)));
}

// The image of SCANNER_REGISTRY + SCANNER_REPOSITORY + SCANNER_TAG as `strata image` arguments:
// with a registry, its reference with the scheme in front (so that the first component is read
// as the registry); without one, the name in the local engine (SCANNER_DOCKER_URL, or a
// NeuVector-style "tcp://host:port/repository"), never falling back to a registry.
util::Result<std::vector<std::string>> env_image_args() {
  std::string registry = env_or("SCANNER_REGISTRY");
  std::string repository = env_or("SCANNER_REPOSITORY");
  std::string tag = env_or("SCANNER_TAG", "latest");
  std::string docker_url = env_or("SCANNER_DOCKER_URL");
  if (repository.empty()) {
    return usage(
        "SCANNER_REPOSITORY is not set: name the repository to scan (e.g. "
        "SCANNER_REPOSITORY=library/ubuntu)");
  }
  if (repository.starts_with("tcp://") && registry.empty()) {
    // NeuVector's remote-daemon form: tcp://host:port/repository
    auto slash = repository.find('/', 6);
    if (slash == std::string::npos || slash + 1 == repository.size()) {
      return usage(
          fmt::format("SCANNER_REPOSITORY={}: expected tcp://HOST:PORT/REPOSITORY", repository));
    }
    docker_url = repository.substr(0, slash);
    repository = repository.substr(slash + 1);
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
  if (registry.empty()) {
    std::vector<std::string> args{repository + sep + tag, "--image-src", "docker,podman"};
    if (!docker_url.empty()) {
      if (auto e = docker::parse_endpoint(docker_url); !e) {
        return usage(fmt::format("SCANNER_DOCKER_URL={}: {}", docker_url, e.error().message));
      }
      args = {repository + sep + tag, "--image-src", "docker", "--docker-host", docker_url};
    }
    return args;
  }
  auto url = image::parse_registry_url(registry);
  if (!url) {
    return usage(fmt::format("SCANNER_REGISTRY={}: {}", registry, url.error().message));
  }
  return std::vector<std::string>{
      fmt::format("{}://{}/{}{}{}", url->scheme, url->host, repository, sep, tag)};
}

// The NeuVector variables that apply to both the environment mode and `-i`, as options of
// `strata image`.
util::Result<std::vector<std::string>> env_image_options() {
  std::vector<std::string> out;
  TRY_ASSIGN(bool layers, env_bool("SCANNER_SCAN_LAYERS"));
  if (layers) {
    out.push_back("--scan-layers");
  }
  TRY_ASSIGN(bool cap, env_bool("CAP_CRITICAL"));
  if (cap) {
    out.push_back("--cap-critical");
  }
  // MAX_CACHE_RECORD_MB: the layer cache's cap; unset or 0 turns the cache off, as in NeuVector.
  std::string max_mb = env_or("MAX_CACHE_RECORD_MB");
  unsigned long long cap_mb = 0;
  if (!max_mb.empty()) {
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(max_mb.c_str(), &end, 10);
    if (*end != '\0' || errno != 0 || max_mb[0] == '-' || v > (1ull << 40)) {
      return usage(fmt::format("MAX_CACHE_RECORD_MB={}: not a size in MB", max_mb));
    }
    cap_mb = v;
  }
  if (cap_mb > 0) {
    out.insert(out.end(), {"--cache-max-mb", std::to_string(cap_mb)});
  } else {
    out.push_back("--no-cache");
  }
  if (!env_or("SCANNER_BASE_IMAGE").empty()) {
    LOG_WARN("SCANNER_BASE_IMAGE is not supported yet; findings are not marked in_base_image");
  }
  if (!env_or("SCANNER_STANDALONE_TLS_VERIFICATION").empty()) {
    LOG_DEBUG("SCANNER_STANDALONE_TLS_VERIFICATION: strata always verifies TLS");
  }
  // NeuVector's proxy variable; libcurl reads the standard ones.
  if (std::string proxy = env_or("PROXY_URL"); !proxy.empty()) {
    ::setenv("HTTPS_PROXY", proxy.c_str(), 0);
    ::setenv("http_proxy", proxy.c_str(), 0);  // libcurl reads only the lower-case one
  }
  return out;
}

bool takes_value(std::string_view global_option) {
  return global_option == "--log-level" || global_option == "--log-file";
}

}  // namespace

namespace {

// The rewritten arguments, or the original ones (nullopt) when no NeuVector form applies.
util::Result<std::optional<std::vector<std::string>>> rewrite(
    const std::vector<std::string>& args) {
  using Out = std::optional<std::vector<std::string>>;
  if (args.size() == 1) {
    TRY_ASSIGN(bool on_demand, env_bool("SCANNER_ON_DEMAND"));
    if (!on_demand && env_or("SCANNER_LICENSE").empty()) {
      return Out{};
    }
    std::vector<std::string> out{args[0]};
    TRY_ASSIGN(bool debug, env_bool("SCANNER_DEBUG_MODE"));
    if (debug) {
      out.insert(out.end(), {"--log-level", "debug"});
    }
    TRY_ASSIGN(auto image_args, env_image_args());
    out.insert(out.end(), {"image", "--on-demand"});
    out.insert(out.end(), image_args.begin(), image_args.end());
    TRY_ASSIGN(auto extra, env_image_options());
    out.insert(out.end(), extra.begin(), extra.end());
    return Out{std::move(out)};
  }
  // NeuVector's flags, after any global options: `-i REF [image options]`, `-n`.
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (takes_value(a)) {
      ++i;
      continue;
    }
    if (a == "-n") {
      // NeuVector's -n takes no argument; its docs write `-n neuvector`, whose word getopt
      // ignores: a word right after -n is dropped the same way. The remaining arguments are
      // options of `strata host`.
      std::vector<std::string> out(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(i));
      out.insert(out.end(), {"host", "--on-demand"});
      std::size_t rest = i + 1;
      if (rest < args.size() && !args[rest].empty() && args[rest][0] != '-') {
        ++rest;
      }
      TRY_ASSIGN(auto extra, env_image_options());
      for (const auto& e : extra) {
        if (e == "--cap-critical") {  // the only one a host scan takes (no layers, no cache)
          out.push_back(e);
        }
      }
      out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(rest), args.end());
      return Out{std::move(out)};
    }
    if (a == "-i") {
      if (i + 1 >= args.size() || args[i + 1].empty() || args[i + 1][0] == '-') {
        return usage("-i needs an image reference (strata -i REPOSITORY[:TAG])");
      }
      TRY_ASSIGN(auto extra, env_image_options());
      std::vector<std::string> out(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(i));
      out.insert(out.end(), {"image", "--on-demand", args[i + 1]});
      out.insert(out.end(), extra.begin(), extra.end());
      if (std::string url = env_or("SCANNER_DOCKER_URL"); !url.empty()) {
        if (auto e = docker::parse_endpoint(url); !e) {
          return usage(fmt::format("SCANNER_DOCKER_URL={}: {}", url, e.error().message));
        }
        out.insert(out.end(), {"--docker-host", url});
      }
      out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(i + 2), args.end());
      return Out{std::move(out)};
    }
    if (a.empty() || a[0] != '-' || a == "--") {
      break;  // a subcommand (or a positional): not a NeuVector form
    }
  }
  return Out{};
}

}  // namespace

util::Result<std::vector<std::string>> neuvector_args(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  auto out = rewrite(args);
  if (!out) {
    // Scripts read the result file: it says why, as it would for a failed scan.
    OnDemandOutput output;
    if (output.prepare()) {
      output.write_error(out.error().message);
    }
    return std::move(out).error();
  }
  return out->has_value() ? std::move(**out) : args;
}

OnDemandOutput::OnDemandOutput() : m_dir(env_or("SCANNER_RESULT_DIR", k_default_result_dir)) {}

util::Status OnDemandOutput::prepare() const {
  if (auto st = util::make_dirs(m_dir); !st) {
    return util::input_error("result directory {} (SCANNER_RESULT_DIR): {}", m_dir,
                             st.error().message);
  }
  return {};
}

void OnDemandOutput::write_error(std::string_view message) const {
  std::ostringstream out;
  report::write_neuvector_error(message, out);
  if (auto st = util::write_file_atomic(m_dir + "/scan_result.json", out.str()); !st) {
    LOG_WARN("{}", st.error().message);
  }
  std::remove((m_dir + "/scan_result.strata.json").c_str());
}

int OnDemandOutput::fail(const util::Error& error) const {
  write_error(error.message);
  return report_error(error);
}

int OnDemandOutput::succeed(const model::ScanResult& result, const OutputOptions& options,
                            const report::NeuVectorOptions& neuvector) const {
  const std::pair<const char*, std::string> files[] = {
      {"neuvector", m_dir + "/scan_result.json"}, {"json", m_dir + "/scan_result.strata.json"}};
  for (const auto& [format, path] : files) {
    if (auto st = write_report(result, options, format, path, neuvector); !st) {
      return report_error(st.error());
    }
  }
  std::string stdout_format = options.format.empty() ? "table" : options.format;
  if (auto st = write_report(result, options, stdout_format, "", neuvector); !st) {
    return report_error(st.error());
  }
  if (!options.output.empty()) {
    if (auto st = write_report(result, options, options.format, options.output, neuvector); !st) {
      return report_error(st.error());
    }
  }
  return findings_exit_code(result, options);
}

}  // namespace strata::cli
