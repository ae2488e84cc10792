#pragma once
// A tiny OCI Distribution registry over TestHttpServer for unit tests: serves the images of an
// OCI layout directory (tags from `org.opencontainers.image.ref.name`) under one repository, with
// optional Basic or Bearer auth and a hook to corrupt responses. Header-only (std + nlohmann).

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/test_http_server.hpp"

namespace strata::test {

struct FakeRegistryConfig {
  std::string layout_dir;
  std::string repository = "strata/alpine";
  // "none", "basic" (expects basic_header) or "bearer" (expects "Bearer " + token, challenge
  // points at token_realm).
  std::string auth = "none";
  std::string basic_header{};  // "Basic dXNlcjpwYXNz"
  std::string token_realm{};
  std::string token{};
  // Called with (path, body) before a manifest or blob body is sent; may change the body.
  std::function<void(const std::string&, std::string&)> tamper{};
};

class FakeRegistry {
 public:
  explicit FakeRegistry(FakeRegistryConfig config) : m_config(std::move(config)) {
    std::ifstream in(m_config.layout_dir + "/index.json");
    auto index = nlohmann::json::parse(in);
    for (const auto& m : index["manifests"]) {
      auto ann = m.value("annotations", nlohmann::json::object());
      if (ann.contains("org.opencontainers.image.ref.name")) {
        m_tags[ann["org.opencontainers.image.ref.name"].get<std::string>()] =
            m["digest"].get<std::string>();
      }
    }
    m_server = TestHttpServer::start_tcp([this](const RecordedRequest& r) { return handle(r); });
  }

  // The bearer token accepted from now on (an earlier one then gets 401, as when it expires).
  void set_token(std::string token) {
    std::lock_guard lock(m_mutex);
    m_config.token = std::move(token);
  }

  std::string host() const { return "127.0.0.1:" + std::to_string(m_server->port()); }
  TestHttpServer& server() { return *m_server; }

 private:
  static std::string read_blob(const std::string& dir, const std::string& digest) {
    auto colon = digest.find(':');
    if (colon == std::string::npos || digest.find('/') != std::string::npos) {
      return {};
    }
    std::ifstream in(dir + "/blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1),
                     std::ios::binary);
    if (!in) {
      return {};
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  ScriptedResponse unauthorized() const {
    ScriptedResponse r = text_response(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
    if (m_config.auth == "basic") {
      r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"fake\"");
    } else {
      r.headers.emplace_back(
          "WWW-Authenticate",
          "Bearer realm=\"" + m_config.token_realm +
              "\",service=\"fake-registry\",scope=\"repository:" + m_config.repository + ":pull\"");
    }
    return r;
  }

  ScriptedResponse handle(const RecordedRequest& r) {
    if (m_config.auth != "none") {
      std::lock_guard lock(m_mutex);
      std::string want =
          m_config.auth == "basic" ? m_config.basic_header : "Bearer " + m_config.token;
      if (r.header("Authorization").value_or("") != want) {
        return unauthorized();
      }
    }
    std::string path = r.target.substr(0, r.target.find('?'));
    if (path == "/v2/") {
      return text_response(200, "{}");
    }
    const std::string prefix = "/v2/" + m_config.repository + "/";
    if (path.rfind(prefix, 0) != 0) {
      return text_response(404, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\"}]}");
    }
    std::string rest = path.substr(prefix.size());
    bool manifest = rest.rfind("manifests/", 0) == 0;
    bool blob = rest.rfind("blobs/", 0) == 0;
    if (!manifest && !blob) {
      return text_response(404, "{}");
    }
    std::string ref = rest.substr(manifest ? 10 : 6);
    std::string digest = ref;
    if (manifest && ref.rfind("sha256:", 0) != 0) {
      auto it = m_tags.find(ref);
      if (it == m_tags.end()) {
        return text_response(404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}");
      }
      digest = it->second;
    }
    std::string body = read_blob(m_config.layout_dir, digest);
    if (body.empty()) {
      return text_response(404, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\"}]}");
    }
    ScriptedResponse resp;
    resp.status = 200;
    resp.headers.emplace_back("Docker-Content-Digest", digest);
    if (manifest) {
      auto doc = nlohmann::json::parse(body);
      resp.headers.emplace_back("Content-Type", doc.value("mediaType", ""));
    } else {
      resp.headers.emplace_back("Content-Type", "application/octet-stream");
    }
    if (m_config.tamper) {
      m_config.tamper(path, body);
    }
    resp.body = r.method == "HEAD" ? std::string() : std::move(body);
    return resp;
  }

  std::mutex m_mutex;  // guards m_config.token
  FakeRegistryConfig m_config;
  std::map<std::string, std::string> m_tags;
  std::unique_ptr<TestHttpServer> m_server;
};

}  // namespace strata::test
