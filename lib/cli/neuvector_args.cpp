#include "cli/neuvector_args.hpp"

#include <cstdlib>
#include <optional>
#include <string_view>

#include "cli/on_demand.hpp"
#include "config/on_demand.hpp"
#include "docker/engine.hpp"

namespace strata::cli {

namespace {

using Args = std::vector<std::string>;
using Rewritten = std::optional<Args>;  // nullopt: no NeuVector form applies

util::Status check_endpoint(std::string_view url) {
  TRY(docker::parse_endpoint(url));
  return {};
}

// The NeuVector options as options of `strata image`, and PROXY_URL exported to libcurl.
Args image_options(const config::NeuVectorOptions& o) {
  Args out;
  if (o.scan_layers) {
    out.push_back("--scan-layers");
  }
  if (o.cap_critical) {
    out.push_back("--cap-critical");
  }
  if (!o.base_image.empty()) {
    out.insert(out.end(), {"--base-image", o.base_image});
  }
  if (o.cache_max_mb > 0) {
    out.insert(out.end(), {"--cache-max-mb", std::to_string(o.cache_max_mb)});
  } else {
    out.push_back("--no-cache");
  }
  if (!o.proxy_url.empty()) {
    ::setenv("HTTPS_PROXY", o.proxy_url.c_str(), 0);
    ::setenv("http_proxy", o.proxy_url.c_str(), 0);  // libcurl reads only the lower-case one
  }
  return out;
}

util::Result<Rewritten> environment_mode(const std::string& program,
                                         const config::Environment& env) {
  TRY_ASSIGN(auto job, config::on_demand_job(env, check_endpoint));
  if (!job) {
    return Rewritten{};
  }
  Args out{program};
  if (job->debug) {
    out.insert(out.end(), {"--log-level", "debug"});
  }
  out.insert(out.end(), {"image", "--on-demand", job->image.reference});
  if (!job->image.image_src.empty()) {
    out.insert(out.end(), {"--image-src", job->image.image_src});
  }
  if (!job->image.docker_host.empty()) {
    out.insert(out.end(), {"--docker-host", job->image.docker_host});
  }
  Args extra = image_options(job->options);
  out.insert(out.end(), extra.begin(), extra.end());
  return Rewritten{std::move(out)};
}

// NeuVector's -n takes no argument; its docs write `-n neuvector`, whose word getopt ignores: a
// word right after -n is dropped the same way. The remaining arguments are options of `strata
// host`.
util::Result<Rewritten> host_form(const Args& args, std::size_t i, const config::Environment& env) {
  Args out(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(i));
  out.insert(out.end(), {"host", "--on-demand"});
  std::size_t rest = i + 1;
  if (rest < args.size() && !args[rest].empty() && args[rest][0] != '-') {
    ++rest;
  }
  TRY_ASSIGN(auto options, config::neuvector_options(env));
  for (const auto& e : image_options(options)) {
    if (e == "--cap-critical") {  // the only one a host scan takes (no layers, no cache)
      out.push_back(e);
    }
  }
  out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(rest), args.end());
  return Rewritten{std::move(out)};
}

util::Result<Rewritten> image_form(const Args& args, std::size_t i,
                                   const config::Environment& env) {
  if (i + 1 >= args.size() || args[i + 1].empty() || args[i + 1][0] == '-') {
    return util::make_error(util::ErrorCategory::usage,
                            "-i needs an image reference (strata -i REPOSITORY[:TAG])");
  }
  TRY_ASSIGN(auto options, config::neuvector_options(env));
  Args extra = image_options(options);
  Args out(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(i));
  out.insert(out.end(), {"image", "--on-demand", args[i + 1]});
  out.insert(out.end(), extra.begin(), extra.end());
  TRY_ASSIGN(std::string url, config::neuvector_docker_url(env, check_endpoint));
  if (!url.empty()) {
    out.insert(out.end(), {"--docker-host", url});
  }
  out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(i + 2), args.end());
  return Rewritten{std::move(out)};
}

bool takes_value(std::string_view global_option) {
  return global_option == "--log-level" || global_option == "--log-file";
}

util::Result<Rewritten> rewrite(const Args& args, const config::Environment& env) {
  if (args.size() == 1) {
    return environment_mode(args[0], env);
  }
  // NeuVector's flags, after any global options: `-i REF [image options]`, `-n`.
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (takes_value(a)) {
      ++i;
      continue;
    }
    if (a == "-n") {
      return host_form(args, i, env);
    }
    if (a == "-i") {
      return image_form(args, i, env);
    }
    if (a.empty() || a[0] != '-' || a == "--") {
      break;  // a subcommand (or a positional): not a NeuVector form
    }
  }
  return Rewritten{};
}

}  // namespace

util::Result<std::vector<std::string>> neuvector_args(int argc, char** argv,
                                                      const config::Environment& env) {
  Args args(argv, argv + argc);
  auto out = rewrite(args, env);
  if (!out) {
    // Scripts read the result file: it says why, as it would for a failed scan.
    OnDemandOutput output(config::result_dir(env));
    if (output.prepare()) {
      output.write_error(out.error().message);
    }
    return std::move(out).error();
  }
  return out->has_value() ? std::move(**out) : args;
}

}  // namespace strata::cli
