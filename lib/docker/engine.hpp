#pragma once
// A client for the Docker Engine API (and Podman's Docker-compatible service), for the three
// calls an image scan needs: /_ping + /version (API version negotiation), /images/{name}/json
// (inspect: id, tags, diff_ids) and /images/{name}/get (export: a `docker save` tarball, which
// export_image streams without a temporary copy).
//
// Endpoints, as DOCKER_HOST writes them:
//   unix:///var/run/docker.sock      HTTP over a unix socket
//   tcp://host:port                  plain HTTP, or HTTPS with DOCKER_TLS_VERIFY / tls_verify,
//                                    client certificate DOCKER_CERT_PATH/{cert,key,ca}.pem
//   /path/to/socket                  a bare path is a unix socket
// Where each engine is looked for: Docker at the given host (--docker-host, SCANNER_DOCKER_URL,
// DOCKER_HOST) or /var/run/docker.sock; Podman at CONTAINER_HOST, or its rootless socket
// $XDG_RUNTIME_DIR/podman/podman.sock, then the rootful /run/podman/podman.sock.
//
// API version: the lower of the engine's ApiVersion and k_max_api_version; an engine whose
// ApiVersion is below k_min_api_version is "too old". Requests then go to /v<version>/....
//
// Errors are one line, category `network` (exit 3): a missing socket or a refused connection
// ("cannot reach the engine at unix:///var/run/docker.sock: ... (mount the socket into the
// container: -v /var/run/docker.sock:/var/run/docker.sock)"), permission denied (with the same
// hint and the socket's group), an engine that is too old, an image that is not there ("image
// not found in the engine at ...").

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/client.hpp"
#include "util/result.hpp"
#include "util/stream.hpp"

namespace strata::docker {

inline constexpr std::string_view k_min_api_version = "1.24";
inline constexpr std::string_view k_max_api_version = "1.45";
inline constexpr std::string_view k_default_socket = "/var/run/docker.sock";

struct Endpoint {
  std::string unix_socket;  // set for unix:// and bare paths
  std::string base_url;     // "http://localhost" for a socket, "http(s)://host:port" for tcp
  std::string ca_file, client_cert, client_key;  // tcp with TLS
  std::string display;  // as the user would write it: "unix:///var/run/docker.sock"
};

// Parses a DOCKER_HOST-style value. `tls_verify`: HTTPS for tcp:// (DOCKER_TLS_VERIFY);
// `cert_path`: directory of ca.pem, cert.pem, key.pem (config::engine_settings resolves
// DOCKER_CERT_PATH, else ~/.docker); empty: no CA file nor client certificate.
// Errors (usage): empty, npipe:// or ssh:// (not supported), a tcp:// without a port.
util::Result<Endpoint> parse_endpoint(std::string_view text, bool tls_verify = false,
                                      const std::string& cert_path = {});

// The Docker engine: `configured` when set, else /var/run/docker.sock. A `configured` value that
// does not parse is an error.
util::Result<std::vector<Endpoint>> docker_endpoints(const std::optional<std::string>& configured,
                                                     bool tls_verify, const std::string& cert_path);
// Podman's service: `container_host` (CONTAINER_HOST) when set, else the rootless socket under
// `xdg_runtime_dir`, then /run/podman/podman.sock.
util::Result<std::vector<Endpoint>> podman_endpoints(
    const std::optional<std::string>& container_host,
    const std::optional<std::string>& xdg_runtime_dir);

struct ImageInspect {
  std::string id;  // "sha256:..." (the config digest)
  std::vector<std::string> repo_tags;
  std::vector<std::string> repo_digests;
  std::vector<std::string> diff_ids;  // RootFS.Layers, bottom-up
  std::string os, architecture, variant;
  std::string created, author;                              // RFC 3339
  std::vector<std::string> env;                             // Config.Env
  std::vector<std::pair<std::string, std::string>> labels;  // Config.Labels, sorted
  std::string user;                                         // Config.User
  bool healthcheck = false;  // Config.Healthcheck sets a test (image::healthcheck_set)
};

// One step of /images/{name}/history, oldest first.
struct HistoryEntry {
  std::string created_by;
  bool empty_layer = false;  // Size 0: a step that added no layer
};
// Parses an /images/{name}/history answer (newest first on the wire).
util::Result<std::vector<HistoryEntry>> parse_history(std::string_view json);

// Parses an /images/{name}/json answer. Errors (input): not JSON, no Id, RootFS.Layers missing.
util::Result<ImageInspect> parse_inspect(std::string_view json);

class EngineClient {
 public:
  EngineClient(Endpoint endpoint, http::ClientOptions options = {});
  ~EngineClient();
  EngineClient(EngineClient&&) noexcept;
  EngineClient& operator=(EngineClient&&) noexcept;

  // /_ping then /version: sets the API version used by later calls. Also tells Docker from
  // Podman (engine_name()).
  util::Status connect();
  const std::string& api_version() const;
  // "docker" or "podman" (from /version's Components / Server header), after connect().
  const std::string& engine_name() const;
  const Endpoint& endpoint() const;

  // nullopt when the engine has no image by that name (HTTP 404).
  util::Result<std::optional<ImageInspect>> inspect(const std::string& name);
  // The build history of `name`, oldest first (for an image whose layers all come from the
  // layer cache, so that no export is needed).
  util::Result<std::vector<HistoryEntry>> history(const std::string& name);

  // The `docker save` export of `name` as a stream: the transfer runs on its own thread into a
  // bounded buffer (`buffer` bytes), read as it arrives; nothing is written to disk. An HTTP
  // error surfaces from read().
  util::Result<std::unique_ptr<util::InputStream>> export_image(const std::string& name,
                                                                std::size_t buffer = 4u << 20);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// "1.41" < "1.45": compares dotted API versions numerically.
int compare_api_versions(std::string_view a, std::string_view b);

}  // namespace strata::docker
