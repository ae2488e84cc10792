#pragma once
// Settings that come from command-line flags, environment variables and defaults, resolved into
// plain values the library receives (narrow option structs flow down; nothing below `cli` reads
// the environment).
//
// Precedence, lowest first: default < environment variable < command-line flag.
// - strata's own variables named after a flag (STRATA_DB_DIR for --db-dir, STRATA_CACHE_DIR,
//   STRATA_PLATFORM, ...) are mapped onto the flag by CLI11 in lib/cli (->envname): the flag wins
//   when both are given. The resolvers below that take a flag value read the same variable again,
//   so that they are right when called without CLI11; the origin of a value that reached the
//   flag through CLI11 reads "flag".
// - variables with no flag of their own (STRATA_CACHE_KEY, STRATA_DB_SOURCE, SOURCE_DATE_EPOCH,
//   the Docker and Podman variables, the registry credential variables, NeuVector's SCANNER_*
//   variables: config/on_demand.hpp) are read only here.
// An empty variable counts as unset unless a comment says otherwise.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/environment.hpp"
#include "util/decode.hpp"
#include "util/result.hpp"

namespace strata::config {

enum class Origin { default_value, environment, flag };

// "default", "environment", "flag".
std::string_view origin_name(Origin origin);

// A resolved value and where it came from (`source`: the variable or flag name, empty for a
// default).
template <typename T>
struct Setting {
  T value{};
  Origin origin = Origin::default_value;
  std::string source;
};

// The setting's value, after a debug log line that says where it came from:
// "database directory: /x/db (environment STRATA_DB_DIR)".
std::string logged_value(std::string_view what, Setting<std::string> setting);

// The user's cache home: $XDG_CACHE_HOME when it is an absolute path, else $HOME/.cache, else the
// home directory of the passwd entry + "/.cache", else /tmp/.cache.
std::string user_cache_home(const Environment& env);

// strata's cache directory: `flag` (--cache-dir), else STRATA_CACHE_DIR, else
// <user cache home>/strata. Registry manifests and configs live in its manifests/, layer analyses
// in its layers/.
Setting<std::string> cache_dir(const std::string& flag, const Environment& env);

// The metadata cache directory for registry::RegistryOptions: "" when `no_cache`, else
// <cache_dir>/manifests.
std::string metadata_cache_dir(const std::string& cache_dir, bool no_cache);

// The layer cache directory: <cache dir>/layers, where the cache dir is resolved by cache_dir();
// but in SCANNER_ON_DEMAND mode (`on_demand`) when neither the flag nor STRATA_CACHE_DIR names a
// directory, NeuVector's /tmp/images/caches, so that a hostPath volume shared by several scanner
// pods on a node works as it does for NeuVector.
Setting<std::string> layer_cache_dir(const std::string& flag, bool on_demand,
                                     const Environment& env);

// The vulnerability database directory: `flag` (--db-dir), else STRATA_DB_DIR, else
// <user cache home>/strata/db.
Setting<std::string> db_dir(const std::string& flag, const Environment& env);

// The layer cache's HMAC key from STRATA_CACHE_KEY (used when --cache-key-file is not given:
// cache::resolve_cache_key), nullopt when unset or empty.
std::optional<std::string> cache_key(const Environment& env);

// The gzip decoder of layers from STRATA_GZIP_DECODER: "isal", "zlib" or "auto" (unset or
// empty: auto, ISA-L where the build has it). Anything else is a usage error.
util::Result<util::GzipDecoder> gzip_decoder(const Environment& env);

// Where `strata db update` downloads from: `flag` (--source, repeated) when not empty, else the
// comma-separated STRATA_DB_SOURCE (entries trimmed, empty ones dropped), else none (the
// built-in default of vulndb).
std::vector<std::string> db_sources(const std::vector<std::string>& flag, const Environment& env);

// SOURCE_DATE_EPOCH (reproducible builds): a non-negative integer number of seconds since the
// epoch; nullopt when unset, empty or not such a number (the current time is then used).
std::optional<std::int64_t> source_date_epoch(const Environment& env);

// What locates the local container engines (docker::docker_endpoints, podman_endpoints).
struct EngineSettings {
  std::optional<std::string> docker_host;      // --docker-host, else DOCKER_HOST
  bool docker_tls_verify = false;              // DOCKER_TLS_VERIFY (Docker's convention)
  std::string docker_cert_path;                // DOCKER_CERT_PATH, else $HOME/.docker
  std::optional<std::string> container_host;   // CONTAINER_HOST (Podman)
  std::optional<std::string> xdg_runtime_dir;  // XDG_RUNTIME_DIR (rootless Podman's socket)
};
EngineSettings engine_settings(const std::string& docker_host_flag, const Environment& env);

// Where the Docker client's registry credentials are looked for (registry/credentials.hpp).
struct CredentialSettings {
  std::optional<std::string> docker_config;  // $DOCKER_CONFIG (set, even empty)
  std::optional<std::string> home;           // $HOME (set, even empty)
  std::string path;                          // $PATH if set, else /usr/local/bin:/usr/bin:/bin
};
CredentialSettings credential_settings(const Environment& env);

// SCANNER_REGISTRY_PASSWORD (NeuVector's; the user name is --username, which CLI11 reads from
// SCANNER_REGISTRY_USERNAME): the value when set, even empty.
std::optional<std::string> registry_password(const Environment& env);

}  // namespace strata::config
