#pragma once
// What a scan reads: an image on disk (docker save tarball, OCI layout or archive), an image of a
// local engine (Docker, Podman), or an image in a registry. `strata image` decides it here from
// plain inputs (flags and environment are resolved by lib/cli and lib/config), so that other
// commands (`strata registry`) decide the same way.

#include <functional>
#include <optional>
#include <string>

#include "config/settings.hpp"
#include "image/reference.hpp"
#include "registry/client.hpp"
#include "registry/credentials.hpp"
#include "report/report.hpp"
#include "scan/scan.hpp"
#include "util/result.hpp"

namespace strata::scan {

// Where the local engines are, as config::engine_settings resolves it.
using EngineInputs = config::EngineSettings;

// How to talk to a registry, and as whom.
struct RegistryInputs {
  // Transport: retries, timeouts, CA file, parallel layers, metadata cache directory.
  // plain_http is --insecure; an http:// reference sets it too.
  registry::RegistryOptions options;
  std::string username;  // empty: Docker's credentials (below), else anonymous
  // The password given on stdin (--password-stdin): called only when the target is a registry
  // image and a user name is given; unset without --password-stdin.
  std::function<util::Result<std::string>()> read_password;
  // SCANNER_REGISTRY_PASSWORD (set, even empty): the password of `username` without
  // --password-stdin; without a user name, a non-empty one is a usage error.
  std::optional<std::string> env_password;
  registry::CredentialEnvironment credentials;  // where Docker's credentials are looked for
};

struct TargetRequest {
  std::string input;      // a path on disk, taken as is (--input)
  std::string reference;  // an existing path, else an image name or reference
  // Where a bare image name is looked for, in order: a comma-separated list of docker, podman,
  // registry (--image-src).
  std::string image_src = "docker,podman,registry";
  EngineInputs engines;
  RegistryInputs registry;
};

// The target in the form scan::Options takes it: exactly one of input_path, engine, reference.
struct Target {
  std::string input_path;
  std::optional<EngineImage> engine;
  std::optional<image::Reference> reference;
  registry::RegistryOptions registry;  // with `reference`: how to talk to the registry
};

// Decides the target:
// - `input`, or a `reference` that is an existing path: that path;
// - "docker:NAME" / "podman:NAME": that engine only (it must answer);
// - "http://..." / "https://...": a registry reference whose first component is the registry;
// - a bare NAME: looked for in the sources of `image_src`, in order (an engine that does not
//   answer is skipped), the registry last by default; "NAME.tar" (.tar.gz, .tgz) that does not
//   exist is a missing file, not an image.
// Errors: usage (unknown source, no name, password without user name), input (not a path nor a
// reference, failing credentials), network (not found in the engines asked).
util::Result<Target> resolve_target(const TargetRequest& request);

// "host[:port]/repo[:tag|@digest]" after an explicit http:// or https://: the first component is
// the registry whatever it looks like (Docker's heuristic would read "myregistry/app" as a Docker
// Hub name). Docker Hub's host names become docker.io.
util::Result<image::Reference> parse_reference_at_registry(const std::string& text);

// How NeuVector's report names the scanned image: the registry URL, repository and tag (or
// digest) of a registry reference; for an image on disk or in an engine, its first repo tag (or
// its name).
report::NeuVectorOptions neuvector_target(const Options& opts, const model::ScanResult& result);

}  // namespace strata::scan
