#include "secret/validators.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "util/base64.hpp"

namespace strata::secret {

namespace {

// base64url (RFC 4648 §5, no padding) -> bytes.
std::optional<std::string> base64url_decode(std::string_view text) {
  std::string standard(text);
  while (!standard.empty() && standard.back() == '=') {
    standard.pop_back();
  }
  std::replace(standard.begin(), standard.end(), '-', '+');
  std::replace(standard.begin(), standard.end(), '_', '/');
  return util::base64_decode(standard);
}

bool valid_jwt(std::string_view value, std::string_view) {
  auto dot1 = value.find('.');
  if (dot1 == std::string_view::npos) {
    return false;
  }
  auto dot2 = value.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || dot2 + 1 >= value.size()) {
    return false;  // no signature: an unsecured JWT ("alg": "none") or a fragment
  }
  auto header = base64url_decode(value.substr(0, dot1));
  if (!header) {
    return false;
  }
  auto json = nlohmann::json::parse(*header, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return false;
  }
  auto alg = json.find("alg");
  if (alg == json.end() || !alg->is_string()) {
    return false;
  }
  auto name = alg->get<std::string>();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return !name.empty() && name != "none";
}

bool valid_docker_auth(std::string_view value, std::string_view) {
  auto decoded = util::base64_decode(value);
  if (!decoded) {
    return false;
  }
  auto colon = decoded->find(':');
  return colon != std::string::npos && colon > 0 && colon + 1 < decoded->size();
}

bool has_pkcs12_key_bag(std::string_view, std::string_view content) {
  // 1.2.840.113549.1.12.10.1 (pkcs-12 bagtypes): 06 0B 2A 86 48 86 F7 0D 01 0C 0A 01, then 01
  // (keyBag) or 02 (pkcs8ShroudedKeyBag).
  static constexpr char k_bag_types[] = "\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x0a\x01";
  std::string_view oid(k_bag_types, sizeof(k_bag_types) - 1);
  for (auto pos = content.find(oid); pos != std::string_view::npos;
       pos = content.find(oid, pos + 1)) {
    auto next = pos + oid.size();
    if (next < content.size() && (content[next] == '\x01' || content[next] == '\x02')) {
      return true;
    }
  }
  return false;
}

}  // namespace

Validator find_validator(std::string_view name) {
  if (name == "jwt") {
    return valid_jwt;
  }
  if (name == "docker-auth") {
    return valid_docker_auth;
  }
  if (name == "pkcs12-key") {
    return has_pkcs12_key_bag;
  }
  return nullptr;
}

}  // namespace strata::secret
