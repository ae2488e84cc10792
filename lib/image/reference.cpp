#include "image/reference.hpp"

#include <charconv>

#include "util/strings.hpp"

namespace strata::image {
namespace {

constexpr std::string_view k_legacy_hub_domain = "index.docker.io";
constexpr std::string_view k_official_prefix = "library/";

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_lower_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f');
}
bool is_word(char c) {
  return is_alnum(c) || c == '_';
}

bool has_upper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

util::Error format_error(std::string_view detail) {
  return util::make_error(util::ErrorCategory::usage, "invalid reference format: {}", detail);
}

// The grammar did not match; upstream says just "invalid reference format".
util::Error syntax_error(std::string_view text) {
  return util::make_error(util::ErrorCategory::usage,
                          "invalid reference format: \"{}\" is not [registry/]name[:tag][@digest]",
                          text);
}

// alnum+ (separator alnum+)*, separator := "." | "_" | "__" | "-"+
bool is_path_component(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (!is_lower_alnum(s[i])) return false;
    while (i < s.size() && is_lower_alnum(s[i])) ++i;
    if (i == s.size()) return true;
    // separator
    if (s[i] == '.') {
      ++i;
    } else if (s[i] == '_') {
      ++i;
      if (i < s.size() && s[i] == '_') ++i;
    } else if (s[i] == '-') {
      while (i < s.size() && s[i] == '-') ++i;
    } else {
      return false;
    }
    if (i == s.size()) return false;  // separator must be followed by alnum
  }
  return !s.empty();
}

bool is_path(std::string_view s) {
  if (s.empty()) return false;
  for (std::string_view part : util::split(s, '/')) {
    if (!is_path_component(part)) return false;
  }
  return true;
}

// Whether the first "/"-separated component of a reference names its domain (Docker's rule).
bool reads_as_domain(std::string_view first) {
  return first == "localhost" || first.find_first_of(".:") != std::string_view::npos ||
         has_upper(first);
}

bool is_domain_component(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  for (char c : s) {
    if (!is_alnum(c) && c != '-') return false;
  }
  return true;
}

bool is_tag(std::string_view s) {
  if (s.empty() || s.size() > 128 || !is_word(s[0])) return false;
  for (char c : s) {
    if (!is_word(c) && c != '.' && c != '-') return false;
  }
  return true;
}

bool is_identifier(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!is_lower_hex(c)) return false;
  }
  return true;
}

// The digest grammar, then Docker's (go-digest's) validation of known algorithms.
util::Status check_digest(std::string_view s, std::string_view text) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos) return syntax_error(text);
  std::string_view alg = s.substr(0, colon), hex = s.substr(colon + 1);
  // algorithm := component (sep component)*, component := [A-Za-z][A-Za-z0-9]*
  bool alg_ok = !alg.empty();
  for (std::size_t i = 0; alg_ok && i < alg.size();) {
    if (!is_alpha(alg[i])) {
      alg_ok = false;
      break;
    }
    while (i < alg.size() && is_alnum(alg[i])) ++i;
    if (i == alg.size()) break;
    if (alg[i] != '-' && alg[i] != '_' && alg[i] != '+' && alg[i] != '.') {
      alg_ok = false;
      break;
    }
    ++i;
    if (i == alg.size()) alg_ok = false;
  }
  bool hex_ok = hex.size() >= 32;
  for (char c : hex) hex_ok = hex_ok && is_hex(c);
  if (!alg_ok || !hex_ok) return syntax_error(text);

  std::size_t want = 0;
  if (alg == "sha256")
    want = 64;
  else if (alg == "sha384")
    want = 96;
  else if (alg == "sha512")
    want = 128;
  if (want == 0) return format_error(fmt::format("unsupported digest algorithm ({})", alg));
  if (hex.size() != want) {
    return format_error(
        fmt::format("invalid checksum digest length ({} hex digits for {})", hex.size(), alg));
  }
  for (char c : hex) {
    if (!is_lower_hex(c)) return format_error("invalid checksum digest format (upper-case hex)");
  }
  return {};
}

bool is_port(std::string_view s, bool require_range) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  if (!require_range) return true;
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && ptr == s.data() + s.size() && value >= 1 && value <= 65535;
}

bool is_host(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return false;
    for (char c : host.substr(1, host.size() - 2)) {
      if (!is_hex(c) && c != ':') return false;
    }
    return true;
  }
  for (std::string_view part : util::split(host, '.')) {
    if (!is_domain_component(part)) return false;
  }
  return true;
}

// Splits "host[:port]" where host may be a bracketed IPv6 address.
bool split_host_port(std::string_view domain, std::string_view& host, std::string_view& port,
                     bool& has_port) {
  has_port = false;
  std::size_t host_end = 0;
  if (!domain.empty() && domain.front() == '[') {
    auto close = domain.find(']');
    if (close == std::string_view::npos) return false;
    host_end = close + 1;
  } else {
    host_end = domain.find(':');
    if (host_end == std::string_view::npos) host_end = domain.size();
  }
  host = domain.substr(0, host_end);
  if (host_end < domain.size()) {
    if (domain[host_end] != ':') return false;
    has_port = true;
    port = domain.substr(host_end + 1);
  }
  return true;
}

bool valid_domain(std::string_view domain, bool require_port_range) {
  std::string_view host, port;
  bool has_port = false;
  if (!split_host_port(domain, host, port, has_port)) return false;
  return is_host(host) && (!has_port || is_port(port, require_port_range));
}

}  // namespace

bool is_valid_domain(std::string_view domain) {
  return valid_domain(domain, false);
}

util::Result<Reference> parse_reference(std::string_view text) {
  if (text.empty()) return format_error("repository name must have at least one component");
  if (is_identifier(text)) {
    return format_error(
        fmt::format("repository name ({}) cannot be a 64-character hexadecimal string", text));
  }

  // Domain split (splitDockerDomain).
  Reference ref;
  std::string remainder;
  auto slash = text.find('/');
  bool explicit_domain = false;
  if (slash == std::string_view::npos) {
    ref.domain = k_docker_hub_domain;
    remainder = std::string(k_official_prefix) + std::string(text);
  } else {
    std::string_view first = text.substr(0, slash), rest = text.substr(slash + 1);
    if (reads_as_domain(first)) {
      explicit_domain = true;
      ref.domain = first == k_legacy_hub_domain ? k_docker_hub_domain : first;
      remainder = rest;
    } else {
      ref.domain = k_docker_hub_domain;
      remainder = text;
    }
    if (ref.domain == k_docker_hub_domain && remainder.find('/') == std::string::npos) {
      remainder = std::string(k_official_prefix) + remainder;
    }
  }

  // remainder := path [":" tag] ["@" digest]; a path holds neither ":" nor "@".
  std::string_view rem = remainder;
  std::string_view digest, name_tag = rem;
  if (auto at = rem.find('@'); at != std::string_view::npos) {
    name_tag = rem.substr(0, at);
    digest = rem.substr(at + 1);
    if (digest.empty()) return syntax_error(text);
  }
  std::string_view path = name_tag, tag;
  bool has_tag = false;
  if (auto colon = name_tag.find(':'); colon != std::string_view::npos) {
    path = name_tag.substr(0, colon);
    tag = name_tag.substr(colon + 1);
    has_tag = true;
  }
  if (has_upper(path)) {
    return format_error(fmt::format("repository name ({}) must be lowercase", path));
  }
  if (explicit_domain && !valid_domain(ref.domain, false)) {
    return format_error(fmt::format("invalid registry domain ({})", ref.domain));
  }
  if (!is_path(path)) return syntax_error(text);
  if (path.size() > k_max_path_length) {
    return format_error(
        fmt::format("repository name must not be more than {} characters", k_max_path_length));
  }
  if (has_tag && !is_tag(tag)) return syntax_error(text);
  if (!digest.empty()) {
    TRY(check_digest(digest, text));
  }
  ref.path = path;
  ref.tag = tag;
  ref.digest = digest;
  return ref;
}

std::string Reference::registry_host() const {
  return domain == k_docker_hub_domain ? std::string(k_docker_hub_registry_host) : domain;
}

std::string Reference::repository() const {
  return domain + "/" + path;
}

std::string Reference::str() const {
  std::string out = repository();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string Reference::familiar() const {
  std::string out;
  if (domain == k_docker_hub_domain) {
    std::string_view p = path;
    if (p.substr(0, k_official_prefix.size()) == k_official_prefix &&
        p.find('/', k_official_prefix.size()) == std::string_view::npos) {
      p.remove_prefix(k_official_prefix.size());
    }
    // Docker would print "docker.io/libr.io/x" as "libr.io/x", which names another registry:
    // keep the domain when the path's first component would read as one.
    auto slash = p.find('/');
    if (slash != std::string_view::npos && reads_as_domain(p.substr(0, slash))) {
      out = std::string(k_docker_hub_domain) + "/";
    }
    out += p;
  } else {
    out = repository();
  }
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

Reference Reference::with_default_tag() const {
  Reference out = *this;
  if (out.tag.empty() && out.digest.empty()) out.tag = "latest";
  return out;
}

std::string RegistryUrl::str() const {
  return scheme + "://" + host;
}

util::Result<RegistryUrl> parse_registry_url(std::string_view text) {
  // The URL is quoted in errors unless it may carry a password (user:password@host).
  const bool may_hold_secret = text.find('@') != std::string_view::npos;
  auto bad = [&](std::string_view why) {
    if (may_hold_secret) {
      return util::make_error(util::ErrorCategory::usage, "invalid registry URL: {}", why);
    }
    return util::make_error(util::ErrorCategory::usage, "invalid registry URL \"{}\": {}", text,
                            why);
  };
  std::string_view rest = util::trim(text);
  RegistryUrl url;
  url.scheme = "https";
  if (auto sep = rest.find("://"); sep != std::string_view::npos) {
    std::string scheme = util::to_lower(rest.substr(0, sep));
    if (scheme != "https" && scheme != "http") return bad("scheme must be https or http");
    url.scheme = scheme;
    url.insecure = scheme == "http";
    rest.remove_prefix(sep + 3);
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return bad("queries and fragments are not allowed");
  }
  if (rest.find('@') != std::string_view::npos) return bad("user info is not allowed");
  std::string_view host = rest, path;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    host = rest.substr(0, slash);
    path = rest.substr(slash);
  }
  if (!path.empty() && path != "/" && path != "/v1" && path != "/v1/" && path != "/v2" &&
      path != "/v2/") {
    return bad("a registry URL has no path (other than /v1/ or /v2/)");
  }
  if (host.empty()) return bad("missing host");
  if (!valid_domain(host, true)) return bad("not a valid host[:port]");
  url.host = util::to_lower(host);
  return url;
}

}  // namespace strata::image
