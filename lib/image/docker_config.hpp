#pragma once
// Registry credentials from a Docker client configuration (config.json), without touching the
// file system or running anything: the caller reads the file and, when told to, runs the
// credential helper, then hands its output back to parse_helper_output().
//
// config.json shapes understood:
//   {"auths": {"<key>": {"auth": "<base64 user:password>", "identitytoken": "...",
//                        "registrytoken": "...", "username": "...", "password": "..."}},
//    "credHelpers": {"<key>": "<helper>"}, "credsStore": "<helper>"}
// <key> is a host ("ghcr.io", "localhost:5000") or a URL ("https://index.docker.io/v1/",
// "http://127.0.0.1:5000"). Keys are compared after normalisation: scheme and path dropped,
// lower-cased, and Docker Hub's names (docker.io, index.docker.io, registry-1.docker.io) all
// become "docker.io". Unknown members (HttpHeaders, proxies, ...) are ignored.
//
// Which source wins (as the Docker CLI does): credHelpers[registry], else credsStore (for every
// registry), else auths[registry], else anonymous.
//
// Secrets never appear in error messages or in str()-like output.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace strata::image {

struct Credential {
  std::string username;
  std::string password;
  // OAuth2 refresh token from `docker login` with SSO; exchanged at the token endpoint
  // (POST grant_type=refresh_token) rather than sent as Basic auth.
  std::string identity_token;
  // A bearer token to send to the registry as is.
  std::string registry_token;

  bool empty() const {
    return username.empty() && password.empty() && identity_token.empty() && registry_token.empty();
  }
  friend bool operator==(const Credential&, const Credential&) = default;
};

// What lookup() found for one registry.
struct CredentialSource {
  enum class Kind {
    anonymous,    // nothing configured
    inline_auth,  // `credential` comes from config.json itself
    helper,       // run `<program()> get`, write `server_url` + "\n" to its stdin
  };
  Kind kind = Kind::anonymous;
  Credential credential;   // inline_auth only
  std::string helper;      // helper only: "desktop", "pass", "ecr-login", ...
  std::string server_url;  // helper only: the key the helper stores the secret under

  // "docker-credential-<helper>"
  std::string program() const { return "docker-credential-" + helper; }
};

// "docker.io" for Docker Hub's names; otherwise host[:port] lower-cased, scheme and path dropped.
std::string normalize_registry_key(std::string_view key_or_url);

class DockerConfig {
 public:
  // Parses config.json text. `origin` (normally the file path) names the file in errors:
  // "<origin>: not valid JSON (line 3, column 7)", "<origin>: auths[\"ghcr.io\"].auth is not
  // valid base64". An input error; never contains a secret.
  static util::Result<DockerConfig> parse(std::string_view json_text, std::string_view origin);

  // Where credentials for `registry` (a host[:port] such as Reference::domain or
  // registry_host(), or a URL) come from.
  CredentialSource lookup(std::string_view registry) const;

  const std::string& creds_store() const { return m_creds_store; }
  std::size_t auth_count() const { return m_auths.size(); }

 private:
  struct AuthEntry {
    std::string key;         // as written in the file
    std::string normalized;  // normalize_registry_key(key)
    Credential credential;
  };
  struct HelperEntry {
    std::string key;
    std::string normalized;
    std::string helper;
  };
  std::vector<AuthEntry> m_auths;
  std::vector<HelperEntry> m_helpers;
  std::string m_creds_store;
};

// The path of config.json: "$DOCKER_CONFIG/config.json" when DOCKER_CONFIG is set and
// non-empty, else "$HOME/.docker/config.json"; nullopt when neither is set.
std::optional<std::string> docker_config_path(std::optional<std::string_view> docker_config_env,
                                              std::optional<std::string_view> home_env);

// Parses what `docker-credential-<helper> get` prints on success:
// {"ServerURL": "...", "Username": "...", "Secret": "..."}. Username "<token>" means Secret is
// an identity token. An input error naming `helper` (never the secret) on bad output.
util::Result<Credential> parse_helper_output(std::string_view output, std::string_view helper);

// True when a helper's failure output says it holds nothing for that server
// ("credentials not found in native keychain"): the registry is then used anonymously.
bool is_helper_not_found(std::string_view output);

}  // namespace strata::image
