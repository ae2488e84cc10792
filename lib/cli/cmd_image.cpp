#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <optional>

#include "cache/layer_cache.hpp"
#include "cli/cache_dir.hpp"
#include "cli/commands.hpp"
#include "cli/db_policy.hpp"
#include "cli/on_demand.hpp"
#include "cli/output.hpp"
#include "docker/engine.hpp"
#include "image/reference.hpp"
#include "registry/credentials.hpp"
#include "scan/scan.hpp"
#include "util/file.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "vulndb/database.hpp"

namespace strata::cli {
namespace {

struct ImageOptions {
  std::string input;
  std::string reference;
  OutputOptions output;
  std::string tag;
  std::string platform = "linux/amd64";
  std::string db_dir;
  bool packages_only = false;
  bool ignore_unfixed = false;
  DbPolicyFlags db_policy;
  std::string username;
  bool password_stdin = false;
  bool insecure = false;
  std::string ca_cert;
  int retries = 3;
  int timeout = 30;
  int parallel = 4;
  bool on_demand = false;  // run as the NeuVector scanner (see on_demand.cpp)
  std::string docker_host;
  std::string image_src = "docker,podman,registry";
  std::string cache_dir;
  bool no_cache = false;
  long long cache_max_mb = 1000;  // 0: layer cache off
  std::string cache_key_file;
};

// Reads the password from the first line of stdin (without its line end).
util::Result<std::string> read_password_stdin() {
  std::string line;
  if (!std::getline(std::cin, line) && line.empty()) {
    return util::make_error(util::ErrorCategory::usage, "--password-stdin: no password on stdin");
  }
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  return line;
}

std::optional<std::string> env_string(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr || *v == '\0' ? std::nullopt : std::optional<std::string>(v);
}

// Docker's own convention for DOCKER_TLS_VERIFY: set and not empty (and not "0"/"false") = on.
bool env_flag(const char* name) {
  auto v = env_string(name);
  return v && *v != "0" && util::to_lower(*v) != "false";
}

std::optional<std::string_view> env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::nullopt : std::optional<std::string_view>(v);
}

// "host[:port]/repo[:tag|@digest]" after an explicit http:// or https://: the first component is
// the registry whatever it looks like (Docker's heuristic would read "myregistry/app" as a Docker
// Hub name). Docker Hub's host names become docker.io.
util::Result<image::Reference> parse_reference_at_registry(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos || slash == 0) {
    return util::make_error(util::ErrorCategory::usage, "no repository after the registry");
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

// A positional argument that is not an existing path is an image reference, optionally written
// with an http:// (plain HTTP) or https:// scheme in front of the registry.
util::Status set_registry_target(const ImageOptions& o, scan::Options& opts) {
  std::string text = o.reference;
  bool plain_http = o.insecure;
  bool scheme = true;
  if (text.rfind("http://", 0) == 0) {
    text = text.substr(7);
    plain_http = true;
  } else if (text.rfind("https://", 0) == 0) {
    text = text.substr(8);
  } else {
    scheme = false;
  }
  for (std::string_view ext : {".tar", ".tar.gz", ".tgz"}) {
    if (text.size() > ext.size() && text.ends_with(ext)) {
      // Docker would read "alpine.tar" as the image docker.io/library/alpine.tar; a user means
      // a file.
      return util::input_error("{}: no such file or directory", o.reference);
    }
  }
  auto ref = scheme ? parse_reference_at_registry(text) : image::parse_reference(text);
  if (!ref) {
    return util::input_error("{}: not a file or directory, and not an image reference ({})",
                             o.reference, ref.error().message);
  }
  opts.reference = *ref;
  opts.registry.plain_http = plain_http;
  opts.registry.http.retries = o.retries;
  opts.registry.http.stall_timeout = std::chrono::seconds(o.timeout);
  opts.registry.parallel = o.parallel;
  opts.registry.http.ca_file = o.ca_cert;
  opts.registry.metadata_cache_dir = metadata_cache_dir(o.cache_dir, o.no_cache);
  auto env_password = env("SCANNER_REGISTRY_PASSWORD");
  if (!o.username.empty()) {
    opts.registry.username = o.username;
    if (o.password_stdin) {
      TRY_ASSIGN(opts.registry.password, read_password_stdin());
    } else if (env_password) {
      opts.registry.password = std::string(*env_password);
    }
  } else if (o.password_stdin) {
    return util::make_error(util::ErrorCategory::usage, "--password-stdin needs --username");
  } else if (env_password && !env_password->empty()) {
    return util::make_error(
        util::ErrorCategory::usage,
        "SCANNER_REGISTRY_PASSWORD is set but SCANNER_REGISTRY_USERNAME is not");
  } else {
    TRY(registry::apply_docker_credentials(ref->domain, opts.registry,
                                           registry::CredentialEnvironment::from_process()));
  }
  return {};
}

// Where the report names the image in the NeuVector format: the registry URL, repository and
// tag of a registry reference; for an image on disk, its first repo tag (or its path).
report::NeuVectorOptions neuvector_target(const scan::Options& opts,
                                          const model::ScanResult& result) {
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

// Where a name that is not a path comes from: "docker:NAME" and "podman:NAME" name the engine;
// a bare NAME is looked for in the sources of --image-src, in order (an engine that does not
// answer is skipped), the registry last by default. A reference with http:// or https:// in
// front names a registry.
util::Status set_image_source(const ImageOptions& o, scan::Options& opts) {
  std::string name = o.reference;
  std::vector<std::string> sources;
  bool explicit_engine = false;
  for (std::string_view engine : {"docker", "podman"}) {
    if (name.starts_with(std::string(engine) + ":") &&
        !name.starts_with(std::string(engine) + "://")) {
      sources = {std::string(engine)};
      name = name.substr(engine.size() + 1);
      explicit_engine = true;
    }
  }
  if (!explicit_engine) {
    if (name.starts_with("http://") || name.starts_with("https://")) {
      return set_registry_target(o, opts);
    }
    for (auto part : util::split(o.image_src, ',')) {
      std::string src = util::to_lower(util::trim(part));
      if (src != "docker" && src != "podman" && src != "registry") {
        return util::make_error(util::ErrorCategory::usage,
                                "--image-src: unknown source '{}' (docker, podman, registry)", src);
      }
      sources.push_back(src);
    }
  }
  if (name.empty()) {
    return util::make_error(util::ErrorCategory::usage, "{}: no image name", o.reference);
  }
  http::ClientOptions http;
  http.retries = 0;  // a local socket either answers or is not there
  http.connect_timeout = std::chrono::milliseconds(3000);
  std::vector<std::string> looked;
  for (const auto& src : sources) {
    if (src == "registry") {
      return set_registry_target(o, opts);
    }
    util::Result<std::vector<docker::Endpoint>> endpoints =
        src == "docker"
            ? docker::docker_endpoints(
                  o.docker_host.empty() ? env_string("DOCKER_HOST") : std::optional(o.docker_host),
                  env_flag("DOCKER_TLS_VERIFY"), env_string("DOCKER_CERT_PATH").value_or(""))
            : docker::podman_endpoints(env_string("CONTAINER_HOST"), env_string("XDG_RUNTIME_DIR"));
    if (!endpoints) {
      return endpoints.error();
    }
    TRY_ASSIGN(auto found, scan::find_in_engines(*endpoints, name, explicit_engine, http, looked));
    if (found) {
      opts.engine = std::move(found);
      return {};
    }
  }
  std::string where;
  for (const auto& l : looked) {
    where += (where.empty() ? "" : "; ") + l;
  }
  return util::make_error(util::ErrorCategory::network,
                          "{}: image not found in the local engines ({})", name, where);
}

util::Result<scan::Options> scan_options(const ImageOptions& o) {
  scan::Options opts;
  if (!o.input.empty() && !o.reference.empty()) {
    return util::make_error(util::ErrorCategory::usage,
                            "give either --input PATH or an image reference, not both");
  }
  opts.input_path = !o.input.empty() ? o.input : o.reference;
  if (opts.input_path.empty()) {
    return util::make_error(util::ErrorCategory::usage,
                            "no image given: use --input PATH (see strata image --help)");
  }
  if (o.retries < 0) {
    return util::make_error(util::ErrorCategory::usage, "--retries must be 0 or more");
  }
  if (o.timeout < 1) {
    return util::make_error(util::ErrorCategory::usage, "--timeout must be 1 or more");
  }
  if (o.parallel < 1 || o.parallel > 64) {
    return util::make_error(util::ErrorCategory::usage, "--parallel must be between 1 and 64");
  }
  if (o.input.empty() && ::access(opts.input_path.c_str(), F_OK) != 0) {
    opts.input_path.clear();
    TRY(set_image_source(o, opts));
  }
  opts.tag = o.tag;
  opts.platform = o.platform;
  opts.db_dir = o.db_dir.empty() ? vulndb::default_db_dir() : o.db_dir;
  opts.packages_only = o.packages_only;
  opts.ignore_unfixed = o.ignore_unfixed;
  TRY_ASSIGN(opts.db_policy, make_db_policy(o.db_policy));
  if (o.cache_max_mb < 0) {
    return util::make_error(util::ErrorCategory::usage, "--cache-max-mb must be 0 or more");
  }
  if (!o.no_cache && o.cache_max_mb > 0) {
    // NeuVector's shared /tmp/images/caches in SCANNER_ON_DEMAND mode, unless a directory is given
    opts.layer_cache_dir =
        cache::layer_cache_dir(cache_dir(o.cache_dir), o.on_demand && o.cache_dir.empty());
    opts.cache_max_bytes = static_cast<std::uint64_t>(o.cache_max_mb) << 20;
    TRY_ASSIGN(opts.cache_key, cache::resolve_cache_key(o.cache_key_file));
  }
  return opts;
}

int run_image(const ImageOptions& o, const GlobalOptions& globals) {
  std::optional<OnDemandOutput> on_demand;
  if (o.on_demand) {
    on_demand.emplace();
    if (auto st = on_demand->prepare(); !st) {
      return report_error(st.error());
    }
  }
  auto fail = [&](const util::Error& e) {
    return on_demand ? on_demand->fail(e) : report_error(e);
  };
  auto opts_or = scan_options(o);
  if (!opts_or) {
    return fail(opts_or.error());
  }
  scan::Options& opts = *opts_or;
  if (!globals.quiet && ::isatty(STDERR_FILENO)) {
    opts.progress = [](std::string_view step) { fmt::print(stderr, "\r\033[K{}", step); };
  }
  auto result = scan::scan_image(opts);
  if (opts.progress) {
    fmt::print(stderr, "\r\033[K");
  }
  if (!result) {
    return fail(result.error());
  }
  if (!globals.quiet) {
    for (const auto& w : result->warnings) {
      fmt::print(stderr, "strata: warning: {}\n", w);
    }
  }
  report::NeuVectorOptions nv = neuvector_target(opts, *result);
  if (on_demand) {
    return on_demand->succeed(*result, o.output, nv);
  }
  return write_scan_output(*result, o.output, nv);
}

}  // namespace

Command add_image_command(CLI::App& app, const GlobalOptions& globals) {
  auto opts = std::make_shared<ImageOptions>();
  auto* sub = app.add_subcommand("image", "Scan a container image for vulnerable packages");
  sub->add_option("--input", opts->input,
                  "Image on disk: docker save tarball, OCI layout directory or OCI archive "
                  "(optionally gzip-compressed); the format is detected from content")
      ->envname("STRATA_INPUT");
  sub->add_option("reference", opts->reference,
                  "Image to scan: an existing path (like --input), else a registry reference "
                  "such as alpine:3.20 or 127.0.0.1:5000/app@sha256:...");
  sub->add_option("--tag", opts->tag, "Image to pick in a multi-image archive or layout")
      ->envname("STRATA_TAG");
  sub->add_option("--platform", opts->platform,
                  "Platform to pick in an image index: os/arch[/variant]")
      ->capture_default_str()
      ->envname("STRATA_PLATFORM");
  sub->add_option("--db-dir", opts->db_dir,
                  "Vulnerability database directory (default: $XDG_CACHE_HOME/strata/db)")
      ->envname("STRATA_DB_DIR");
  sub->add_flag("--packages-only", opts->packages_only,
                "List packages without matching vulnerabilities (no database needed)")
      ->envname("STRATA_PACKAGES_ONLY");
  sub->add_flag("--ignore-unfixed", opts->ignore_unfixed,
                "Do not report vulnerabilities that have no fixed version yet")
      ->envname("STRATA_IGNORE_UNFIXED");
  add_db_policy_options(*sub, opts->db_policy);
  sub->add_option("--username", opts->username, "Registry user name")
      ->envname("SCANNER_REGISTRY_USERNAME");
  sub->add_flag("--password-stdin", opts->password_stdin,
                "Read the registry password (or token) from the first line of stdin");
  sub->add_flag("--insecure", opts->insecure,
                "Talk plain HTTP to the registry (no TLS); TLS verification is never disabled")
      ->envname("STRATA_INSECURE");
  sub->add_option("--ca-cert", opts->ca_cert,
                  "PEM CA bundle to verify the registry's TLS certificate (default: system store)")
      ->envname("STRATA_CA_CERT");
  sub->add_option("--retries", opts->retries,
                  "Retries per registry request on connection errors, 5xx and 429")
      ->capture_default_str()
      ->envname("STRATA_RETRIES");
  sub->add_option("--timeout", opts->timeout,
                  "Seconds a registry transfer may go without receiving a byte before it is "
                  "aborted and retried")
      ->capture_default_str()
      ->envname("STRATA_TIMEOUT");
  sub->add_option("--parallel", opts->parallel,
                  "Registry layers fetched and analysed at once (1: one after another)")
      ->capture_default_str()
      ->envname("STRATA_PARALLEL");
  sub->add_option("--docker-host", opts->docker_host,
                  "Docker engine to ask for local images: unix:///path or tcp://host:port "
                  "(default: $DOCKER_HOST, else unix:///var/run/docker.sock)");
  sub->add_option("--image-src", opts->image_src,
                  "Where a bare image name is looked for, in order: docker, podman, registry")
      ->capture_default_str()
      ->envname("STRATA_IMAGE_SRC");
  sub->add_option("--cache-dir", opts->cache_dir,
                  "Cache directory: registry manifests and configs in its manifests/, layer "
                  "analyses in layers/ (default: $XDG_CACHE_HOME/strata)")
      ->envname("STRATA_CACHE_DIR");
  sub->add_flag("--no-cache", opts->no_cache,
                "Neither read nor write the cache (manifests, configs and layer analyses)")
      ->envname("STRATA_NO_CACHE");
  sub->add_option("--cache-max-mb", opts->cache_max_mb,
                  "Size cap of the layer cache in MiB; least recently used layers are evicted "
                  "(0: no layer cache)")
      ->capture_default_str()
      ->envname("STRATA_CACHE_MAX_MB");
  sub->add_option("--cache-key-file", opts->cache_key_file,
                  "Sign and verify layer cache records with HMAC-SHA256 under the key in FILE "
                  "(default: $STRATA_CACHE_KEY)");
  add_output_options(*sub, opts->output);
  sub->add_flag("--on-demand", opts->on_demand)->group("");  // set by the NeuVector forms
  return {sub, [opts, &globals] { return run_image(*opts, globals); }};
}

}  // namespace strata::cli
