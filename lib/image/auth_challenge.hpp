#pragma once
// WWW-Authenticate challenges (RFC 7235 §4.1) as registries send them:
//   Bearer realm="https://auth.docker.io/token",service="registry.docker.io",
//          scope="repository:library/ubuntu:pull"      (one line on the wire)
//   Basic realm="strata-test"
//
// Grammar (RFC 7235 §2.1, RFC 7230 §3.2.6):
//   header     = 1#challenge                   (comma-separated, empty elements allowed)
//   challenge  = scheme [ 1*SP ( token68 / #auth-param ) ]
//   auth-param = token BWS "=" BWS ( token / quoted-string )
//   quoted-string = DQUOTE *( qdtext / "\" any-char ) DQUOTE
// A comma followed by `token =` continues the current challenge's parameters; a comma followed
// by `token` then space or end starts the next challenge. Scheme and parameter names are
// case-insensitive: both are stored lower-cased. Unquoted values are read leniently up to the
// next comma or whitespace (some servers send `realm=https://...` without quotes).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace strata::image {

struct AuthChallenge {
  std::string scheme;                                       // lower-cased: "bearer", "basic", ...
  std::vector<std::pair<std::string, std::string>> params;  // names lower-cased, in order
  std::string token68;  // set instead of params for `Scheme token68` forms (rare)

  // The first parameter called `name` (case-insensitive), or nullopt.
  std::optional<std::string> param(std::string_view name) const;
  // param(name) or "".
  std::string param_or_empty(std::string_view name) const;
  // The space-separated entries of `scope` ("repository:a:pull repository:b:pull").
  std::vector<std::string> scopes() const;
  bool is_bearer() const { return scheme == "bearer"; }
  bool is_basic() const { return scheme == "basic"; }
};

// Parses one WWW-Authenticate header value (or several values joined with ", "). An empty or
// blank value gives an empty vector. A network error (the server sent it) such as
// "malformed WWW-Authenticate header: unterminated quoted string" on bad syntax; the header
// text is not repeated in the message.
util::Result<std::vector<AuthChallenge>> parse_www_authenticate(std::string_view header);

// The first challenge with `scheme` (case-insensitive) or nullptr.
const AuthChallenge* find_challenge(const std::vector<AuthChallenge>& challenges,
                                    std::string_view scheme);

}  // namespace strata::image
