#include <catch2/catch.hpp>

#include <string>

#include "image/auth_challenge.hpp"

using namespace strata;
using image::AuthChallenge;

namespace {

std::vector<AuthChallenge> parse_ok(const std::string& header) {
  auto r = image::parse_www_authenticate(header);
  if (!r.ok()) FAIL(r.error().message);
  return std::move(r).value();
}

}  // namespace

TEST_CASE("auth challenge: Docker Hub bearer", "[image][auth_challenge]") {
  auto cs = parse_ok(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull")");
  REQUIRE(cs.size() == 1);
  CHECK(cs[0].is_bearer());
  CHECK(cs[0].scheme == "bearer");
  CHECK(cs[0].param("realm") == "https://auth.docker.io/token");
  CHECK(cs[0].param("service") == "registry.docker.io");
  CHECK(cs[0].param("scope") == "repository:library/ubuntu:pull");
  CHECK(cs[0].param("SCOPE") == "repository:library/ubuntu:pull");
  CHECK_FALSE(cs[0].param("error").has_value());
  CHECK(cs[0].scopes() == std::vector<std::string>{"repository:library/ubuntu:pull"});
}

TEST_CASE("auth challenge: registry 2.8 responses (feasibility notes)", "[image][auth_challenge]") {
  // htpasswd, plain HTTP and HTTP/2 over TLS (lower-case header name, same value)
  for (const char* realm : {"strata-test", "strata-tls"}) {
    auto cs = parse_ok(std::string("Basic realm=\"") + realm + "\"");
    REQUIRE(cs.size() == 1);
    CHECK(cs[0].is_basic());
    CHECK(cs[0].param("realm") == realm);
  }
  // token auth
  auto v2 = parse_ok(R"(Bearer realm="http://127.0.0.1:5005/token",service="strata-registry")");
  REQUIRE(v2.size() == 1);
  CHECK(v2[0].param("realm") == "http://127.0.0.1:5005/token");
  CHECK(v2[0].param("service") == "strata-registry");
  CHECK(v2[0].scopes().empty());
  auto catalog = parse_ok(
      R"(Bearer realm="http://127.0.0.1:5005/token",service="strata-registry",scope="registry:catalog:*")");
  CHECK(catalog[0].param("scope") == "registry:catalog:*");
  auto denied = parse_ok(
      R"(Bearer realm="http://127.0.0.1:5005/token",service="strata-registry",scope="repository:bar:pull",error="insufficient_scope")");
  REQUIRE(denied.size() == 1);
  CHECK(denied[0].param("error") == "insufficient_scope");
  CHECK(denied[0].params.size() == 4);
}

TEST_CASE("auth challenge: other registries' shapes", "[image][auth_challenge]") {
  // GHCR
  auto gh = parse_ok(
      R"(Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull")");
  CHECK(gh[0].param("service") == "ghcr.io");
  // Several scopes in one parameter.
  auto multi = parse_ok(
      R"(Bearer realm="https://auth.example.com/token",scope="repository:a:pull repository:b:pull,push")");
  CHECK(multi[0].scopes() ==
        std::vector<std::string>{"repository:a:pull", "repository:b:pull,push"});
  // ECR / Harbor / Quay basic with extra spaces and upper-case names.
  auto ecr = parse_ok(
      R"(Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com")");
  CHECK(ecr[0].param("service") == "ecr.amazonaws.com");
  auto spaced = parse_ok(R"(  BEARER   Realm = "https://x/token" ,  Service="x"  )");
  REQUIRE(spaced.size() == 1);
  CHECK(spaced[0].is_bearer());
  CHECK(spaced[0].params[0].first == "realm");
  CHECK(spaced[0].param("realm") == "https://x/token");
  CHECK(spaced[0].param("service") == "x");
}

TEST_CASE("auth challenge: quoting and tokens", "[image][auth_challenge]") {
  auto q = parse_ok(R"(Basic realm="say \"hi\", \\ and, more")");
  REQUIRE(q.size() == 1);
  CHECK(q[0].param("realm") == R"(say "hi", \ and, more)");
  auto empty = parse_ok(R"(Basic realm="")");
  CHECK(empty[0].param("realm") == "");
  auto tokens = parse_ok("Bearer realm=https://auth.example/token,service=registry,charset=UTF-8");
  REQUIRE(tokens.size() == 1);
  CHECK(tokens[0].param("realm") == "https://auth.example/token");
  CHECK(tokens[0].param("service") == "registry");
  CHECK(tokens[0].param("charset") == "UTF-8");
  auto bare = parse_ok("Negotiate");
  REQUIRE(bare.size() == 1);
  CHECK(bare[0].scheme == "negotiate");
  CHECK(bare[0].params.empty());
  auto t68 = parse_ok("Negotiate YIIBhwYGKwYBBQUCoIIBezCC+/==");
  REQUIRE(t68.size() == 1);
  CHECK(t68[0].token68 == "YIIBhwYGKwYBBQUCoIIBezCC+/==");
  CHECK(t68[0].params.empty());
  // RFC 7235 reads a lone `name` or `name=` as token68, not as a parameter.
  CHECK(parse_ok("Bearer realm")[0].token68 == "realm");
  CHECK(parse_ok("Bearer realm=")[0].token68 == "realm=");
  CHECK(parse_ok("Bearer realm=")[0].params.empty());
  CHECK(parse_ok("").empty());
  CHECK(parse_ok("   ").empty());
  CHECK(parse_ok(" , ,").empty());
}

TEST_CASE("auth challenge: several challenges in one header", "[image][auth_challenge]") {
  auto cs = parse_ok(
      R"(Basic realm="basic-realm", Bearer realm="https://auth/token",service="svc", Negotiate, NTLM abc=, Digest realm="d", qop="auth,auth-int", nonce=xyz)");
  REQUIRE(cs.size() == 5);
  CHECK(cs[0].scheme == "basic");
  CHECK(cs[0].param("realm") == "basic-realm");
  CHECK(cs[1].scheme == "bearer");
  CHECK(cs[1].param("realm") == "https://auth/token");
  CHECK(cs[1].param("service") == "svc");
  CHECK(cs[2].scheme == "negotiate");
  CHECK(cs[2].params.empty());
  CHECK(cs[3].scheme == "ntlm");
  CHECK(cs[3].token68 == "abc=");
  CHECK(cs[4].scheme == "digest");
  CHECK(cs[4].param("qop") == "auth,auth-int");
  CHECK(cs[4].param("nonce") == "xyz");
  REQUIRE(image::find_challenge(cs, "BEARER") != nullptr);
  CHECK(image::find_challenge(cs, "bearer")->param("service") == "svc");
  CHECK(image::find_challenge(cs, "hoba") == nullptr);
  // Empty list elements between challenges and parameters are allowed (RFC 7230 §7).
  auto gaps = parse_ok(R"(Basic realm="a",, ,Bearer realm="b",,service="s")");
  REQUIRE(gaps.size() == 2);
  CHECK(gaps[1].param("service") == "s");
}

TEST_CASE("auth challenge: malformed headers", "[image][auth_challenge]") {
  for (const char* bad : {R"(Bearer realm="https://auth/token)", R"(Bearer realm="a" service="b")",
                          R"(Bearer realm="a", =b)", R"("Bearer" realm="a")", R"(Bearer realm="a\)",
                          "Bearer;realm=a", R"(Bearer realm="a"x)"}) {
    INFO(bad);
    auto r = image::parse_www_authenticate(bad);
    if (r.ok()) FAIL_CHECK("parsed " << r->size() << " challenge(s)");
    if (r.ok()) continue;
    CHECK(r.error().category == util::ErrorCategory::network);
    CHECK_THAT(r.error().message, Catch::StartsWith("malformed WWW-Authenticate header: "));
  }
}
