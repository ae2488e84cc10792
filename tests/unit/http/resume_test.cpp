// stream() of a resumable request: a cut transfer goes on with a Range request (206 continues,
// 200 has the bytes already delivered dropped), and a stop request cancels a transfer.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <stop_token>
#include <thread>

#include "http/client.hpp"
#include "support/test_http_server.hpp"

using namespace strata;
using namespace strata::http;
using std::chrono::milliseconds;
using strata::test::Fault;
using strata::test::RecordedRequest;
using strata::test::ScriptedResponse;
using strata::test::TestHttpServer;

namespace {

ClientOptions quick(int retries = 3) {
  ClientOptions o;
  o.retries = retries;
  o.connect_timeout = milliseconds(2000);
  o.stall_timeout = milliseconds(1000);
  o.sleep = [](milliseconds) {};
  return o;
}

// Serves `body`: the first `cuts` answers are reset after `cut_after` bytes; a Range request
// gets a 206 from the asked offset (or a 200 with everything when `honour_range` is false, or a
// 206 starting at `wrong_start` when set).
struct RangeServer {
  std::string body;
  int cuts = 1;
  std::size_t cut_after = 0;
  bool honour_range = true;
  long wrong_start = -1;

  ScriptedResponse operator()(const RecordedRequest& r) {
    std::size_t from = 0;
    if (auto range = r.header("Range"); range && honour_range) {
      from = std::strtoull(range->c_str() + 6, nullptr, 10);  // "bytes=N-"
    }
    ScriptedResponse resp;
    if (from > 0) {
      const std::size_t start = wrong_start >= 0 ? static_cast<std::size_t>(wrong_start) : from;
      resp.status = 206;
      resp.body = body.substr(start);
      resp.headers = {{"Content-Range", "bytes " + std::to_string(start) + "-" +
                                            std::to_string(body.size() - 1) + "/" +
                                            std::to_string(body.size())}};
    } else {
      resp.body = body;
    }
    if (cuts > 0) {
      --cuts;
      resp.fault = Fault::reset_mid_body;
      resp.fault_after = cut_after;
    }
    return resp;
  }
};

util::Result<Response> collect(Client& client, Request req, std::string& got) {
  return client.stream(req, [&](std::span<const std::byte> p) {
    got.append(reinterpret_cast<const char*>(p.data()), p.size());
    return util::Status{};
  });
}

}  // namespace

TEST_CASE("a resumable stream cut mid-body goes on with Range and 206", "[http][resume]") {
  const std::string body = strata::test::pattern_body(300000);
  RangeServer handler{.body = body, .cuts = 2, .cut_after = 100000};
  auto server = TestHttpServer::start_tcp(std::ref(handler));
  Client client(quick());
  std::string got;
  auto r = collect(client, {.url = server->url("/blob"), .resumable = true}, got);
  REQUIRE(r.ok());
  CHECK(r->status == 206);
  CHECK(got == body);
  auto requests = server->requests();
  REQUIRE(requests.size() == 3);
  CHECK_FALSE(requests[0].header("Range"));
  REQUIRE(requests[1].header("Range"));
  // the second attempt starts where the first stopped, the third where the second stopped
  const auto first = std::strtoull(requests[1].header("Range")->c_str() + 6, nullptr, 10);
  const auto second = std::strtoull(requests[2].header("Range")->c_str() + 6, nullptr, 10);
  CHECK(first > 0);
  CHECK(first <= 100000);
  CHECK(second > first);
}

TEST_CASE("a resumed stream answered 200 drops the bytes it already delivered", "[http][resume]") {
  const std::string body = strata::test::pattern_body(300000);
  RangeServer handler{.body = body, .cuts = 1, .cut_after = 120000, .honour_range = false};
  auto server = TestHttpServer::start_tcp(std::ref(handler));
  Client client(quick());
  std::string got;
  auto r = collect(client, {.url = server->url("/blob"), .resumable = true}, got);
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(got == body);
  CHECK(server->request_count() == 2);
}

TEST_CASE("a 206 that starts elsewhere than asked is an error", "[http][resume]") {
  const std::string body = strata::test::pattern_body(300000);
  RangeServer handler{.body = body, .cuts = 1, .cut_after = 100000, .wrong_start = 0};
  auto server = TestHttpServer::start_tcp(std::ref(handler));
  Client client(quick());
  std::string got;
  auto r = collect(client, {.url = server->url("/blob"), .resumable = true}, got);
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  CHECK(r.error().category == util::ErrorCategory::network);
  CHECK(r.error().message.find("range starting elsewhere") != std::string::npos);
  CHECK(body.starts_with(got));
}

TEST_CASE("resume counts against the retries", "[http][resume]") {
  const std::string body = strata::test::pattern_body(300000);
  RangeServer handler{.body = body, .cuts = 5, .cut_after = 50000};
  auto server = TestHttpServer::start_tcp(std::ref(handler));
  Client client(quick(2));
  std::string got;
  auto r = collect(client, {.url = server->url("/blob"), .resumable = true}, got);
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  CHECK(r.error().message.find("(after 3 attempts)") != std::string::npos);
  CHECK(r.error().message.find("body bytes") != std::string::npos);
  CHECK(server->request_count() == 3);
  CHECK(body.starts_with(got));
}

TEST_CASE("Request::offset asks only for the rest", "[http][resume]") {
  const std::string body = strata::test::pattern_body(1000);
  RangeServer handler{.body = body, .cuts = 0};
  auto server = TestHttpServer::start_tcp(std::ref(handler));
  Client client(quick());
  std::string got;
  auto r = collect(client, {.url = server->url("/blob"), .resumable = true, .offset = 400}, got);
  REQUIRE(r.ok());
  CHECK(got == body.substr(400));
  CHECK(server->requests().at(0).header("Range") == std::optional<std::string>("bytes=400-"));
}

TEST_CASE("a stop request cancels a stalled stream promptly", "[http][resume]") {
  ScriptedResponse stall = strata::test::text_response(200, strata::test::pattern_body(100000));
  stall.fault = Fault::stall_mid_body;
  stall.fault_after = 1000;
  stall.stall = milliseconds(8000);
  auto server = TestHttpServer::start_tcp(strata::test::sequence({stall}));
  ClientOptions o = quick();
  o.stall_timeout = milliseconds(30000);
  Client client(o);
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(300));
    stop.request_stop();
  });
  const auto start = std::chrono::steady_clock::now();
  std::string got;
  auto r = collect(client,
                   {.url = server->url("/blob"), .resumable = true, .stop = stop.get_token()}, got);
  const auto took = std::chrono::steady_clock::now() - start;
  stopper.join();
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  CHECK(r.error().message.ends_with("cancelled"));
  CHECK(took < milliseconds(2500));
  CHECK(server->request_count() == 1);
}
