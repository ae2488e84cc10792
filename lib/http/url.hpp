#pragma once
// URL helpers for the HTTP client: relative resolution (redirects), origins (whether a redirect
// leaves the host that an Authorization header was meant for), redaction for messages, and
// percent-encoding for the callers that build query strings and form bodies.

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::http {

// Resolves `location` (absolute, scheme-relative, absolute-path or relative reference, as in a
// `Location` header) against the absolute URL `base`. Input error when either does not parse.
util::Result<std::string> resolve_url(std::string_view base, std::string_view location);

// "scheme://host:port" with the scheme and host lower-cased and the scheme's default port filled
// in, so "https://Example.com/a" and "https://example.com:443/b" have the same origin. Input
// error when `url` is not an absolute URL.
util::Result<std::string> origin_of(std::string_view url);

// The URL with userinfo, query and fragment removed: safe for logs and error messages (a signed
// blob URL carries its secret in the query). "<unparseable url>" when it does not parse.
std::string redact_url(std::string_view url);

// Percent-encodes every byte except the RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~),
// with upper-case hex digits: a query parameter or application/x-www-form-urlencoded value.
std::string url_escape(std::string_view text);

}  // namespace strata::http
