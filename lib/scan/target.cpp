#include "scan/target.hpp"

#include <unistd.h>

#include <string_view>
#include <vector>

#include "docker/engine.hpp"
#include "util/strings.hpp"

namespace strata::scan {

namespace {

util::Error usage(std::string message) {
  return util::Error{util::ErrorCategory::usage, std::move(message)};
}

// User name and password: the flags, else Docker's configuration for `domain`.
util::Status set_credentials(const RegistryInputs& in, const std::string& domain,
                             registry::RegistryOptions& out) {
  if (!in.username.empty()) {
    out.username = in.username;
    if (in.read_password) {
      TRY_ASSIGN(out.password, in.read_password());
    } else if (in.env_password) {
      out.password = *in.env_password;
    }
    return {};
  }
  if (in.read_password) {
    return usage("--password-stdin needs --username");
  }
  if (in.env_password && !in.env_password->empty()) {
    return usage("SCANNER_REGISTRY_PASSWORD is set but SCANNER_REGISTRY_USERNAME is not");
  }
  return registry::apply_docker_credentials(domain, out, in.credentials);
}

// A name that is not an existing path is an image reference, optionally written with an http://
// (plain HTTP) or https:// scheme in front of the registry.
util::Result<Target> registry_target(const TargetRequest& request) {
  std::string text = request.reference;
  registry::RegistryOptions options = request.registry.options;
  bool scheme = true;
  if (text.rfind("http://", 0) == 0) {
    text = text.substr(7);
    options.plain_http = true;
  } else if (text.rfind("https://", 0) == 0) {
    text = text.substr(8);
  } else {
    scheme = false;
  }
  for (std::string_view ext : {".tar", ".tar.gz", ".tgz"}) {
    if (text.size() > ext.size() && text.ends_with(ext)) {
      // Docker would read "alpine.tar" as the image docker.io/library/alpine.tar; a user means
      // a file.
      return util::input_error("{}: no such file or directory", request.reference);
    }
  }
  auto ref = scheme ? parse_reference_at_registry(text) : image::parse_reference(text);
  if (!ref) {
    return util::input_error("{}: not a file or directory, and not an image reference ({})",
                             request.reference, ref.error().message);
  }
  TRY(set_credentials(request.registry, ref->domain, options));
  Target target;
  target.reference = std::move(*ref);
  target.registry = std::move(options);
  return target;
}

// The sources a name is looked for in: "docker:NAME" / "podman:NAME" name one engine (and strip
// the prefix from `name`), else those of image_src.
util::Result<std::vector<std::string>> sources_of(const TargetRequest& request, std::string& name,
                                                  bool& explicit_engine) {
  for (std::string_view engine : {"docker", "podman"}) {
    if (name.starts_with(std::string(engine) + ":") &&
        !name.starts_with(std::string(engine) + "://")) {
      name = name.substr(engine.size() + 1);
      explicit_engine = true;
      return std::vector<std::string>{std::string(engine)};
    }
  }
  std::vector<std::string> sources;
  for (auto part : util::split(request.image_src, ',')) {
    std::string src = util::to_lower(util::trim(part));
    if (src != "docker" && src != "podman" && src != "registry") {
      return util::make_error(util::ErrorCategory::usage,
                              "--image-src: unknown source '{}' (docker, podman, registry)", src);
    }
    sources.push_back(src);
  }
  return sources;
}

util::Result<std::vector<docker::Endpoint>> endpoints_of(const std::string& source,
                                                         const EngineInputs& in) {
  if (source == "docker") {
    return docker::docker_endpoints(in.docker_host, in.docker_tls_verify, in.docker_cert_path);
  }
  return docker::podman_endpoints(in.container_host, in.xdg_runtime_dir);
}

// Where a name that is not a path comes from (see resolve_target).
util::Result<Target> image_source_target(const TargetRequest& request) {
  std::string name = request.reference;
  if (name.starts_with("http://") || name.starts_with("https://")) {
    return registry_target(request);
  }
  bool explicit_engine = false;
  TRY_ASSIGN(std::vector<std::string> sources, sources_of(request, name, explicit_engine));
  if (name.empty()) {
    return usage(fmt::format("{}: no image name", request.reference));
  }
  http::ClientOptions http;
  http.retries = 0;  // a local socket either answers or is not there
  http.connect_timeout = std::chrono::milliseconds(3000);
  std::vector<std::string> looked;
  for (const auto& src : sources) {
    if (src == "registry") {
      return registry_target(request);
    }
    TRY_ASSIGN(auto endpoints, endpoints_of(src, request.engines));
    TRY_ASSIGN(auto found, find_in_engines(endpoints, name, explicit_engine, http, looked));
    if (found) {
      Target target;
      target.engine = std::move(found);
      return target;
    }
  }
  std::string where;
  for (const auto& l : looked) {
    where += (where.empty() ? "" : "; ") + l;
  }
  return util::make_error(util::ErrorCategory::network,
                          "{}: image not found in the local engines ({})", name, where);
}

}  // namespace

util::Result<image::Reference> parse_reference_at_registry(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos || slash == 0) {
    return usage("no repository after the registry");
  }
  TRY_ASSIGN(image::RegistryUrl url, image::parse_registry_url(text.substr(0, slash)));
  TRY_ASSIGN(image::Reference ref, image::parse_reference("localhost/" + text.substr(slash + 1)));
  ref.domain = url.host;
  for (std::string_view hub :
       {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}) {
    if (url.host == hub) {
      ref.domain = std::string(image::k_docker_hub_domain);
      if (ref.path.find('/') == std::string::npos) {
        ref.path = "library/" + ref.path;
      }
    }
  }
  return ref;
}

util::Result<Target> resolve_target(const TargetRequest& request) {
  Target target;
  if (!request.input.empty()) {
    target.input_path = request.input;
    return target;
  }
  if (::access(request.reference.c_str(), F_OK) == 0) {
    target.input_path = request.reference;
    return target;
  }
  return image_source_target(request);
}

// Where the report names the image in the NeuVector format: the registry URL, repository and
// tag of a registry reference; for an image on disk, its first repo tag (or its path).
report::NeuVectorOptions neuvector_target(const Options& opts, const model::ScanResult& result) {
  report::NeuVectorOptions nv;
  if (opts.reference) {
    const auto& ref = *opts.reference;
    nv.registry =
        fmt::format("{}://{}/", opts.registry.plain_http ? "http" : "https", ref.registry_host());
    nv.repository = ref.path;
    nv.tag = ref.digest.empty() ? (ref.tag.empty() ? "latest" : ref.tag) : ref.digest;
    return nv;
  }
  if (!result.target.repo_tags.empty()) {
    const std::string& rt = result.target.repo_tags.front();
    auto colon = rt.rfind(':');
    bool has_tag = colon != std::string::npos && rt.find('/', colon) == std::string::npos;
    nv.repository = has_tag ? rt.substr(0, colon) : rt;
    nv.tag = has_tag ? rt.substr(colon + 1) : "latest";
  } else {
    nv.repository = result.target.name;
  }
  return nv;
}

}  // namespace strata::scan
