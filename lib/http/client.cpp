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
};

// libcurl's own low-speed check averages over a 5 s window, so after a burst it notices a stall
// only seconds late; this callback measures the time since the last byte instead. libcurl calls
// it at least once a second, which is the resolution of stall_timeout.
int on_progress(void* user, curl_off_t, curl_off_t down, curl_off_t, curl_off_t up) {
  auto* t = static_cast<Transfer*>(user);
  if (t->stop.stop_requested()) {
    t->cancelled = true;
    return 1;
  }
  const auto now = std::chrono::steady_clock::now();
  curl_off_t connect_us = 0;
  curl_easy_getinfo(t->curl, CURLINFO_CONNECT_TIME_T, &connect_us);
  if (connect_us == 0 || down != t->last_down || up != t->last_up) {
    // Still connecting (connect_timeout governs that), or bytes moved.
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
    if (t->streaming) {  // an error body is only informative: keep its head
      t->body.append(data, static_cast<size_t>(limit - t->body.size()));
      return len;
    }
    t->aborted = util::make_error(util::ErrorCategory::network,
                                  "response body exceeds the limit of {} bytes", limit);
    return 0;
  }
  t->body.append(data, len);
  return len;
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

  CURLcode perform(const std::string& method, const std::string& url, const Headers& headers,
                   const std::string& body, Transfer& t);
  util::Result<Response> run(const Request& request, Transfer prototype);
};

CURLcode Client::Impl::perform(const std::string& method, const std::string& url,
                               const Headers& headers, const std::string& body, Transfer& t) {
  // Reset clears every option of the previous request but keeps the connection cache, so
  // keep-alive connections are reused across calls.
  curl_easy_reset(curl);
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

  Slist list;
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
    return CURLE_OUT_OF_MEMORY;
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list.get());
  LOG_TRACE("http: {} {}{}", method, redact_url(url), describe_headers(headers));
  CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  return code;
}

util::Result<Response> Client::Impl::run(const Request& request, Transfer prototype) {
  if (curl == nullptr) {
    return util::make_error(util::ErrorCategory::internal, "http: curl_easy_init failed");
  }
  std::string method = request.method.empty() ? "GET" : request.method;
  std::string url = request.url;
  std::string body = request.body;
  Headers headers = request.headers;
  TRY_ASSIGN(std::string origin, origin_of(url));
  if (!origin.starts_with("http://") && !origin.starts_with("https://")) {
    return util::input_error("unsupported URL scheme in '{}'", redact_url(url));
  }
  const std::string via =
      options.unix_socket.empty() ? "" : fmt::format(" (unix socket {})", options.unix_socket);
  const int max_retries = request.retryable ? std::max(0, options.retries) : 0;
  int retries = 0;
  int hops = 0;
  // Body bytes the sink holds (stream()): an attempt after a cut asks only for the rest.
  std::uint64_t have = prototype.streaming ? request.offset : 0;
  auto cancelled = [&] {
    return util::make_error(util::ErrorCategory::network, "{} {}{}: cancelled", method,
                            redact_url(url), via);
  };

  while (true) {
    if (request.stop.stop_requested()) {
      return cancelled();
    }
    Transfer t = prototype;
    t.stop = request.stop;
    t.offset = have;
    Headers attempt_headers = headers;
    if (have > 0) {
      remove_headers(attempt_headers, {"range"});
      attempt_headers.emplace_back("Range", fmt::format("bytes={}-", have));
    }
    const auto started = std::chrono::steady_clock::now();
    const CURLcode code = perform(method, url, attempt_headers, body, t);
    have += t.delivered;
    if (t.cancelled) {
      return cancelled();
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (t.aborted) {  // the sink's own error, or the body limit: never retried
      if (t.aborted->category == util::ErrorCategory::network) {
        return t.aborted->wrap(fmt::format("{} {}{}", method, redact_url(url), via));
      }
      return std::move(*t.aborted);
    }
    if (code != CURLE_OK) {
      std::string what = curl_easy_strerror(code);
      if (t.stalled) {
        what = fmt::format("transfer stalled: no data for {} ms", options.stall_timeout.count());
      } else if (error_buffer[0] != '\0') {
        what += fmt::format(" ({})", error_buffer);
      }
      LOG_DEBUG("http: {} {}{} failed after {} ms: {}", method, redact_url(url), via,
                elapsed.count(), what);
      if (t.delivered > 0 && !request.resumable) {
        return util::make_error(util::ErrorCategory::network,
                                "{} {}{}: {} after {} body bytes (not retried)", method,
                                redact_url(url), via, what, t.delivered);
      }
      if ((t.stalled || is_retryable_code(code)) && retries < max_retries) {
        auto delay = backoff_delay(retries, options.backoff_base, options.backoff_cap,
                                   std::uniform_real_distribution<double>(0.0, 1.0)(rng));
        LOG_WARN("http: {} {}: {}; retry {}/{} in {} ms{}", method, redact_url(url), what,
                 retries + 1, max_retries, delay.count(),
                 have > 0 ? fmt::format(", resuming at byte {}", have) : "");
        ++retries;
        sleep(delay, request.stop);
        continue;
      }
      return util::make_error(util::ErrorCategory::network, "{} {}{}: {}{}{}", method,
                              redact_url(url), via, what,
                              have > 0 ? fmt::format(" after {} body bytes", have) : "",
                              retries > 0 ? fmt::format(" (after {} attempts)", retries + 1) : "");
    }
    LOG_DEBUG("http: {} {}{} -> {} ({} ms, {} body bytes)", method, redact_url(url), via, t.status,
              elapsed.count(), t.delivered + t.body.size());

    Response response;
    response.status = t.status;
    response.headers = std::move(t.headers);
    response.body = std::move(t.body);
    response.effective_url = url;

    if (request.follow_redirects && is_redirect_status(t.status)) {
      if (auto location = response.header("location")) {
        if (++hops > k_max_redirects) {
          return util::make_error(util::ErrorCategory::network, "{} {}{}: more than {} redirects",
                                  method, redact_url(request.url), via, k_max_redirects);
        }
        auto next = resolve_url(url, *location);
        if (!next) {
          return util::make_error(util::ErrorCategory::network, "{} {}: {}", method,
                                  redact_url(url), next.error().message);
        }
        auto next_origin = origin_of(*next);
        if (!next_origin ||
            (!next_origin->starts_with("http://") && !next_origin->starts_with("https://"))) {
          return util::make_error(util::ErrorCategory::network,
                                  "{} {}: redirect to unsupported URL '{}'", method,
                                  redact_url(url), redact_url(*next));
        }
        if (*next_origin != origin) {
          remove_headers(headers, {"authorization", "cookie"});
        }
        const bool to_get = (t.status == 303 && method != "HEAD") ||
                            ((t.status == 301 || t.status == 302) && method == "POST");
        if (to_get) {
          method = "GET";
          body.clear();
          remove_headers(headers, {"content-type", "content-length"});
        }
        LOG_DEBUG("http: redirect {} -> {}", redact_url(url), redact_url(*next));
        url = std::move(*next);
        origin = std::move(*next_origin);
        continue;
      }
    }

    if (is_retryable_status(t.status) && retries < max_retries) {
      std::optional<std::chrono::milliseconds> delay;
      if (t.status == 429 || t.status == 503) {
        if (auto value = response.header("retry-after")) {
          delay = parse_retry_after(*value, std::time(nullptr));
          if (delay && *delay > options.max_retry_after) {
            LOG_WARN("http: {} {}: {} with Retry-After {} (longer than {} ms): not retried", method,
                     redact_url(url), t.status, *value, options.max_retry_after.count());
            return response;
          }
        }
      }
      if (!delay) {
        delay = backoff_delay(retries, options.backoff_base, options.backoff_cap,
                              std::uniform_real_distribution<double>(0.0, 1.0)(rng));
      }
      LOG_WARN("http: {} {}: status {}; retry {}/{} in {} ms", method, redact_url(url), t.status,
               retries + 1, max_retries, delay->count());
      ++retries;
      sleep(*delay, request.stop);
      continue;
    }
    return response;
  }
}

Client::Client(ClientOptions options) : m_impl(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

util::Result<Response> Client::fetch(const Request& request, std::uint64_t max_body) {
  Transfer t;
  t.max_body = max_body;
  return m_impl->run(request, std::move(t));
}

util::Result<Response> Client::stream(const Request& request, const BodySink& sink) {
  Transfer t;
  t.streaming = true;
  t.sink = &sink;
  return m_impl->run(request, std::move(t));
}

}  // namespace strata::http
