#pragma once
// Registry credentials from the Docker client's configuration ($DOCKER_CONFIG/config.json, else
// ~/.docker/config.json; the rules of image/docker_config.hpp decide which source applies):
// - inline `auths` entries: user name and password, or an `identitytoken` (an OAuth2 refresh
//   token, exchanged at the token realm: see RegistryOptions::identity_token);
// - credential helpers (`credHelpers`, `credsStore`): `docker-credential-<name> get` found on
//   PATH, run without a shell, the server URL written to its stdin, its JSON answer parsed
//   (Username "<token>" means an identity token). It must finish within `helper_timeout`.
//   "credentials not found" -> anonymous (debug log); helper not on PATH -> a warning and
//   anonymous; any other failure is an input error quoting the first line of its stderr.
// A registry token alone (`registrytoken`) is not used: a warning, then anonymous.
// Secrets are never logged nor put in errors.

#include <chrono>
#include <optional>
#include <string>

#include "registry/client.hpp"
#include "util/result.hpp"

namespace strata::registry {

// Where the configuration and helpers are looked for: lib/cli fills it from
// config::credential_settings.
struct CredentialEnvironment {
  std::optional<std::string> docker_config;  // $DOCKER_CONFIG
  std::optional<std::string> home;           // $HOME
  std::string path;                          // $PATH, where helpers are looked for
  std::chrono::milliseconds helper_timeout{10000};
};

// Sets out.username / out.password / out.identity_token for `domain` (Reference::domain, e.g.
// "docker.io", "127.0.0.1:5000") from the Docker configuration; leaves `out` alone when nothing
// is configured or the file does not exist. Errors (input): unreadable or invalid config.json,
// a failing helper.
util::Status apply_docker_credentials(const std::string& domain, RegistryOptions& out,
                                      const CredentialEnvironment& env);

}  // namespace strata::registry
