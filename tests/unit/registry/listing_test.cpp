// RegistryClient::list_tags / list_repositories against a scripted server: Link pagination,
// its bounds, and what a hostile registry's Link may not do.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "registry/client.hpp"
#include "support/test_http_server.hpp"

using namespace strata;

namespace {

registry::RegistryOptions plain() {
  registry::RegistryOptions o;
  o.plain_http = true;
  o.http.retries = 0;
  return o;
}

std::string host_of(const test::TestHttpServer& s) {
  return fmt::format("127.0.0.1:{}", s.port());
}

// tags t0..t(n-1), `page` per page, each page linking the next with `last` and `n`.
test::ScriptedResponse tags_page(const test::RecordedRequest& r, int n) {
  int start = 0;
  int page = 100;
  if (auto q = r.target.find("last=t"); q != std::string::npos) {
    start = std::stoi(r.target.substr(q + 6)) + 1;
  }
  if (auto q = r.target.find("n="); q != std::string::npos) {
    page = std::stoi(r.target.substr(q + 2));
  }
  std::string body = R"({"name":"app","tags":[)";
  int end = std::min(n, start + page);
  for (int i = start; i < end; ++i) {
    body += fmt::format("{}\"t{}\"", i == start ? "" : ",", i);
  }
  body += "]}";
  auto resp = test::text_response(200, body);
  if (end < n) {
    resp.headers.emplace_back(
        "Link", fmt::format("</v2/app/tags/list?n={}&last=t{}>; rel=\"next\"", page, end - 1));
  }
  return resp;
}

}  // namespace

TEST_CASE("tags are listed page by page as the Link headers lead") {
  auto server = test::TestHttpServer::start_tcp(
      [](const test::RecordedRequest& r) { return tags_page(r, 7); });
  registry::RegistryClient client(host_of(*server), "app", plain());
  auto tags = client.list_tags(2);
  REQUIRE(tags);
  CHECK(*tags == std::vector<std::string>{"t0", "t1", "t2", "t3", "t4", "t5", "t6"});
  auto reqs = server->requests();
  REQUIRE(reqs.size() == 4);
  CHECK(reqs[0].target == "/v2/app/tags/list?n=2");
  CHECK(reqs[3].target == "/v2/app/tags/list?n=2&last=t5");
}

TEST_CASE("a registry that sends the whole list at once needs one request") {
  auto server = test::TestHttpServer::start_tcp(
      [](const test::RecordedRequest& r) { return tags_page(r, 5); });
  registry::RegistryClient client(host_of(*server), "app", plain());
  auto tags = client.list_tags(100);
  REQUIRE(tags);
  CHECK(tags->size() == 5);
  CHECK(server->request_count() == 1);
}

TEST_CASE("the catalog follows Link pages, with an absolute URL on the same registry") {
  std::unique_ptr<test::TestHttpServer> server;
  server = test::TestHttpServer::start_tcp([&](const test::RecordedRequest& r) {
    if (r.target.find("last=b") != std::string::npos) {
      return test::text_response(200, R"({"repositories":["c/d"]})");
    }
    auto resp = test::text_response(200, R"({"repositories":["a","b"]})");
    resp.headers.emplace_back("Link",
                              "<" + server->url("/v2/_catalog?n=2&last=b") + ">; rel=\"next\"");
    return resp;
  });
  auto repos = registry::RegistryClient::list_repositories(host_of(*server), plain(), 2);
  REQUIRE(repos);
  CHECK(*repos == std::vector<std::string>{"a", "b", "c/d"});
}

TEST_CASE("a Link to another server, a page that leads back, a non-list: errors") {
  SECTION("another server would get our credentials") {
    auto server = test::TestHttpServer::start_tcp([](const test::RecordedRequest&) {
      auto resp = test::text_response(200, R"({"tags":["a"]})");
      resp.headers.emplace_back("Link",
                                "<http://198.51.100.7/v2/app/tags/list?last=a>; rel=\"next\"");
      return resp;
    });
    registry::RegistryClient client(host_of(*server), "app", plain());
    auto tags = client.list_tags(10);
    REQUIRE_FALSE(tags);
    CHECK_THAT(tags.error().message, Catch::Contains("next page is on another server"));
    CHECK(server->request_count() == 1);
  }
  SECTION("a loop") {
    auto server = test::TestHttpServer::start_tcp([](const test::RecordedRequest&) {
      auto resp = test::text_response(200, R"({"tags":["a"]})");
      resp.headers.emplace_back("Link", "</v2/app/tags/list?n=1&last=a>; rel=\"next\"");
      return resp;
    });
    registry::RegistryClient client(host_of(*server), "app", plain());
    auto tags = client.list_tags(1);
    REQUIRE_FALSE(tags);
    CHECK_THAT(tags.error().message, Catch::Contains("does not end"));
    CHECK(server->request_count() == 2);
  }
  SECTION("not a list of names") {
    auto server = test::TestHttpServer::start_tcp(
        [](const test::RecordedRequest&) { return test::text_response(200, R"({"tags":[1,2]})"); });
    registry::RegistryClient client(host_of(*server), "app", plain());
    auto tags = client.list_tags(1);
    REQUIRE_FALSE(tags);
    CHECK_THAT(tags.error().message, Catch::Contains("other than names"));
  }
  SECTION("a refused catalog names the status") {
    auto server = test::TestHttpServer::start_tcp(
        [](const test::RecordedRequest&) { return test::text_response(404, "{}"); });
    auto repos = registry::RegistryClient::list_repositories(host_of(*server), plain(), 10);
    REQUIRE_FALSE(repos);
    CHECK_THAT(repos.error().message, Catch::Contains("/v2/_catalog"));
  }
}

TEST_CASE("a repository without tags lists none") {
  auto server = test::TestHttpServer::start_tcp([](const test::RecordedRequest&) {
    return test::text_response(200, R"({"name":"app","tags":null})");
  });
  registry::RegistryClient client(host_of(*server), "app", plain());
  auto tags = client.list_tags(10);
  REQUIRE(tags);
  CHECK(tags->empty());
}
