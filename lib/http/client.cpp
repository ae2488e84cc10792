#include "http/client.hpp"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <random>

#include <curl/curl.h>

#include "http/retry.hpp"
#include "http/url.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

namespace strata::http {
namespace {

void global_init_once() {
  // A function-local static is initialised exactly once, even with concurrent first calls.
  static const CURLcode k_init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (k_init != CURLE_OK) {
    LOG_ERROR("http: curl_global_init failed: {}", curl_easy_strerror(k_init));
  }
}

bool is_sensitive_header(std::string_view name) {
  return util::iequals(name, "authorization") || util::iequals(name, "proxy-authorization") ||
         util::iequals(name, "cookie");
}

bool is_redirect_status(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool is_2xx(long status) {
  return status >= 200 && status <= 299;
}

// Transport failures worth another attempt; everything else (TLS verification, bad URL, a
// callback abort) fails the same way every time.
bool is_retryable_code(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

std::string describe_headers(const Headers& headers) {
  std::string out;
  for (const auto& [name, value] : headers) {
    out += fmt::format("\n  {}: {}", name, is_sensitive_header(name) ? "<redacted>" : value);
  }
  return out;
}

void remove_headers(Headers& headers, std::initializer_list<std::string_view> names) {
  std::erase_if(headers, [&](const auto& h) {
    return std::any_of(names.begin(), names.end(),
                       [&](std::string_view n) { return util::iequals(h.first, n); });
  });
}

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// The state of one attempt (one request on the wire), shared with the curl callbacks.
struct Transfer {
  bool streaming = false;
  std::uint64_t max_body = 0;
  const BodySink* sink = nullptr;

  long status = 0;
  Headers headers;
  std::string body;
  std::uint64_t delivered = 0;         // bytes handed to the sink
  std::optional<util::Error> aborted;  // sink error or body limit: ends the call, no retry
  // Resume: the body bytes the sink already has; a 206 must start there, a 200 has them dropped.
  std::uint64_t offset = 0;
  std::uint64_t skip = 0;
  bool range_checked = false;
  std::stop_token stop;
  bool cancelled = false;

  // Stall detection: the time of the last byte moved in either direction once connected.
  CURL* curl = nullptr;
  std::chrono::milliseconds stall_timeout{0};
  std::chrono::steady_clock::time_point last_activity{};
  curl_off_t last_down = 0;
  curl_off_t last_up = 0;
  bool stalled = false;
  // Trickle detection: the bytes moved since `window_start`; fewer than k_min_window_bytes in a
  // whole stall_timeout is a stall too (a server answering one byte a second never goes quiet).
  std::chrono::steady_clock::time_point window_start{};
  curl_off_t window_bytes = 0;
  bool trickled = false;
  // stream(): a non-2xx body longer than k_stream_error_body_limit was cut there (the transfer
  // stopped, the response stands).
  bool error_body_cut = false;
};

// The fewest bytes (both directions) a transfer must move per stall_timeout once connected.
constexpr curl_off_t k_min_window_bytes = 1024;

// libcurl's own low-speed check averages over a 5 s window, so after a burst it notices a stall
// only seconds late; this callback measures the bytes moved in windows of stall_timeout
// instead, starting once connected: fewer than k_min_window_bytes in one window (none at all, or
// a trickle) is a stall. libcurl calls it at least once a second, which is the resolution of
// stall_timeout.
int on_progress(void* user, curl_off_t, curl_off_t down, curl_off_t, curl_off_t up) {
  auto* t = static_cast<Transfer*>(user);
  if (t->stop.stop_requested()) {
    t->cancelled = true;
    return 1;
  }
  const auto now = std::chrono::steady_clock::now();
  // Connected: a new connection has a connect time; a reused one has none (0) but is past
  // pre-transfer at once.
  curl_off_t connect_us = 0, pretransfer_us = 0;
  curl_easy_getinfo(t->curl, CURLINFO_CONNECT_TIME_T, &connect_us);
  curl_easy_getinfo(t->curl, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
  if (connect_us == 0 && pretransfer_us == 0) {  // still connecting: connect_timeout governs that
    t->last_activity = now;
    t->window_start = now;
    t->window_bytes = down + up;
    return 0;
  }
  if (now - t->window_start >= t->stall_timeout) {
    const curl_off_t moved = down + up - t->window_bytes;
    if (moved < k_min_window_bytes) {
      t->stalled = true;
      t->trickled = moved > 0;
      return 1;  // libcurl stops with CURLE_ABORTED_BY_CALLBACK
    }
    t->window_start = now;
    t->window_bytes = down + up;
  }
  if (down != t->last_down || up != t->last_up) {  // bytes moved
    t->last_activity = now;
    t->last_down = down;
    t->last_up = up;
    return 0;
  }
  if (now - t->last_activity >= t->stall_timeout) {
    t->stalled = true;
    return 1;  // libcurl stops with CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * count;
  std::string_view line(data, len);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  if (line.starts_with("HTTP/")) {
    // A new header block: an interim 1xx response or the final one. Keep only the latest.
    t->headers.clear();
    t->status = 0;
    auto sp = line.find(' ');
    if (sp != std::string_view::npos) {
      auto code = line.substr(sp + 1, 3);
      std::from_chars(code.data(), code.data() + code.size(), t->status);
    }
  } else if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    if (!t->headers.empty()) {  // obsolete line folding
      t->headers.back().second += " ";
      t->headers.back().second += util::trim(line);
    }
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    t->headers.emplace_back(std::string(util::trim(line.substr(0, colon))),
                            std::string(util::trim(line.substr(colon + 1))));
  }
  return len;
}

// The first byte position of a 206 answer's `Content-Range: bytes START-END/TOTAL`, or -1.
std::uint64_t parse_content_range_start(const Headers& headers) {
  for (const auto& [name, value] : headers) {
    if (!util::iequals(name, "content-range")) {
      continue;
    }
    std::string_view v = util::trim(value);
    if (!v.starts_with("bytes ")) {
      break;
    }
    v.remove_prefix(6);
    std::uint64_t start = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), start);
    if (ec == std::errc() && end != v.data() && end < v.data() + v.size() && *end == '-') {
      return start;
    }
    break;
  }
  return UINT64_MAX;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * count;
  if (len == 0) {
    return 0;
  }
  if (t->streaming && is_2xx(t->status)) {
    std::span<const std::byte> piece(reinterpret_cast<const std::byte*>(data), len);
    if (t->offset > 0 && !t->range_checked) {
      t->range_checked = true;
      if (t->status == 206) {
        if (parse_content_range_start(t->headers) != t->offset) {
          t->aborted = util::make_error(
              util::ErrorCategory::network,
              "resumed at byte {} but the server sent a range starting elsewhere", t->offset);
          return 0;
        }
      } else {
        t->skip = t->offset;  // the server ignored the Range header: drop what we already have
      }
    }
    if (t->skip > 0) {
      const std::size_t drop = static_cast<std::size_t>(std::min<std::uint64_t>(t->skip, len));
      t->skip -= drop;
      piece = piece.subspan(drop);
      if (piece.empty()) {
        return len;
      }
    }
    auto status = (*t->sink)(piece);
    t->delivered += piece.size();
    if (!status) {
      t->aborted = std::move(status).error();
      return 0;  // != len: libcurl stops with CURLE_WRITE_ERROR
    }
    return len;
  }
  const std::uint64_t limit =
      t->streaming ? std::uint64_t{Client::k_stream_error_body_limit} : t->max_body;
  if (t->body.size() + len > limit) {
    if (t->streaming) {  // an error body is only informative: keep its head, read no more
      t->body.append(data, static_cast<size_t>(limit - t->body.size()));
      t->error_body_cut = true;
      return 0;  // libcurl stops with CURLE_WRITE_ERROR; run() returns the response
    }
    t->aborted = util::make_error(util::ErrorCategory::network,
                                  "response body exceeds the limit of {} bytes", limit);
    return 0;
  }
  t->body.append(data, len);
  return len;
}

// One call of fetch() or stream(): what carries over from one attempt to the next (the hop's
// method, URL and headers, the retry and redirect counts, the body bytes the sink holds).
struct Call {
  explicit Call(const Request& r)
      : request(r),
        method(r.method.empty() ? "GET" : r.method),
        url(r.url),
        body(r.body),
        headers(r.headers) {}

  const Request& request;
  std::string method;
  std::string url;
  std::string origin;  // of `url`
  std::string body;
  Headers headers;
  std::string via;  // " (unix socket ...)" or empty, for messages
  int max_retries = 0;
  int retries = 0;
  int hops = 0;
  // Body bytes the sink holds (stream()): an attempt after a cut asks only for the rest.
  std::uint64_t have = 0;

  // "GET https://host/path (unix socket ...)", for messages; no userinfo or query.
  std::string what() const { return fmt::format("{} {}{}", method, redact_url(url), via); }
  util::Error cancelled() const {
    return util::make_error(util::ErrorCategory::network, "{}: cancelled", what());
  }
};

bool is_http_origin(std::string_view origin) {
  return origin.starts_with("http://") || origin.starts_with("https://");
}

}  // namespace

struct Client::Impl {
  ClientOptions options;
  CURL* curl = nullptr;
  std::mt19937_64 rng{std::random_device{}()};
  char error_buffer[CURL_ERROR_SIZE] = {};

  explicit Impl(ClientOptions o) : options(std::move(o)) {
    global_init_once();
    curl = curl_easy_init();
    if (options.insecure_skip_verify) {
      LOG_WARN("http: TLS certificate verification is disabled (--insecure)");
    }
  }
  ~Impl() {
    if (curl != nullptr) {
      curl_easy_cleanup(curl);
    }
  }

  // Waits before a retry; a stop request ends the wait early.
  void sleep(std::chrono::milliseconds d, std::stop_token stop) {
    if (options.sleep) {
      options.sleep(d);
      return;
    }
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait_for(lock, stop, d, [] { return false; });
  }

  std::chrono::milliseconds backoff(int retries) {
    return backoff_delay(retries, options.backoff_base, options.backoff_cap,
                         std::uniform_real_distribution<double>(0.0, 1.0)(rng));
  }

  util::Result<Response> run(const Request& request, const Transfer& prototype);

 private:
  // The phases of run(), in the order they happen.
  util::Result<Call> start_call(const Request& request, bool streaming) const;
  CURLcode attempt(Call& call, Transfer& t);
  util::Status retry_transport_failure(Call& call, const Transfer& t, CURLcode code,
                                       std::chrono::milliseconds elapsed);
  util::Result<bool> follow_redirect(Call& call, const Response& response);
  bool retry_status(Call& call, const Response& response);

  // The pieces of one request on the wire.
  CURLcode perform(const std::string& method, const std::string& url, const Headers& headers,
                   const std::string& body, Transfer& t);
  void set_connection_options(const std::string& url, Transfer& t);
  bool set_method_and_headers(const std::string& method, const Headers& headers,
                              const std::string& body, Slist& list);
};

CURLcode Client::Impl::perform(const std::string& method, const std::string& url,
                               const Headers& headers, const std::string& body, Transfer& t) {
  // Reset clears every option of the previous request but keeps the connection cache, so
  // keep-alive connections are reused across calls.
  curl_easy_reset(curl);
  set_connection_options(url, t);
  Slist list;
  if (!set_method_and_headers(method, headers, body, list)) {
    return CURLE_OUT_OF_MEMORY;
  }
  LOG_TRACE("http: {} {}{}", method, redact_url(url), describe_headers(headers));
  CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  return code;
}

// Everything but the method and the headers: URL, protocols, timeouts, callbacks, TLS, socket.
void Client::Impl::set_connection_options(const std::string& url, Transfer& t) {
  error_buffer[0] = '\0';
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS, long{CURLPROTO_HTTP | CURLPROTO_HTTPS});
#endif
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  t.curl = curl;
  t.stall_timeout = options.stall_timeout;
  t.last_activity = std::chrono::steady_clock::now();
  t.window_start = t.last_activity;
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  // No CURLOPT_PROXY: libcurl then reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY itself.
  if (!options.client_cert.empty()) {  // TLS client authentication (a Docker engine's tcp://)
    curl_easy_setopt(curl, CURLOPT_SSLCERT, options.client_cert.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLKEY, options.client_key.c_str());
  }
  if (!options.ca_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
  }
  if (options.insecure_skip_verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!options.unix_socket.empty()) {
    curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, options.unix_socket.c_str());
  }
}

// Sets the method, the body and the header lines (kept alive in `list`); false when out of
// memory.
bool Client::Impl::set_method_and_headers(const std::string& method, const Headers& headers,
                                          const std::string& body, Slist& list) {
  bool out_of_memory = false;
  auto append = [&](const std::string& line) {
    // curl_slist_append returns the (possibly new) head, or null leaving the list untouched.
    if (curl_slist* head = curl_slist_append(list.get(), line.c_str())) {
      (void)list.release();
      list.reset(head);
    } else {
      out_of_memory = true;
    }
  };
  bool has_expect = false;
  for (const auto& [name, value] : headers) {
    has_expect = has_expect || util::iequals(name, "expect");
    // "Name;" is libcurl's spelling of a header with an empty value.
    append(value.empty() ? name + ";" : name + ": " + value);
  }
  if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (method == "GET" && body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    if (method != "POST") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    if (!has_expect) {  // no "Expect: 100-continue" round trip
      append("Expect:");
    }
  }
  if (out_of_memory) {
    return false;
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list.get());
  return true;
}

util::Result<Response> Client::Impl::run(const Request& request, const Transfer& prototype) {
  if (curl == nullptr) {
    return util::make_error(util::ErrorCategory::internal, "http: curl_easy_init failed");
  }
  TRY_ASSIGN(Call call, start_call(request, prototype.streaming));
  while (true) {
    if (request.stop.stop_requested()) {
      return call.cancelled();
    }
    Transfer t = prototype;
    const auto started = std::chrono::steady_clock::now();
    const CURLcode code = attempt(call, t);
    if (t.cancelled) {
      return call.cancelled();
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (t.aborted) {  // the sink's own error, or the body limit: never retried
      if (t.aborted->category == util::ErrorCategory::network) {
        return t.aborted->wrap(call.what());
      }
      return std::move(*t.aborted);
    }
    if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && t.error_body_cut)) {
      TRY(retry_transport_failure(call, t, code, elapsed));
      continue;
    }
    LOG_DEBUG("http: {} -> {} ({} ms, {} body bytes)", call.what(), t.status, elapsed.count(),
              t.delivered + t.body.size());
    Response response;
    response.status = t.status;
    response.headers = std::move(t.headers);
    response.body = std::move(t.body);
    response.effective_url = call.url;
    if (request.follow_redirects && is_redirect_status(response.status)) {
      TRY_ASSIGN(bool followed, follow_redirect(call, response));
      if (followed) {
        continue;
      }
    }
    if (!retry_status(call, response)) {
      return response;
    }
  }
}

// Checks the URL and sets up the first hop.
util::Result<Call> Client::Impl::start_call(const Request& request, bool streaming) const {
  Call call(request);
  TRY_ASSIGN(call.origin, origin_of(call.url));
  if (!is_http_origin(call.origin)) {
    return util::input_error("unsupported URL scheme in '{}'", redact_url(call.url));
  }
  if (!options.unix_socket.empty()) {
    call.via = fmt::format(" (unix socket {})", options.unix_socket);
  }
  call.max_retries = request.retryable ? std::max(0, options.retries) : 0;
  call.have = streaming ? request.offset : 0;
  return call;
}

// One request on the wire, asking only for the bytes the sink lacks; counts what it delivered.
CURLcode Client::Impl::attempt(Call& call, Transfer& t) {
  t.stop = call.request.stop;
  t.offset = call.have;
  Headers headers = call.headers;
  if (call.have > 0) {
    remove_headers(headers, {"range"});
    headers.emplace_back("Range", fmt::format("bytes={}-", call.have));
  }
  const CURLcode code = perform(call.method, call.url, headers, call.body, t);
  call.have += t.delivered;
  return code;
}

// After a failed transfer: waits and returns success when another attempt is due, else the
// error that ends the call.
util::Status Client::Impl::retry_transport_failure(Call& call, const Transfer& t, CURLcode code,
                                                   std::chrono::milliseconds elapsed) {
  std::string what = curl_easy_strerror(code);
  if (t.stalled && t.trickled) {
    what = fmt::format("transfer stalled: fewer than {} bytes in {} ms", k_min_window_bytes,
                       options.stall_timeout.count());
  } else if (t.stalled) {
    what = fmt::format("transfer stalled: no data for {} ms", options.stall_timeout.count());
  } else if (error_buffer[0] != '\0') {
    what += fmt::format(" ({})", error_buffer);
  }
  LOG_DEBUG("http: {} failed after {} ms: {}", call.what(), elapsed.count(), what);
  if (t.delivered > 0 && !call.request.resumable) {
    return util::make_error(util::ErrorCategory::network,
                            "{}: {} after {} body bytes (not retried)", call.what(), what,
                            t.delivered);
  }
  if ((t.stalled || is_retryable_code(code)) && call.retries < call.max_retries) {
    const auto delay = backoff(call.retries);
    LOG_WARN("http: {} {}: {}; retry {}/{} in {} ms{}", call.method, redact_url(call.url), what,
             call.retries + 1, call.max_retries, delay.count(),
             call.have > 0 ? fmt::format(", resuming at byte {}", call.have) : "");
    ++call.retries;
    sleep(delay, call.request.stop);
    return {};
  }
  return util::make_error(
      util::ErrorCategory::network, "{}: {}{}{}", call.what(), what,
      call.have > 0 ? fmt::format(" after {} body bytes", call.have) : "",
      call.retries > 0 ? fmt::format(" (after {} attempts)", call.retries + 1) : "");
}

// Moves the call to the redirect's target; false when the response has no Location (it is then
// the answer). Drops credentials when the origin changes and switches to GET where HTTP says so.
util::Result<bool> Client::Impl::follow_redirect(Call& call, const Response& response) {
  auto location = response.header("location");
  if (!location) {
    return false;
  }
  if (++call.hops > k_max_redirects) {
    return util::make_error(util::ErrorCategory::network, "{} {}{}: more than {} redirects",
                            call.method, redact_url(call.request.url), call.via, k_max_redirects);
  }
  auto next = resolve_url(call.url, *location);
  if (!next) {
    return util::make_error(util::ErrorCategory::network, "{} {}: {}", call.method,
                            redact_url(call.url), next.error().message);
  }
  auto next_origin = origin_of(*next);
  if (!next_origin || !is_http_origin(*next_origin)) {
    return util::make_error(util::ErrorCategory::network, "{} {}: redirect to unsupported URL '{}'",
                            call.method, redact_url(call.url), redact_url(*next));
  }
  if (*next_origin != call.origin) {
    remove_headers(call.headers, {"authorization", "cookie"});
  }
  const long status = response.status;
  const bool to_get = (status == 303 && call.method != "HEAD") ||
                      ((status == 301 || status == 302) && call.method == "POST");
  if (to_get) {
    call.method = "GET";
    call.body.clear();
    remove_headers(call.headers, {"content-type", "content-length"});
  }
  LOG_DEBUG("http: redirect {} -> {}", redact_url(call.url), redact_url(*next));
  call.url = std::move(*next);
  call.origin = std::move(*next_origin);
  return true;
}

// True (after the wait) when the response's status is worth another attempt and retries are
// left; false when the response is the answer.
bool Client::Impl::retry_status(Call& call, const Response& response) {
  if (!is_retryable_status(response.status) || call.retries >= call.max_retries) {
    return false;
  }
  std::optional<std::chrono::milliseconds> delay;
  if (response.status == 429 || response.status == 503) {
    if (auto value = response.header("retry-after")) {
      delay = parse_retry_after(*value, std::time(nullptr));
      if (delay && *delay > options.max_retry_after) {
        LOG_WARN("http: {} {}: {} with Retry-After {} (longer than {} ms): not retried",
                 call.method, redact_url(call.url), response.status, *value,
                 options.max_retry_after.count());
        return false;
      }
    }
  }
  if (!delay) {
    delay = backoff(call.retries);
  }
  LOG_WARN("http: {} {}: status {}; retry {}/{} in {} ms", call.method, redact_url(call.url),
           response.status, call.retries + 1, call.max_retries, delay->count());
  ++call.retries;
  sleep(*delay, call.request.stop);
  return true;
}

Client::Client(ClientOptions options) : m_impl(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

util::Result<Response> Client::fetch(const Request& request, std::uint64_t max_body) {
  Transfer t;
  t.max_body = max_body;
  return m_impl->run(request, t);
}

util::Result<Response> Client::stream(const Request& request, const BodySink& sink) {
  Transfer t;
  t.streaming = true;
  t.sink = &sink;
  return m_impl->run(request, t);
}

}  // namespace strata::http
