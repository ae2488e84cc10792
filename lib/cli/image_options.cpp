#include "cli/image_options.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

#include "cache/layer_cache.hpp"
#include "config/settings.hpp"
#include "util/file.hpp"

namespace strata::cli {

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

util::Status check_flags(const ImageOptions& o) {
  if (!o.input.empty() && !o.reference.empty()) {
    return util::make_error(util::ErrorCategory::usage,
                            "give either --input PATH or an image reference, not both");
  }
  if (o.input.empty() && o.reference.empty()) {
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
  if (o.max_layer_mb < 1 || o.max_layer_mb > (1ll << 30)) {
    return util::make_error(util::ErrorCategory::usage,
                            "--max-layer-mb must be between 1 and 2^30");
  }
  if (o.max_kept_mb < 1 || o.max_kept_mb > (1ll << 30)) {
    return util::make_error(util::ErrorCategory::usage, "--max-kept-mb must be between 1 and 2^30");
  }
  if (o.max_ratio < 0) {
    return util::make_error(util::ErrorCategory::usage,
                            "--max-compression-ratio must be 0 (no check) or more");
  }
  if (o.output.hide_base && o.base_image.empty()) {
    return util::make_error(util::ErrorCategory::usage,
                            "--hide-base needs --base-image REF: without a base nothing is marked");
  }
  if (!o.ca_cert.empty()) {
    // curl would open it itself: a FIFO would hang the pull, a device be read without end.
    TRY(util::check_regular_file(o.ca_cert));
  }
  return {};
}

scan::TargetRequest target_request(const ImageOptions& o, const config::Environment& env) {
  scan::TargetRequest r;
  r.input = o.input;
  r.reference = o.reference;
  r.image_src = o.image_src;
  r.engines = config::engine_settings(o.docker_host, env);
  registry::RegistryOptions& ro = r.registry.options;
  ro.plain_http = o.insecure;
  ro.http.retries = o.retries;
  ro.http.stall_timeout = std::chrono::seconds(o.timeout);
  ro.parallel = o.parallel;
  ro.http.ca_file = o.ca_cert;
  ro.metadata_cache_dir = config::metadata_cache_dir(
      config::logged_value("cache directory", config::cache_dir(o.cache_dir, env)), o.no_cache);
  r.registry.username = o.username;
  if (o.password_stdin) {
    r.registry.read_password = read_password_stdin;
  }
  r.registry.env_password = config::registry_password(env);
  config::CredentialSettings credentials = config::credential_settings(env);
  r.registry.credentials.docker_config = credentials.docker_config;
  r.registry.credentials.home = credentials.home;
  r.registry.credentials.path = credentials.path;
  return r;
}

namespace {

// The layer cache: its directory (NeuVector's shared /tmp/images/caches in SCANNER_ON_DEMAND
// mode unless a directory is given), cap and key; none with --no-cache or --cache-max-mb 0.
util::Status set_layer_cache(const ImageOptions& o, const config::Environment& env,
                             scan::Options& opts) {
  if (o.cache_max_mb < 0) {
    return util::make_error(util::ErrorCategory::usage, "--cache-max-mb must be 0 or more");
  }
  if (!o.no_cache && o.cache_max_mb > 0) {
    opts.layer_cache_dir = config::logged_value(
        "layer cache directory", config::layer_cache_dir(o.cache_dir, o.on_demand, env));
    opts.cache_max_bytes = static_cast<std::uint64_t>(o.cache_max_mb) << 20;
    TRY_ASSIGN(opts.cache_key, cache::resolve_cache_key(o.cache_key_file, config::cache_key(env)));
  }
  return {};
}

}  // namespace

util::Result<scan::Options> scan_options(const ImageOptions& o, const config::Environment& env) {
  TRY(check_flags(o));
  TRY_ASSIGN(scan::Target target, scan::resolve_target(target_request(o, env)));
  scan::Options opts;
  opts.input_path = std::move(target.input_path);
  opts.engine = std::move(target.engine);
  opts.reference = std::move(target.reference);
  opts.registry = std::move(target.registry);
  opts.tag = o.tag;
  opts.platform = o.platform;
  TRY_ASSIGN(opts.gzip, config::gzip_decoder(env));
  opts.parallel = o.parallel;
  opts.max_layer_size = static_cast<std::uint64_t>(o.max_layer_mb) << 20;
  opts.max_kept = static_cast<std::uint64_t>(o.max_kept_mb) << 20;
  opts.max_ratio = static_cast<std::uint64_t>(o.max_ratio);
  TRY(apply_match_flags(o.match, env, opts));
  TRY(set_layer_cache(o, env, opts));
  if (!o.base_image.empty()) {
    // Resolved as the scanned image is (engines, registry, a path), with the same settings.
    ImageOptions b = o;
    b.input.clear();
    b.reference = o.base_image;
    b.password_stdin = false;  // stdin was the scanned image's: the base uses stored credentials
    TRY_ASSIGN(scan::Target base, scan::resolve_target(target_request(b, env)));
    scan::Options::BaseImage bi;
    bi.name = o.base_image;
    bi.input_path = std::move(base.input_path);
    bi.engine = std::move(base.engine);
    bi.reference = std::move(base.reference);
    bi.registry = std::move(base.registry);
    opts.base_image = std::move(bi);
  }
  return opts;
}

void add_image_options(CLI::App& sub, ImageOptions& o) {
  sub.add_option("--input", o.input,
                 "Image on disk: docker save tarball, OCI layout directory or OCI archive "
                 "(optionally gzip-compressed); the format is detected from content")
      ->envname("STRATA_INPUT");
  sub.add_option("reference", o.reference,
                 "Image to scan: an existing path (like --input), else a registry reference "
                 "such as alpine:3.20 or 127.0.0.1:5000/app@sha256:...");
  sub.add_option("--tag", o.tag, "Image to pick in a multi-image archive or layout")
      ->envname("STRATA_TAG");
  sub.add_option("--platform", o.platform, "Platform to pick in an image index: os/arch[/variant]")
      ->capture_default_str()
      ->envname("STRATA_PLATFORM");
  sub.add_option("--base-image", o.base_image,
                 "The image this one is built on (a path or a reference, found as the scanned "
                 "image is): packages and findings of the layers it shares are marked "
                 "in_base_image")
      ->envname("STRATA_BASE_IMAGE");
  sub.add_flag("--hide-base", o.output.hide_base,
               "Leave the base image's findings out of the table (JSON, the other formats and "
               "--fail-on keep them)")
      ->envname("STRATA_HIDE_BASE");
}

void add_registry_options(CLI::App& sub, ImageOptions& o) {
  sub.add_option("--username", o.username, "Registry user name")
      ->envname("SCANNER_REGISTRY_USERNAME");
  sub.add_flag("--password-stdin", o.password_stdin,
               "Read the registry password (or token) from the first line of stdin");
  sub.add_flag("--insecure", o.insecure,
               "Talk plain HTTP to the registry (no TLS); TLS verification is never disabled")
      ->envname("STRATA_INSECURE");
  sub.add_option("--ca-cert", o.ca_cert,
                 "PEM CA bundle to verify the registry's TLS certificate (default: system store)")
      ->envname("STRATA_CA_CERT");
  sub.add_option("--retries", o.retries,
                 "Retries per registry request on connection errors, 5xx and 429")
      ->capture_default_str()
      ->envname("STRATA_RETRIES");
  sub.add_option("--timeout", o.timeout,
                 "Seconds a registry transfer may go without receiving a byte before it is "
                 "aborted and retried")
      ->capture_default_str()
      ->envname("STRATA_TIMEOUT");
  sub.add_option("--parallel", o.parallel,
                 "Registry layers fetched and analysed at once (1: one after another)")
      ->capture_default_str()
      ->envname("STRATA_PARALLEL");
}

void add_engine_options(CLI::App& sub, ImageOptions& o) {
  sub.add_option("--docker-host", o.docker_host,
                 "Docker engine to ask for local images: unix:///path or tcp://host:port "
                 "(default: $DOCKER_HOST, else unix:///var/run/docker.sock)");
  sub.add_option("--image-src", o.image_src,
                 "Where a bare image name is looked for, in order: docker, podman, registry")
      ->capture_default_str()
      ->envname("STRATA_IMAGE_SRC");
}

void add_cache_options(CLI::App& sub, ImageOptions& o) {
  sub.add_option("--cache-dir", o.cache_dir,
                 "Cache directory: registry manifests and configs in its manifests/, layer "
                 "analyses in layers/ (default: $XDG_CACHE_HOME/strata)")
      ->envname("STRATA_CACHE_DIR");
  sub.add_flag("--no-cache", o.no_cache,
               "Neither read nor write the cache (manifests, configs and layer analyses)")
      ->envname("STRATA_NO_CACHE");
  sub.add_option("--cache-max-mb", o.cache_max_mb,
                 "Size cap of the layer cache in MiB; least recently used layers are evicted "
                 "(0: no layer cache)")
      ->capture_default_str()
      ->envname("STRATA_CACHE_MAX_MB");
  sub.add_option("--max-layer-mb", o.max_layer_mb,
                 "Refuse a layer that inflates to more than N MiB (a decompression bomb)")
      ->capture_default_str()
      ->envname("STRATA_MAX_LAYER_MB");
  sub.add_option("--max-compression-ratio", o.max_ratio,
                 "Refuse a layer whose uncompressed/compressed ratio passes N once it has "
                 "inflated past 256 MiB (0: no check)")
      ->capture_default_str()
      ->envname("STRATA_MAX_COMPRESSION_RATIO");
  sub.add_option("--max-kept-mb", o.max_kept_mb,
                 "Refuse an image whose layers keep more than N MiB in memory: package "
                 "databases, file names, links and other metadata")
      ->capture_default_str()
      ->envname("STRATA_MAX_KEPT_MB");
  sub.add_option("--cache-key-file", o.cache_key_file,
                 "Sign and verify layer cache records with HMAC-SHA256 under the key in FILE "
                 "(default: $STRATA_CACHE_KEY)");
}

}  // namespace strata::cli
