#pragma once
// Image references as Docker spells them ("ubuntu:16.04", "ghcr.io/org/app@sha256:...") and
// registry URLs as a user configures them ("https://index.docker.io/", "http://127.0.0.1:5000").
//
// clang-format off
// Grammar (github.com/distribution/reference):
//   reference       := name [ ":" tag ] [ "@" digest ]
//   name            := [domain "/"] path
//   domain          := host [":" port]                      port := [0-9]+
//   host            := domain-name | "[" [a-fA-F0-9:]+ "]"
//   domain-name     := dcomp ("." dcomp)*
//   dcomp           := [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?
//   path            := path-component ("/" path-component)*   (at most 255 characters)
//   path-component  := [a-z0-9]+ (separator [a-z0-9]+)*     separator := "." | "_" | "__" | "-"+
//   tag             := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
//   digest          := algorithm ":" hex                    hex := [0-9a-fA-F]{32,}
//   algorithm       := [A-Za-z][A-Za-z0-9]* ([-_+.] [A-Za-z][A-Za-z0-9]*)*
// clang-format on
//
// Normalisation (Docker's ParseNormalizedNamed): the first "/"-separated component is the domain
// when it contains "." or ":", is "localhost", or has an upper-case letter; otherwise the domain
// is "docker.io". "index.docker.io" becomes "docker.io", and a one-component path on docker.io
// gets the "library/" prefix. A name without "/" is always a Docker Hub name ("localhost:5000"
// alone is the image library/localhost with tag 5000, exactly as Docker reads it).
//
// Digests: the grammar admits any algorithm, but only sha256 (64 hex), sha384 (96) and sha512
// (128), in lower-case hex, are accepted, as Docker does; anything else is an error naming the
// algorithm ("unsupported digest algorithm").

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::image {

inline constexpr std::string_view k_docker_hub_domain = "docker.io";
inline constexpr std::string_view k_docker_hub_registry_host = "registry-1.docker.io";
inline constexpr std::size_t k_max_path_length = 255;

struct Reference {
  std::string domain;  // "docker.io", "ghcr.io", "localhost:5000", "[::1]:5000"
  std::string path;    // "library/ubuntu"
  std::string tag;     // empty when not given
  std::string digest;  // "sha256:<hex>", empty when not given

  // Host[:port] to contact: "registry-1.docker.io" for docker.io, the domain otherwise.
  std::string registry_host() const;
  // "domain/path", e.g. "docker.io/library/ubuntu".
  std::string repository() const;
  // Canonical full form: "docker.io/library/ubuntu:16.04", "ghcr.io/a/b:t@sha256:...".
  std::string str() const;
  // Docker's short form: "ubuntu:16.04", "grafana/grafana", "ghcr.io/a/b@sha256:...".
  std::string familiar() const;
  // A copy whose tag is "latest" when neither tag nor digest is set; otherwise unchanged.
  Reference with_default_tag() const;
  // The tag or, when set, the digest: what to ask the registry's manifest endpoint for.
  // Prefers the digest (a pinned reference) over the tag. Empty when neither is set.
  const std::string& manifest_reference() const { return digest.empty() ? tag : digest; }

  friend bool operator==(const Reference&, const Reference&) = default;
};

// Parses and normalises a reference (see above). Does not add a default tag.
// On failure a usage error "invalid reference format: ..." naming the offending part, e.g.
// "invalid reference format: repository name (library/Ubuntu) must be lowercase".
util::Result<Reference> parse_reference(std::string_view text);

// A registry endpoint given as a URL or bare host, e.g. for a SCANNER_REGISTRY setting.
struct RegistryUrl {
  std::string scheme;     // "https" or "http"
  std::string host;       // host[:port], lower-cased: "index.docker.io", "127.0.0.1:5000"
  bool insecure = false;  // true for http:// (plain HTTP)

  // "scheme://host"
  std::string str() const;
  friend bool operator==(const RegistryUrl&, const RegistryUrl&) = default;
};

// Accepts "https://host[:port][/]", "http://host[:port][/]", or a bare "host[:port]" (https).
// A trailing path of "/", "/v1/" or "/v2/" (with or without the final slash) is ignored, as
// Docker's own default "https://index.docker.io/v1/" shows up in settings. Rejects other
// schemes, other paths, user info, queries and fragments, bad hosts and ports out of 1..65535
// (a usage error).
util::Result<RegistryUrl> parse_registry_url(std::string_view text);

// Host-syntax check shared with the credential store: host (domain-name or [IPv6]) with an
// optional numeric port, as in the grammar above.
bool is_valid_domain(std::string_view domain);

}  // namespace strata::image
