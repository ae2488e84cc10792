#include "docker/engine.hpp"

#include <sys/stat.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "http/pull_stream.hpp"
#include "image/manifest.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

namespace strata::docker {

namespace {

using json = nlohmann::json;

constexpr std::uint64_t k_max_json = 16u << 20;

util::Error usage(std::string message) {
  return util::Error{util::ErrorCategory::usage, std::move(message)};
}

// Percent-encodes what may not appear raw in a path segment run; '/' ':' '@' stay (the engine
// routes /images/{name}/json with slashes in the name).
std::string encode_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || std::strchr("-._~/:@", c) != nullptr) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

std::string string_at(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> strings_at(const json& doc, const char* key) {
  std::vector<std::string> out;
  auto it = doc.find(key);
  if (it != doc.end() && it->is_array()) {
    for (const auto& v : *it) {
      if (v.is_string()) {
        out.push_back(v.get<std::string>());
      }
    }
  }
  return out;
}

}  // namespace

int compare_api_versions(std::string_view a, std::string_view b) {
  auto parts = [](std::string_view v) {
    std::vector<long> out;
    for (auto p : util::split(v, '.')) {
      long n = 0;
      std::from_chars(p.data(), p.data() + p.size(), n);
      out.push_back(n);
    }
    return out;
  };
  auto pa = parts(a);
  auto pb = parts(b);
  for (std::size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
    long x = i < pa.size() ? pa[i] : 0;
    long y = i < pb.size() ? pb[i] : 0;
    if (x != y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

util::Result<Endpoint> parse_endpoint(std::string_view text, bool tls_verify,
                                      const std::string& cert_path) {
  std::string_view t = util::trim(text);
  Endpoint e;
  e.display = std::string(t);
  if (t.empty()) {
    return usage("empty Docker host");
  }
  if (t.starts_with("unix://") || t.front() == '/') {
    e.unix_socket = std::string(t.starts_with("unix://") ? t.substr(7) : t);
    if (e.unix_socket.empty() || e.unix_socket.front() != '/') {
      return usage(fmt::format("{}: a unix socket needs an absolute path", t));
    }
    e.base_url = "http://localhost";
    e.display = "unix://" + e.unix_socket;
    return e;
  }
  if (t.starts_with("tcp://") || t.starts_with("http://") || t.starts_with("https://")) {
    std::string_view rest = t.substr(t.find("://") + 3);
    while (!rest.empty() && rest.back() == '/') {
      rest.remove_suffix(1);
    }
    auto colon = rest.rfind(':');
    if (rest.empty() || rest.find('/') != std::string_view::npos ||
        colon == std::string_view::npos || colon + 1 == rest.size()) {
      return usage(fmt::format("{}: expected tcp://HOST:PORT", t));
    }
    bool tls = t.starts_with("https://") || (tls_verify && !t.starts_with("http://"));
    e.base_url = fmt::format("{}://{}", tls ? "https" : "http", rest);
    if (tls && !cert_path.empty()) {
      const std::string& dir = cert_path;
      auto exists = [](const std::string& p) { return ::access(p.c_str(), R_OK) == 0; };
      if (exists(dir + "/ca.pem")) {
        e.ca_file = dir + "/ca.pem";
      }
      if (exists(dir + "/cert.pem") && exists(dir + "/key.pem")) {
        e.client_cert = dir + "/cert.pem";
        e.client_key = dir + "/key.pem";
      }
    }
    return e;
  }
  return usage(fmt::format(
      "{}: unsupported Docker host (use unix:///path/to/socket or tcp://host:port)", t));
}

util::Result<std::vector<Endpoint>> docker_endpoints(const std::optional<std::string>& configured,
                                                     bool tls_verify,
                                                     const std::string& cert_path) {
  std::vector<Endpoint> out;
  if (configured && !configured->empty()) {
    TRY_ASSIGN(Endpoint e, parse_endpoint(*configured, tls_verify, cert_path));
    out.push_back(std::move(e));
    return out;
  }
  out.push_back(*parse_endpoint(k_default_socket));
  return out;
}

util::Result<std::vector<Endpoint>> podman_endpoints(
    const std::optional<std::string>& container_host,
    const std::optional<std::string>& xdg_runtime_dir) {
  std::vector<Endpoint> out;
  if (container_host && !container_host->empty()) {
    TRY_ASSIGN(Endpoint e, parse_endpoint(*container_host));
    out.push_back(std::move(e));
    return out;
  }
  if (xdg_runtime_dir && !xdg_runtime_dir->empty() && xdg_runtime_dir->front() == '/') {
    out.push_back(*parse_endpoint(*xdg_runtime_dir + "/podman/podman.sock"));
  }
  out.push_back(*parse_endpoint("/run/podman/podman.sock"));
  return out;
}

util::Result<ImageInspect> parse_inspect(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return util::input_error("image inspect: not a JSON object");
  }
  ImageInspect out;
  out.id = string_at(doc, "Id");
  if (out.id.empty()) {
    return util::input_error("image inspect: no Id");
  }
  if (out.id.find(':') == std::string::npos) {
    out.id = "sha256:" + out.id;  // older engines
  }
  out.repo_tags = strings_at(doc, "RepoTags");
  out.repo_digests = strings_at(doc, "RepoDigests");
  auto rootfs = doc.find("RootFS");
  if (rootfs == doc.end() || !rootfs->is_object() || !rootfs->contains("Layers")) {
    return util::input_error("image inspect: no RootFS.Layers");
  }
  out.diff_ids = strings_at(*rootfs, "Layers");
  out.created = string_at(doc, "Created");
  out.author = string_at(doc, "Author");
  if (auto cfg = doc.find("Config"); cfg != doc.end() && cfg->is_object()) {
    out.env = strings_at(*cfg, "Env");
    out.user = string_at(*cfg, "User");
    if (auto hc = cfg->find("Healthcheck"); hc != cfg->end()) {
      out.healthcheck = image::healthcheck_set(*hc);
    }
    if (auto labels = cfg->find("Labels"); labels != cfg->end() && labels->is_object()) {
      for (const auto& [k, v] : labels->items()) {
        if (v.is_string()) {
          out.labels.emplace_back(k, v.get<std::string>());
        }
      }
      std::sort(out.labels.begin(), out.labels.end());
    }
  }
  out.os = string_at(doc, "Os");
  out.architecture = string_at(doc, "Architecture");
  out.variant = string_at(doc, "Variant");
  return out;
}

util::Result<std::vector<HistoryEntry>> parse_history(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_array()) {
    return util::input_error("image history: not a JSON array");
  }
  std::vector<HistoryEntry> out;
  for (auto it = doc.rbegin(); it != doc.rend(); ++it) {
    if (!it->is_object()) {
      continue;
    }
    HistoryEntry e;
    e.created_by = string_at(*it, "CreatedBy");
    auto size = it->find("Size");
    e.empty_layer = size != it->end() && size->is_number() && size->get<double>() == 0;
    out.push_back(std::move(e));
  }
  return out;
}

struct EngineClient::Impl {
  Endpoint endpoint;
  http::ClientOptions options;
  http::Client client;
  std::string api_version;
  std::string engine_name = "docker";

  Impl(Endpoint e, http::ClientOptions o)
      : endpoint(std::move(e)), options(std::move(o)), client(with_endpoint(options, endpoint)) {}

  static http::ClientOptions with_endpoint(http::ClientOptions o, const Endpoint& e) {
    o.unix_socket = e.unix_socket;
    if (!e.ca_file.empty()) {
      o.ca_file = e.ca_file;
    }
    o.client_cert = e.client_cert;
    o.client_key = e.client_key;
    return o;
  }

  std::string url(std::string_view path) const {
    return api_version.empty() ? endpoint.base_url + std::string(path)
                               : fmt::format("{}/v{}{}", endpoint.base_url, api_version, path);
  }

  // A transport failure with the hint a user in a container needs.
  util::Error unreachable(const util::Error& e) const {
    std::string hint;
    if (!endpoint.unix_socket.empty()) {
      struct stat st {};
      if (::stat(endpoint.unix_socket.c_str(), &st) != 0) {
        hint = fmt::format("{}: {}; mount the engine's socket into the container (-v {}:{})",
                           endpoint.unix_socket, std::strerror(errno), endpoint.unix_socket,
                           endpoint.unix_socket);
      } else if (::access(endpoint.unix_socket.c_str(), R_OK | W_OK) != 0) {
        hint = fmt::format(
            "{}: permission denied; run as a user in the socket's group (gid {}) or as root",
            endpoint.unix_socket, st.st_gid);
      }
    }
    return util::make_error(util::ErrorCategory::network, "cannot reach the engine at {}: {}",
                            endpoint.display, hint.empty() ? e.message : hint);
  }

  util::Result<http::Response> get(std::string_view path, std::uint64_t max_body) {
    http::Request req;
    req.url = url(path);
    auto resp = client.fetch(req, max_body);
    if (!resp) {
      return unreachable(resp.error());
    }
    return std::move(resp).value();
  }
};

EngineClient::EngineClient(Endpoint endpoint, http::ClientOptions options)
    : m_impl(std::make_unique<Impl>(std::move(endpoint), std::move(options))) {}
EngineClient::~EngineClient() = default;
EngineClient::EngineClient(EngineClient&&) noexcept = default;
EngineClient& EngineClient::operator=(EngineClient&&) noexcept = default;

const std::string& EngineClient::api_version() const {
  return m_impl->api_version;
}
const std::string& EngineClient::engine_name() const {
  return m_impl->engine_name;
}
const Endpoint& EngineClient::endpoint() const {
  return m_impl->endpoint;
}

util::Status EngineClient::connect() {
  m_impl->api_version.clear();
  TRY_ASSIGN(http::Response ping, m_impl->get("/_ping", 4096));
  if (ping.status != 200) {
    return util::make_error(util::ErrorCategory::network,
                            "{}: not a Docker engine (/_ping answered HTTP {})",
                            m_impl->endpoint.display, ping.status);
  }
  if (auto server = ping.header("Server"); server && server->find("Libpod") != std::string::npos) {
    m_impl->engine_name = "podman";
  }
  TRY_ASSIGN(http::Response version, m_impl->get("/version", 1u << 20));
  json doc = json::parse(version.body, nullptr, false);
  std::string api = doc.is_object() ? string_at(doc, "ApiVersion") : std::string();
  if (api.empty()) {
    api = ping.header("Api-Version").value_or("");
  }
  if (api.empty()) {
    return util::make_error(util::ErrorCategory::network,
                            "{}: the engine did not say its API version", m_impl->endpoint.display);
  }
  if (compare_api_versions(api, k_min_api_version) < 0) {
    return util::make_error(util::ErrorCategory::network,
                            "{}: engine too old (API {}, strata needs {} or later)",
                            m_impl->endpoint.display, api, k_min_api_version);
  }
  if (doc.is_object()) {
    for (const auto& c : doc.value("Components", json::array())) {
      if (c.is_object() && string_at(c, "Name").find("Podman") != std::string::npos) {
        m_impl->engine_name = "podman";
      }
    }
  }
  m_impl->api_version =
      compare_api_versions(api, k_max_api_version) > 0 ? std::string(k_max_api_version) : api;
  LOG_DEBUG("engine {} ({}): API {}", m_impl->endpoint.display, m_impl->engine_name,
            m_impl->api_version);
  return {};
}

util::Result<std::optional<ImageInspect>> EngineClient::inspect(const std::string& name) {
  TRY_ASSIGN(http::Response resp,
             m_impl->get("/images/" + encode_name(name) + "/json", k_max_json));
  if (resp.status == 404) {
    return std::optional<ImageInspect>{};
  }
  if (resp.status != 200) {
    return util::make_error(util::ErrorCategory::network, "{}: inspecting {}: HTTP {}",
                            m_impl->endpoint.display, name, resp.status);
  }
  auto parsed = parse_inspect(resp.body);
  if (!parsed) {
    return parsed.error().wrap(fmt::format("{}: {}", m_impl->endpoint.display, name));
  }
  return std::optional<ImageInspect>(std::move(*parsed));
}

util::Result<std::vector<HistoryEntry>> EngineClient::history(const std::string& name) {
  TRY_ASSIGN(http::Response resp,
             m_impl->get("/images/" + encode_name(name) + "/history", k_max_json));
  if (resp.status != 200) {
    return util::make_error(util::ErrorCategory::network, "{}: history of {}: HTTP {}",
                            m_impl->endpoint.display, name, resp.status);
  }
  auto parsed = parse_history(resp.body);
  if (!parsed) {
    return parsed.error().wrap(fmt::format("{}: {}", m_impl->endpoint.display, name));
  }
  return parsed;
}

util::Result<std::unique_ptr<util::InputStream>> EngineClient::export_image(const std::string& name,
                                                                            std::size_t buffer) {
  http::Request req;
  req.url = m_impl->url("/images/" + encode_name(name) + "/get");
  std::string what = fmt::format("{} export of {}", m_impl->endpoint.display, name);
  http::ClientOptions options = Impl::with_endpoint(m_impl->options, m_impl->endpoint);
  // An export is built by the engine before its first byte (Podman and Docker's classic store
  // write it to a temp file first): allow it time.
  options.stall_timeout = std::max(options.stall_timeout, std::chrono::milliseconds(600000));
  http::Producer producer = [req, what, options](const http::PushSink& sink,
                                                 std::stop_token stop) mutable -> util::Status {
    req.stop = std::move(stop);  // a reader that goes away aborts the export at once
    http::Client client(options);
    TRY_ASSIGN(http::Response resp, client.stream(req, sink));
    if (resp.status != 200) {
      return util::make_error(util::ErrorCategory::network, "{}: HTTP {}", what, resp.status);
    }
    return {};
  };
  return std::unique_ptr<util::InputStream>(
      std::make_unique<http::PullStream>(what, std::move(producer), buffer));
}

}  // namespace strata::docker
