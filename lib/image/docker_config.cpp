#include "image/docker_config.hpp"

#include <cstdint>

#include <nlohmann/json.hpp>

#include "util/base64.hpp"
#include "util/strings.hpp"

namespace strata::image {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view k_hub_index_url = "https://index.docker.io/v1/";

bool is_hub(std::string_view host) {
  return host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io";
}

// Line and column (1-based) of a byte offset, for JSON errors that must not quote the text.
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// Parses JSON text; on failure an error with position only (nlohmann's own message quotes the
// last token read, which may be a secret).
util::Result<Json> parse_json(std::string_view text, std::string_view what) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    auto [line, column] = line_column(text, e.byte > 0 ? e.byte - 1 : 0);
    return util::input_error("{}: not valid JSON (line {}, column {})", what, line, column);
  } catch (const nlohmann::json::exception&) {
    // A number out of range (406: "1e400") is not a parse_error (found by fuzz/auth.cpp).
    return util::input_error("{}: not valid JSON (a number out of range)", what);
  }
}

// Reads an optional string member; an error when present with another type.
util::Status read_string(const Json& object, const char* member, std::string& out,
                         std::string_view origin, std::string_view where) {
  auto it = object.find(member);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) {
    return util::input_error("{}: {}.{} must be a string", origin, where, member);
  }
  out = it->get<std::string>();
  return {};
}

util::Result<Credential> read_auth_entry(const Json& entry, std::string_view origin,
                                         std::string_view where) {
  if (!entry.is_object()) return util::input_error("{}: {} must be an object", origin, where);
  Credential cred;
  std::string auth;
  TRY(read_string(entry, "auth", auth, origin, where));
  TRY(read_string(entry, "username", cred.username, origin, where));
  TRY(read_string(entry, "password", cred.password, origin, where));
  TRY(read_string(entry, "identitytoken", cred.identity_token, origin, where));
  TRY(read_string(entry, "registrytoken", cred.registry_token, origin, where));
  if (!auth.empty()) {
    auto decoded = util::base64_decode(auth);
    if (!decoded) return util::input_error("{}: {}.auth is not valid base64", origin, where);
    auto colon = decoded->find(':');
    if (colon == std::string::npos) {
      return util::input_error("{}: {}.auth does not decode to user:password", origin, where);
    }
    cred.username = decoded->substr(0, colon);
    // Docker trims NUL padding some tools leave around the password.
    std::string password = decoded->substr(colon + 1);
    auto b = password.find_first_not_of('\0');
    auto e = password.find_last_not_of('\0');
    cred.password = b == std::string::npos ? std::string() : password.substr(b, e - b + 1);
  }
  return cred;
}

}  // namespace

std::string normalize_registry_key(std::string_view key_or_url) {
  std::string_view s = util::trim(key_or_url);
  if (auto sep = s.find("://"); sep != std::string_view::npos) s.remove_prefix(sep + 3);
  if (auto slash = s.find('/'); slash != std::string_view::npos) s = s.substr(0, slash);
  std::string host = util::to_lower(s);
  if (is_hub(host)) return "docker.io";
  return host;
}

util::Result<DockerConfig> DockerConfig::parse(std::string_view json_text,
                                               std::string_view origin) {
  TRY_ASSIGN(Json doc, parse_json(json_text, origin));
  if (!doc.is_object()) return util::input_error("{}: not a JSON object", origin);
  DockerConfig config;

  if (auto auths = doc.find("auths"); auths != doc.end() && !auths->is_null()) {
    if (!auths->is_object()) return util::input_error("{}: auths must be an object", origin);
    for (auto it = auths->begin(); it != auths->end(); ++it) {
      std::string where = fmt::format("auths[\"{}\"]", it.key());
      TRY_ASSIGN(Credential cred, read_auth_entry(it.value(), origin, where));
      config.m_auths.push_back({it.key(), normalize_registry_key(it.key()), std::move(cred)});
    }
  }
  if (auto helpers = doc.find("credHelpers"); helpers != doc.end() && !helpers->is_null()) {
    if (!helpers->is_object()) {
      return util::input_error("{}: credHelpers must be an object", origin);
    }
    for (auto it = helpers->begin(); it != helpers->end(); ++it) {
      if (!it->is_string()) {
        return util::input_error("{}: credHelpers[\"{}\"] must be a string", origin, it.key());
      }
      config.m_helpers.push_back(
          {it.key(), normalize_registry_key(it.key()), it->get<std::string>()});
    }
  }
  std::string where = "config";
  TRY(read_string(doc, "credsStore", config.m_creds_store, origin, where));
  return config;
}

CredentialSource DockerConfig::lookup(std::string_view registry) const {
  std::string wanted = normalize_registry_key(registry);
  // An entry with a credential beats a `{}` placeholder left by a credential store; then the
  // exact spelling beats another that normalises the same; then file order.
  const AuthEntry* auth = nullptr;
  for (int pass = 0; pass < 4 && auth == nullptr; ++pass) {
    const bool need_credential = pass < 2, need_exact = pass % 2 == 0;
    for (const auto& entry : m_auths) {
      if (need_credential && entry.credential.empty()) continue;
      if (need_exact ? entry.key == registry : entry.normalized == wanted) {
        auth = &entry;
        break;
      }
    }
  }
  // What a helper is asked for: the key recorded at login, else Docker's own key.
  auto server_url = [&]() -> std::string {
    if (auth != nullptr) return auth->key;
    if (wanted == "docker.io") return std::string(k_hub_index_url);
    return wanted;
  };

  CredentialSource source;
  const HelperEntry* helper = nullptr;
  for (const auto& entry : m_helpers) {
    if (entry.key == registry) {
      helper = &entry;
      break;
    }
  }
  for (const auto& entry : m_helpers) {
    if (helper == nullptr && entry.normalized == wanted) helper = &entry;
  }
  if (helper != nullptr && !helper->helper.empty()) {
    source.kind = CredentialSource::Kind::helper;
    source.helper = helper->helper;
    source.server_url = server_url();
    return source;
  }
  if (!m_creds_store.empty()) {
    source.kind = CredentialSource::Kind::helper;
    source.helper = m_creds_store;
    source.server_url = server_url();
    return source;
  }
  if (auth != nullptr && !auth->credential.empty()) {
    source.kind = CredentialSource::Kind::inline_auth;
    source.credential = auth->credential;
  }
  return source;
}

std::optional<std::string> docker_config_path(std::optional<std::string_view> docker_config_env,
                                              std::optional<std::string_view> home_env) {
  auto join = [](std::string_view dir, std::string_view rest) {
    std::string out(dir);
    if (out.empty() || out.back() != '/') out += '/';
    return out + std::string(rest);
  };
  if (docker_config_env && !docker_config_env->empty()) {
    return join(*docker_config_env, "config.json");
  }
  if (home_env && !home_env->empty()) return join(*home_env, ".docker/config.json");
  return std::nullopt;
}

util::Result<Credential> parse_helper_output(std::string_view output, std::string_view helper) {
  std::string what = fmt::format("docker-credential-{} output", helper);
  TRY_ASSIGN(Json doc, parse_json(output, what));
  if (!doc.is_object()) return util::input_error("{}: not a JSON object", what);
  std::string username, secret;
  std::string where = "object";
  TRY(read_string(doc, "Username", username, what, where));
  TRY(read_string(doc, "Secret", secret, what, where));
  if (secret.empty()) return util::input_error("{}: no Secret", what);
  Credential cred;
  if (username == "<token>") {
    cred.identity_token = std::move(secret);
  } else {
    cred.username = std::move(username);
    cred.password = std::move(secret);
  }
  return cred;
}

bool is_helper_not_found(std::string_view output) {
  return util::trim(output) == "credentials not found in native keychain";
}

}  // namespace strata::image
