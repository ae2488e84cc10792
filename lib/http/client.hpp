#pragma once
// The HTTP client every network feature uses (registry, Docker engine socket, database
// downloads): libcurl underneath, none of its types in this header.
//
// Behaviour, per call of fetch() or stream():
// - Redirects (301, 302, 303, 307, 308 with a Location) are followed here, not by libcurl, at most
//   k_max_redirects hops; a relative Location is resolved against the current URL. When a hop
//   changes the origin (scheme, host or port), the `Authorization` and `Cookie` headers of the
//   request are dropped, so a registry's token never reaches the object store it redirects to.
//   303 (and 301/302 after a POST) continue as GET without a body, as browsers and curl do.
// - Retries: connection failures, timeouts, 5xx and 429 are retried up to `retries` times per
//   call (all hops together), after a full-jitter exponential backoff or, for 429/503 with a
//   `Retry-After`, after exactly the delay it asks for. A Retry-After above max_retry_after is
//   not waited for: the response is returned as it is.
// - Resume (stream() of a `resumable` request): a transfer cut after some body bytes is retried
//   like any failure, asking for the rest with `Range: bytes=N-`; a 206 answer must start at N
//   (Content-Range) and continues the body, a 200 answer has its first N bytes dropped, so the
//   sink sees every byte exactly once, in order.
// - Cancellation: a stop requested on Request::stop aborts the transfer (or the wait before a
//   retry) within about a second; the call returns a network error ending in "cancelled".
// - HTTP error statuses are not errors here: the Response carries them and callers map
//   401/403/404. Once retries are exhausted the last 5xx/429 response is returned.
// - Errors (category `network`) name the method, the URL without userinfo or query, and the
//   transport failure. Header values of Authorization, Proxy-Authorization and Cookie are never
//   logged.
// - A request URL that does not parse, or is not http(s), is an `input` error.
// - Proxies: libcurl's environment handling applies (https_proxy/HTTPS_PROXY, http_proxy in lower
//   case only, no_proxy/NO_PROXY); never for unix sockets.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace strata::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline constexpr int k_max_redirects = 10;

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{10000};
  // A transfer is aborted (and retried like a connection error) when fewer than 1024 body bytes
  // move in either direction during this long after the connection is up (nothing at all, or a
  // server trickling a byte a second); resolution about 1 s.
  std::chrono::milliseconds stall_timeout{30000};
  // Extra attempts per call after the first, on connection errors, timeouts, 5xx and 429.
  int retries = 3;
  std::chrono::milliseconds backoff_base{500};
  std::chrono::milliseconds backoff_cap{30000};
  // The longest Retry-After the client waits for; a longer one ends the retries.
  std::chrono::milliseconds max_retry_after{60000};
  // A PEM CA bundle used instead of the default bundle file (--ca-cert). Empty: system store.
  std::string ca_file;
  // A PEM client certificate and its key, for servers that authenticate clients (a Docker engine
  // on tcp:// with DOCKER_TLS_VERIFY). Empty: none.
  std::string client_cert;
  std::string client_key;
  // Disables TLS peer and host verification. Never on by default; logged. (`strata image
  // --insecure` means plain HTTP and does not set this.)
  bool insecure_skip_verify = false;
  // Talks HTTP over this unix socket (Docker/Podman); URLs are then like
  // "http://localhost/v1.41/_ping" and the host part only fills the Host header.
  std::string unix_socket;
  std::string user_agent = std::string("strata/") + STRATA_VERSION;
  // Waits between attempts; tests inject a recorder. Empty: a wait that a stop request ends.
  std::function<void(std::chrono::milliseconds)> sleep;
};

struct Request {
  std::string method = "GET";  // "HEAD" sends no body and reads none
  std::string url{};
  Headers headers{};  // sent as given, in order; an empty value sends "Name:" with nothing after
  std::string body{};
  bool follow_redirects = true;
  // False for a request that must not be sent twice (a non-idempotent POST): no retries.
  bool retryable = true;
  // stream() only. The body at this URL never changes (a content-addressed blob): a transfer
  // cut after some body bytes is resumed with a Range request instead of failing.
  bool resumable = false;
  // stream() only: the first `offset` body bytes were received by an earlier call; only the
  // rest is asked for (Range) and delivered.
  std::uint64_t offset = 0;
  // Aborts the call (network error "... cancelled", never retried) when a stop is requested.
  std::stop_token stop{};
};

struct Response {
  long status = 0;
  Headers headers;  // of the final response, names as received
  std::string body{};
  std::string effective_url;  // the URL of the final hop (may hold query secrets: do not log)

  // The first header with this name, compared case-insensitively.
  std::optional<std::string> header(std::string_view name) const;
  // Every header with this name, in order (e.g. several WWW-Authenticate challenges).
  std::vector<std::string> header_values(std::string_view name) const;
};

// Receives body bytes as they arrive; an error aborts the transfer and is returned as is.
using BodySink = std::function<util::Status(std::span<const std::byte>)>;

// One connection-reusing HTTP client. Not thread-safe: use one Client per thread.
class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Whole body in memory. A body longer than `max_body` bytes is a network error (and is not
  // retried).
  util::Result<Response> fetch(const Request& request, std::uint64_t max_body = 64u << 20);

  // Streams the body of a final 2xx response to `sink` as it arrives and returns the response with
  // an empty body. The body of a final non-2xx response does not reach the sink: it is returned
  // in Response::body, truncated to k_stream_error_body_limit bytes (no more is read). Unless the
  // request is `resumable`, retries happen only before the first byte reached the sink: a failure
  // after that is returned, because a retry would deliver the same bytes twice.
  util::Result<Response> stream(const Request& request, const BodySink& sink);

  static constexpr std::size_t k_stream_error_body_limit = 1u << 20;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace strata::http
