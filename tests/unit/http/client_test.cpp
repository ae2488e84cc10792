#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "http/client.hpp"
#include "support/temp_dir.hpp"
#include "support/test_http_server.hpp"
#include "util/log.hpp"

using namespace strata;
using namespace strata::http;
using std::chrono::milliseconds;
using strata::test::Fault;
using strata::test::ScriptedResponse;
using strata::test::TestHttpServer;

namespace {

// Records the waits the client asks for instead of sleeping.
struct SleepLog {
  std::vector<milliseconds> waits;
  std::function<void(milliseconds)> fn() {
    return [this](milliseconds d) { waits.push_back(d); };
  }
};

ClientOptions fast_options(SleepLog& log, int retries = 3) {
  ClientOptions o;
  o.retries = retries;
  o.connect_timeout = milliseconds(2000);
  o.stall_timeout = milliseconds(1000);
  o.sleep = log.fn();
  return o;
}

ScriptedResponse ok(std::string body) {
  return strata::test::text_response(200, std::move(body));
}

}  // namespace

TEST_CASE("GET returns status, headers and body, reusing the connection", "[http][client]") {
  auto server = TestHttpServer::start_tcp([](const test::RecordedRequest& r) {
    auto resp = ok("hello " + r.target);
    resp.headers.emplace_back("X-Reply", "yes");
    return resp;
  });
  SleepLog sleeps;
  Client client(fast_options(sleeps));
  Request req;
  req.url = server->url("/a?b=c");
  req.headers = {{"Accept", "application/json"}, {"X-Empty", ""}};
  auto r = client.fetch(req);
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body == "hello /a?b=c");
  CHECK(r->header("x-reply") == "yes");
  CHECK(r->header("CONTENT-TYPE") == "text/plain");
  CHECK_FALSE(r->header("missing").has_value());
  CHECK(r->effective_url == req.url);

  req.url = server->url("/second");
  auto r2 = client.fetch(req);
  REQUIRE(r2.ok());
  CHECK(r2->body == "hello /second");

  auto seen = server->requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].method == "GET");
  CHECK(seen[0].header("accept") == "application/json");
  CHECK(seen[0].header("x-empty") == "");
  CHECK(seen[0].header("user-agent") == std::string("strata/") + STRATA_VERSION);
  CHECK_FALSE(seen[0].header("accept-encoding").has_value());  // blobs must arrive untouched
  CHECK(server->connection_count() == 1);                      // keep-alive reuse
  CHECK(sleeps.waits.empty());
}

TEST_CASE("HEAD, POST and PUT send the right method and body", "[http][client]") {
  auto server = TestHttpServer::start_tcp(
      [](const test::RecordedRequest& r) { return ok(r.method + ":" + r.body); });
  SleepLog sleeps;
  Client client(fast_options(sleeps));
  auto head = client.fetch({.method = "HEAD", .url = server->url("/h")});
  REQUIRE(head.ok());
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  CHECK(head->header("content-length") == "5");  // "HEAD:" is what a GET would have sent
  auto post = client.fetch({.method = "POST", .url = server->url("/p"), .body = "x=1"});
  REQUIRE(post.ok());
  CHECK(post->body == "POST:x=1");
  auto put = client.fetch({.method = "PUT", .url = server->url("/p"), .body = "data"});
  REQUIRE(put.ok());
  CHECK(put->body == "PUT:data");
  auto get = client.fetch({.url = server->url("/g")});
  REQUIRE(get.ok());
  CHECK(get->body == "GET:");
  auto seen = server->requests();
  REQUIRE(seen.size() == 4);
  CHECK(seen[0].method == "HEAD");
  CHECK_FALSE(seen[1].header("expect").has_value());
}

TEST_CASE("HTTP error statuses are responses, not errors", "[http][client]") {
  auto server = TestHttpServer::start_tcp([](const test::RecordedRequest&) {
    return strata::test::text_response(404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}");
  });
  SleepLog sleeps;
  Client client(fast_options(sleeps));
  auto r = client.fetch({.url = server->url("/v2/x/manifests/latest")});
  REQUIRE(r.ok());
  CHECK(r->status == 404);
  CHECK(r->body.find("MANIFEST_UNKNOWN") != std::string::npos);
  CHECK(server->request_count() == 1);
}

TEST_CASE("a body above max_body is a network error and is not retried", "[http][client]") {
  auto server =
      TestHttpServer::start_tcp(strata::test::sequence({ok(strata::test::pattern_body(100000))}));
  SleepLog sleeps;
  Client client(fast_options(sleeps));
  auto big = client.fetch({.url = server->url("/big")}, 50000);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().category == util::ErrorCategory::network);
  CHECK(big.error().message.find("50000") != std::string::npos);
  CHECK(server->request_count() == 1);
  auto exact = client.fetch({.url = server->url("/big")}, 100000);
  REQUIRE(exact.ok());
  CHECK(exact->body == strata::test::pattern_body(100000));
}

TEST_CASE("stream delivers the body in pieces and returns an empty body", "[http][client]") {
  const std::string body = strata::test::pattern_body(1 << 20);
  ScriptedResponse slow = ok(body);
  slow.chunk_size = 64 << 10;
  slow.chunk_delay = milliseconds(2);
  auto server = TestHttpServer::start_tcp(strata::test::sequence({slow}));
  SleepLog sleeps;
  Client client(fast_options(sleeps));
  std::string got;
  int calls = 0;
  auto r = client.stream({.url = server->url("/blob")}, [&](std::span<const std::byte> piece) {
    got.append(reinterpret_cast<const char*>(piece.data()), piece.size());
    ++calls;
    return util::Status{};
  });
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body.empty());
  CHECK(got == body);
  CHECK(calls > 1);
}

TEST_CASE("a sink error aborts the stream and is returned as is", "[http][client]") {
  ScriptedResponse slow = ok(strata::test::pattern_body(1 << 20));
  slow.chunk_size = 64 << 10;
  slow.chunk_delay = milliseconds(2);
  auto server = TestHttpServer::start_tcp(strata::test::sequence({slow}));
  SleepLog sleeps;
  Client client(fast_options(sleeps));
  std::size_t got = 0;
  auto r = client.stream({.url = server->url("/blob")}, [&](std::span<const std::byte> piece) {
    got += piece.size();
    return util::Status(util::input_error("digest mismatch"));
  });
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().category == util::ErrorCategory::input);
  CHECK(r.error().message == "digest mismatch");
  CHECK(got > 0);
  CHECK(got < (1u << 20));
  CHECK(server->request_count() == 1);
  CHECK(sleeps.waits.empty());
}

TEST_CASE("stream keeps a non-2xx body away from the sink", "[http][client]") {
  auto server = TestHttpServer::start_tcp(strata::test::sequence(
      {strata::test::text_response(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}")}));
  SleepLog sleeps;
  Client client(fast_options(sleeps));
  bool called = false;
  auto r = client.stream({.url = server->url("/blob")}, [&](std::span<const std::byte>) {
    called = true;
    return util::Status{};
  });
  REQUIRE(r.ok());
  CHECK(r->status == 401);
  CHECK(r->body.find("UNAUTHORIZED") != std::string::npos);
  CHECK_FALSE(called);
}

TEST_CASE("5xx responses are retried with growing, jittered backoff", "[http][client][retry]") {
  auto server = TestHttpServer::start_tcp(
      strata::test::sequence({strata::test::text_response(500, "boom"),
                              strata::test::text_response(502, "bad"), ok("finally")}));
  SleepLog sleeps;
  auto options = fast_options(sleeps);
  options.backoff_base = milliseconds(100);
  Client client(options);
  auto r = client.fetch({.url = server->url("/x")});
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body == "finally");  // the bodies of the retried responses are not mixed in
  CHECK(server->request_count() == 3);
  REQUIRE(sleeps.waits.size() == 2);
  CHECK(sleeps.waits[0] <= milliseconds(100));
  CHECK(sleeps.waits[1] <= milliseconds(200));
}

TEST_CASE("429 and 503 wait exactly as long as Retry-After says", "[http][client][retry]") {
  ScriptedResponse limited = strata::test::text_response(429, "slow down");
  limited.headers.emplace_back("Retry-After", "2");
  ScriptedResponse unavailable = strata::test::text_response(503, "later");
  unavailable.headers.emplace_back("Retry-After", "7");
  auto server = TestHttpServer::start_tcp(strata::test::sequence({limited, unavailable, ok("ok")}));
  SleepLog sleeps;
  Client client(fast_options(sleeps));
  auto r = client.fetch({.url = server->url("/x")});
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(server->request_count() == 3);
  CHECK(sleeps.waits == std::vector<milliseconds>{milliseconds(2000), milliseconds(7000)});
}

TEST_CASE("a Retry-After beyond max_retry_after ends the retries", "[http][client][retry]") {
  ScriptedResponse limited = strata::test::text_response(429, "come back in an hour");
  limited.headers.emplace_back("Retry-After", "3600");
  auto server = TestHttpServer::start_tcp(strata::test::sequence({limited, ok("ok")}));
  SleepLog sleeps;
  Client client(fast_options(sleeps));
  auto r = client.fetch({.url = server->url("/x")});
  REQUIRE(r.ok());
  CHECK(r->status == 429);
  CHECK(r->header("retry-after") == "3600");
  CHECK(server->request_count() == 1);
  CHECK(sleeps.waits.empty());
}

TEST_CASE("exhausted retries return the last 5xx response", "[http][client][retry]") {
  auto server =
      TestHttpServer::start_tcp(strata::test::sequence({strata::test::text_response(503, "down")}));
  SleepLog sleeps;
  Client client(fast_options(sleeps, 2));
  auto r = client.fetch({.url = server->url("/x")});
  REQUIRE(r.ok());
  CHECK(r->status == 503);
  CHECK(r->body == "down");
  CHECK(server->request_count() == 3);
  CHECK(sleeps.waits.size() == 2);

  // A request marked non-retryable is sent once.
  auto once = client.fetch({.method = "POST", .url = server->url("/x"), .retryable = false});
  REQUIRE(once.ok());
  CHECK(once->status == 503);
  CHECK(server->request_count() == 4);
}

TEST_CASE("connection refused is a network error after the retries, without secrets",
          "[http][client][retry]") {
  test::RefusingPort refusing;
  SleepLog sleeps;
  Client client(fast_options(sleeps, 2));
  const std::string url =
      "http://user:hunter2@127.0.0.1:" + std::to_string(refusing.port()) + "/v2/x?token=topsecret";
  auto r = client.fetch({.url = url, .headers = {{"Authorization", "Bearer abc.def"}}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().category == util::ErrorCategory::network);
  const auto& msg = r.error().message;
  INFO(msg);
  CHECK(msg.find("http://127.0.0.1:" + std::to_string(refusing.port()) + "/v2/x") !=
        std::string::npos);
  CHECK(msg.find("connect") != std::string::npos);
  CHECK(msg.find("after 3 attempts") != std::string::npos);
  CHECK(msg.find("hunter2") == std::string::npos);
  CHECK(msg.find("topsecret") == std::string::npos);
  CHECK(msg.find("abc.def") == std::string::npos);
  CHECK(sleeps.waits.size() == 2);
}

TEST_CASE("a stalled transfer times out", "[http][client][timeout]") {
  ScriptedResponse stall = ok(strata::test::pattern_body(1000));
  stall.fault = Fault::stall_mid_body;
  stall.fault_after = 10;
  stall.stall = milliseconds(10000);
  auto server = TestHttpServer::start_tcp(strata::test::sequence({stall}));
  SleepLog sleeps;
  Client client(fast_options(sleeps, 0));
  const auto start = std::chrono::steady_clock::now();
  auto r = client.fetch({.url = server->url("/slow")});
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().category == util::ErrorCategory::network);
  INFO(r.error().message);
  CHECK(r.error().message.find("/slow") != std::string::npos);
  CHECK(took >= milliseconds(900));
  CHECK(took < milliseconds(5000));
}

TEST_CASE("a server that never answers times out and is retried", "[http][client][timeout]") {
  ScriptedResponse silent = ok("late");
  silent.fault = Fault::stall_before_response;
  silent.stall = milliseconds(10000);
  auto server = TestHttpServer::start_tcp(strata::test::sequence({silent, ok("on time")}));
  SleepLog sleeps;
  Client client(fast_options(sleeps, 1));
  const auto start = std::chrono::steady_clock::now();
  auto r = client.fetch({.url = server->url("/x")});
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(r.ok());
  CHECK(r->body == "on time");
  CHECK(server->request_count() == 2);
  CHECK(server->connection_count() == 2);  // the stalled connection is not reused
  CHECK(took < milliseconds(5000));
}

TEST_CASE("a body cut short (FIN before Content-Length) is an error", "[http][client]") {
  ScriptedResponse cut = ok(strata::test::pattern_body(5000));
  cut.fault = Fault::close_mid_body;
  cut.fault_after = 1000;
  auto server = TestHttpServer::start_tcp(strata::test::sequence({cut}));
  SleepLog sleeps;
  Client client(fast_options(sleeps, 1));
  auto r = client.fetch({.url = server->url("/x")});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().category == util::ErrorCategory::network);
  CHECK(r.error().message.find("after 2 attempts") != std::string::npos);
  CHECK(server->request_count() == 2);
}

TEST_CASE("a reset mid-body: fetch retries, stream after the first byte does not",
          "[http][client][retry]") {
  const std::string body = strata::test::pattern_body(200000);
  ScriptedResponse cut = ok(body);
  cut.fault = Fault::reset_mid_body;
  cut.fault_after = 100000;

  SECTION("fetch discards the partial body and retries") {
    auto server = TestHttpServer::start_tcp(strata::test::sequence({cut, ok(body)}));
    SleepLog sleeps;
    Client client(fast_options(sleeps));
    auto r = client.fetch({.url = server->url("/blob")});
    REQUIRE(r.ok());
    CHECK(r->body == body);
    CHECK(server->request_count() == 2);
    CHECK(sleeps.waits.size() == 1);
  }
  SECTION("stream returns an error naming the delivered bytes") {
    auto server = TestHttpServer::start_tcp(strata::test::sequence({cut, ok(body)}));
    SleepLog sleeps;
    Client client(fast_options(sleeps));
    std::size_t got = 0;
    auto r = client.stream({.url = server->url("/blob")}, [&](std::span<const std::byte> p) {
      got += p.size();
      return util::Status{};
    });
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().category == util::ErrorCategory::network);
    INFO(r.error().message);
    CHECK(r.error().message.find("not retried") != std::string::npos);
    CHECK(got > 0);
    CHECK(got <= 100000);
    CHECK(server->request_count() == 1);
    CHECK(sleeps.waits.empty());
  }
  SECTION("stream retries a connection closed before any body byte") {
    ScriptedResponse hangup;
    hangup.fault = Fault::close_before_response;
    auto server = TestHttpServer::start_tcp(strata::test::sequence({hangup, ok(body)}));
    SleepLog sleeps;
    Client client(fast_options(sleeps));
    std::string got;
    auto r = client.stream({.url = server->url("/blob")}, [&](std::span<const std::byte> p) {
      got.append(reinterpret_cast<const char*>(p.data()), p.size());
      return util::Status{};
    });
    REQUIRE(r.ok());
    CHECK(got == body);
    CHECK(server->request_count() == 2);
  }
}

TEST_CASE("redirects keep Authorization on the same origin only", "[http][client][redirect]") {
  auto storage = TestHttpServer::start_tcp(
      [](const test::RecordedRequest& r) { return ok("blob at " + r.target); });
  const std::string storage_url = storage->url("/bucket/blob?X-Signature=s3cr3t");
  auto registry = TestHttpServer::start_tcp([&](const test::RecordedRequest& r) {
    if (r.target == "/v2/lib/blobs/one") return strata::test::redirect_response(307, "two");
    if (r.target == "/v2/lib/blobs/two") return strata::test::redirect_response(302, storage_url);
    return strata::test::text_response(404, "");
  });
  SleepLog sleeps;
  Client client(fast_options(sleeps));
  Request req;
  req.url = registry->url("/v2/lib/blobs/one");
  req.headers = {
      {"Authorization", "Bearer registry-token"}, {"Cookie", "session=1"}, {"Accept", "*/*"}};
  auto r = client.fetch(req);
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body == "blob at /bucket/blob?X-Signature=s3cr3t");
  CHECK(r->effective_url == storage_url);

  auto at_registry = registry->requests();
  REQUIRE(at_registry.size() == 2);
  CHECK(at_registry[1].target == "/v2/lib/blobs/two");  // relative Location resolved
  CHECK(at_registry[1].header("authorization") == "Bearer registry-token");
  auto at_storage = storage->requests();
  REQUIRE(at_storage.size() == 1);
  CHECK_FALSE(at_storage[0].header("authorization").has_value());
  CHECK_FALSE(at_storage[0].header("cookie").has_value());
  CHECK(at_storage[0].header("accept") == "*/*");

  SECTION("follow_redirects = false returns the redirect") {
    req.follow_redirects = false;
    auto raw = client.fetch(req);
    REQUIRE(raw.ok());
    CHECK(raw->status == 307);
    CHECK(raw->header("location") == "two");
  }
}

TEST_CASE("303 after a POST continues as a GET without a body", "[http][client][redirect]") {
  auto server = TestHttpServer::start_tcp([](const test::RecordedRequest& r) {
    if (r.target == "/submit") return strata::test::redirect_response(303, "/result");
    return ok(r.method + ":" + r.body);
  });
  SleepLog sleeps;
  Client client(fast_options(sleeps));
  auto r = client.fetch({.method = "POST",
                         .url = server->url("/submit"),
                         .headers = {{"Content-Type", "application/json"}},
                         .body = "{}"});
  REQUIRE(r.ok());
  CHECK(r->body == "GET:");
  auto seen = server->requests();
  REQUIRE(seen.size() == 2);
  CHECK_FALSE(seen[1].header("content-type").has_value());
}

TEST_CASE("a redirect loop stops after k_max_redirects hops", "[http][client][redirect]") {
  auto server = TestHttpServer::start_tcp(
      strata::test::sequence({strata::test::redirect_response(302, "/loop")}));
  SleepLog sleeps;
  Client client(fast_options(sleeps));
  auto r = client.fetch({.url = server->url("/loop")});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().category == util::ErrorCategory::network);
  CHECK(r.error().message.find("more than 10 redirects") != std::string::npos);
  CHECK(server->request_count() == k_max_redirects + 1);
}

TEST_CASE("a redirect to another scheme is refused", "[http][client][redirect]") {
  auto server = TestHttpServer::start_tcp(
      strata::test::sequence({strata::test::redirect_response(302, "file:///etc/passwd")}));
  SleepLog sleeps;
  Client client(fast_options(sleeps));
  auto r = client.fetch({.url = server->url("/x")});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("unsupported") != std::string::npos);
  CHECK(server->request_count() == 1);
}

TEST_CASE("requests over a unix socket", "[http][client][unix]") {
  const strata::test_support::TempDir tmp("strata-http");
  const std::filesystem::path dir = tmp.path;
  const std::string path = (dir / "docker.sock").string();
  {
    auto server = TestHttpServer::start_unix(path, [](const test::RecordedRequest& r) {
      if (r.target == "/v1.41/_ping") return ok("OK");
      return strata::test::text_response(404, "page not found");
    });
    SleepLog sleeps;
    auto options = fast_options(sleeps);
    options.unix_socket = path;
    Client client(options);
    auto r = client.fetch({.url = "http://localhost/v1.41/_ping"});
    REQUIRE(r.ok());
    CHECK(r->status == 200);
    CHECK(r->body == "OK");
    auto missing = client.fetch({.url = "http://localhost/v1.41/images/nope/json"});
    REQUIRE(missing.ok());
    CHECK(missing->status == 404);
    auto seen = server->requests();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].header("host") == "localhost");
  }
  SleepLog sleeps;
  auto options = fast_options(sleeps, 0);
  options.unix_socket = (dir / "absent.sock").string();
  Client client(options);
  auto r = client.fetch({.url = "http://localhost/_ping"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().category == util::ErrorCategory::network);
  CHECK(r.error().message.find("absent.sock") != std::string::npos);
}

TEST_CASE("trace logging never shows Authorization or Cookie values", "[http][client][log]") {
  auto server = TestHttpServer::start_tcp(strata::test::sequence({ok("fine")}));
  std::FILE* log_file = std::tmpfile();
  REQUIRE(log_file != nullptr);
  const auto old_level = util::log::level();
  util::log::set_sink(log_file);
  util::log::set_level(util::log::Level::trace);
  SleepLog sleeps;
  Client client(fast_options(sleeps));
  auto r = client.fetch({.url = server->url("/x?sig=query-secret"),
                         .headers = {{"Authorization", "Basic dXNlcjpwYXNz"},
                                     {"cookie", "sid=cookie-secret"},
                                     {"X-Visible", "shown"}}});
  util::log::set_level(old_level);
  util::log::set_sink(nullptr);
  REQUIRE(r.ok());
  std::rewind(log_file);
  std::string text;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, log_file)) > 0;) text.append(buf, n);
  std::fclose(log_file);
  INFO(text);
  CHECK(text.find("shown") != std::string::npos);
  CHECK(text.find("<redacted>") != std::string::npos);
  CHECK(text.find("dXNlcjpwYXNz") == std::string::npos);
  CHECK(text.find("cookie-secret") == std::string::npos);
  CHECK(text.find("query-secret") == std::string::npos);
}

TEST_CASE("a slow but steady body is not a stall", "[http][client][timeout]") {
  // 24 pieces 80 ms apart: 1.8 s in all, longer than stall_timeout, but never 1 s without data.
  ScriptedResponse steady = ok(strata::test::pattern_body(24 * 100));
  steady.chunk_size = 100;
  steady.chunk_delay = milliseconds(80);
  auto server = TestHttpServer::start_tcp(strata::test::sequence({steady}));
  SleepLog sleeps;
  Client client(fast_options(sleeps, 0));
  std::string got;
  auto r = client.stream({.url = server->url("/slow")}, [&](std::span<const std::byte> p) {
    got.append(reinterpret_cast<const char*>(p.data()), p.size());
    return util::Status{};
  });
  REQUIRE(r.ok());
  CHECK(got == strata::test::pattern_body(24 * 100));
}

TEST_CASE("proxy settings from the environment are honoured", "[http][client][proxy]") {
  auto proxy = TestHttpServer::start_tcp(
      [](const test::RecordedRequest& r) { return ok("via proxy: " + r.target); });
  auto direct = TestHttpServer::start_tcp(strata::test::sequence({ok("direct")}));
  ::setenv("http_proxy", proxy->base_url().c_str(), 1);
  SleepLog sleeps;
  Client client(fast_options(sleeps, 0));
  // An absolute-form request line is what a forward proxy receives.
  auto r = client.fetch({.url = "http://registry.invalid/v2/"});
  ::setenv("no_proxy", "127.0.0.1", 1);
  auto bypass = client.fetch({.url = direct->url("/x")});
  ::unsetenv("http_proxy");
  ::unsetenv("no_proxy");
  REQUIRE(r.ok());
  CHECK(r->body == "via proxy: http://registry.invalid/v2/");
  REQUIRE(bypass.ok());
  CHECK(bypass->body == "direct");
  CHECK(proxy->request_count() == 1);
}

TEST_CASE("one Client per thread works concurrently", "[http][client][threads]") {
  auto server =
      TestHttpServer::start_tcp([](const test::RecordedRequest& r) { return ok(r.target); });
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      Client client;
      for (int j = 0; j < 10; ++j) {
        const std::string path = "/t" + std::to_string(i) + "/" + std::to_string(j);
        auto r = client.fetch({.url = server->url(path)});
        if (r.ok() && r->body == path) ++good[i];
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(good == std::vector<int>{10, 10, 10, 10});
  CHECK(server->request_count() == 40);
  CHECK(server->connection_count() == 4);
}
