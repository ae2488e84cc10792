#include "http/url.hpp"

#include <climits>
#include <memory>
#include <new>
#include <stdexcept>

#include <curl/curl.h>

#include "util/strings.hpp"

namespace strata::http {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

struct CurlString {
  char* p = nullptr;
  ~CurlString() { curl_free(p); }
};

// Parses an absolute URL; null on failure. Unknown schemes are accepted so that the error can
// name them later ("unsupported scheme") rather than "bad URL".
UrlHandle parse(std::string_view url) {
  UrlHandle h(curl_url());
  if (!h) {
    return nullptr;
  }
  std::string s(url);
  if (curl_url_set(h.get(), CURLUPART_URL, s.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return nullptr;
  }
  return h;
}

bool get(CURLU* h, CURLUPart part, std::string& out, unsigned flags = 0) {
  CurlString s;
  if (curl_url_get(h, part, &s.p, flags) != CURLUE_OK || s.p == nullptr) {
    return false;
  }
  out = s.p;
  return true;
}

}  // namespace

util::Result<std::string> resolve_url(std::string_view base, std::string_view location) {
  UrlHandle h = parse(base);
  if (!h) {
    return util::input_error("invalid URL '{}'", redact_url(base));
  }
  std::string loc(location);
  // Setting a relative URL on a handle that holds an absolute one resolves it (RFC 3986 §5).
  if (curl_url_set(h.get(), CURLUPART_URL, loc.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return util::input_error("invalid redirect location '{}'", redact_url(loc));
  }
  std::string out;
  if (!get(h.get(), CURLUPART_URL, out)) {
    return util::input_error("invalid redirect location '{}'", redact_url(loc));
  }
  return out;
}

util::Result<std::string> origin_of(std::string_view url) {
  UrlHandle h = parse(url);
  std::string scheme, host, port;
  if (!h || !get(h.get(), CURLUPART_SCHEME, scheme) || !get(h.get(), CURLUPART_HOST, host)) {
    return util::input_error("invalid URL '{}'", redact_url(url));
  }
  if (!get(h.get(), CURLUPART_PORT, port, CURLU_DEFAULT_PORT)) {
    port = "";
  }
  return util::to_lower(scheme) + "://" + util::to_lower(host) + ":" + port;
}

std::string redact_url(std::string_view url) {
  UrlHandle h = parse(url);
  if (!h) {
    return "<unparseable url>";
  }
  curl_url_set(h.get(), CURLUPART_USER, nullptr, 0);
  curl_url_set(h.get(), CURLUPART_PASSWORD, nullptr, 0);
  curl_url_set(h.get(), CURLUPART_OPTIONS, nullptr, 0);
  curl_url_set(h.get(), CURLUPART_QUERY, nullptr, 0);
  curl_url_set(h.get(), CURLUPART_FRAGMENT, nullptr, 0);
  std::string out;
  if (!get(h.get(), CURLUPART_URL, out)) {
    return "<unparseable url>";
  }
  return out;
}

std::string url_escape(std::string_view text) {
  if (text.empty()) {
    return {};
  }
  if (text.size() > static_cast<std::size_t>(INT_MAX)) {
    throw std::length_error("url_escape: input too long");
  }
  // The handle argument is unused since libcurl 7.82; null is accepted.
  CurlString s{curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()))};
  if (s.p == nullptr) {
    throw std::bad_alloc();
  }
  return s.p;
}

}  // namespace strata::http
