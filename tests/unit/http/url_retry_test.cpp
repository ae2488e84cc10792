#include <catch2/catch.hpp>

#include "http/retry.hpp"
#include "http/url.hpp"

using namespace strata::http;
using std::chrono::milliseconds;

TEST_CASE("resolve_url follows RFC 3986 references", "[http][url]") {
  const std::string base = "https://reg.example:5000/v2/lib/blobs/sha256:aa?x=1";
  CHECK(*resolve_url(base, "https://s3.example/bucket/obj?sig=2") ==
        "https://s3.example/bucket/obj?sig=2");
  CHECK(*resolve_url(base, "//cdn.example/o") == "https://cdn.example/o");
  CHECK(*resolve_url(base, "/v2/other") == "https://reg.example:5000/v2/other");
  // "sha256:bb" alone would be an absolute URI of scheme "sha256" (RFC 3986 §4.2).
  CHECK(*resolve_url(base, "./sha256:bb") == "https://reg.example:5000/v2/lib/blobs/sha256:bb");
  CHECK(*resolve_url(base, "blob?y=2") == "https://reg.example:5000/v2/lib/blobs/blob?y=2");
  CHECK(*resolve_url(base, "../manifests/latest") ==
        "https://reg.example:5000/v2/lib/manifests/latest");
  CHECK_FALSE(resolve_url("not a url", "/x").ok());
}

TEST_CASE("origin_of normalises scheme, host and default port", "[http][url]") {
  CHECK(*origin_of("https://Example.COM/a") == "https://example.com:443");
  CHECK(*origin_of("https://example.com:443/b?q") == "https://example.com:443");
  CHECK(*origin_of("http://example.com/") == "http://example.com:80");
  CHECK(*origin_of("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080");
  CHECK(*origin_of("http://127.0.0.1:8080/x") != *origin_of("http://127.0.0.1:8081/x"));
  CHECK(*origin_of("http://a.example/") != *origin_of("https://a.example/"));
  CHECK(*origin_of("http://a.example/") != *origin_of("http://b.example/"));
  CHECK_FALSE(origin_of("/relative/only").ok());
}

TEST_CASE("redact_url drops userinfo, query and fragment", "[http][url]") {
  CHECK(redact_url("https://user:s3cret@reg.example/v2/x?X-Amz-Signature=abc#f") ==
        "https://reg.example/v2/x");
  CHECK(redact_url("http://127.0.0.1:1234/a/b") == "http://127.0.0.1:1234/a/b");
  CHECK(redact_url("::::") == "<unparseable url>");
}

TEST_CASE("backoff_delay is full jitter under an exponential, capped ceiling", "[http][retry]") {
  const milliseconds base{500}, cap{30000};
  CHECK(backoff_delay(0, base, cap, 0.0) == milliseconds(0));
  CHECK(backoff_delay(0, base, cap, 0.5) == milliseconds(250));
  CHECK(backoff_delay(1, base, cap, 0.5) == milliseconds(500));
  CHECK(backoff_delay(3, base, cap, 0.999) == milliseconds(3996));
  CHECK(backoff_delay(10, base, cap, 0.5) == milliseconds(15000));    // 512000 capped to 30000
  CHECK(backoff_delay(1000, base, cap, 1.0) == milliseconds(30000));  // no overflow
}

TEST_CASE("parse_retry_after reads seconds and HTTP dates", "[http][retry]") {
  CHECK(parse_retry_after("120", 0) == milliseconds(120000));
  CHECK(parse_retry_after(" 0 ", 0) == milliseconds(0));
  // Sun, 06 Nov 1994 08:49:37 GMT is 784111777 (RFC 9110's example date).
  const std::time_t t = 784111777;
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", t - 30) == milliseconds(30000));
  CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", t - 5) == milliseconds(5000));
  CHECK(parse_retry_after("Sun Nov  6 08:49:37 1994", t - 7) == milliseconds(7000));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", t + 100) == milliseconds(0));
  CHECK_FALSE(parse_retry_after("soon", 0).has_value());
  CHECK_FALSE(parse_retry_after("", 0).has_value());
  CHECK_FALSE(parse_retry_after("-5", 0).has_value());
  CHECK(is_retryable_status(500));
  CHECK(is_retryable_status(503));
  CHECK(is_retryable_status(429));
  CHECK_FALSE(is_retryable_status(404));
  CHECK_FALSE(is_retryable_status(200));
}

TEST_CASE("url_escape keeps unreserved characters and percent-encodes the rest", "[http][url]") {
  CHECK(url_escape("") == "");
  CHECK(url_escape("AZaz09-._~") == "AZaz09-._~");
  CHECK(url_escape("repository:library/alpine:pull") == "repository%3Alibrary%2Falpine%3Apull");
  CHECK(url_escape("a b+c&d=e?f#g%") == "a%20b%2Bc%26d%3De%3Ff%23g%25");
  CHECK(url_escape(std::string("\0\xff\x80", 3)) == "%00%FF%80");
  CHECK(url_escape("é") == "%C3%A9");
}
