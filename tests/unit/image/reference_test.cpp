// Reference parsing. The tables transcribe distribution/reference's reference_test.go
// (TestReferenceParse, TestDomainAndPath), normalize_test.go (TestValidateReferenceName,
// TestValidateRemoteName, TestParseRepositoryInfo, TestNormalizedSplitHostname,
// TestParseAnyReference) with the expectations ParseNormalizedNamed gives (so a bare
// "test.com:tag" is docker.io/library/test.com with tag "tag", as Docker reads it).
#include <catch2/catch.hpp>

#include <string>

#include "image/reference.hpp"

using namespace strata;
using image::Reference;

namespace {

const std::string k_ff = "sha256:" + std::string(64, 'f');

struct Valid {
  std::string input;
  std::string domain;
  std::string path;
  std::string tag;
  std::string digest;
};

// What the error message must contain ("" = any error).
struct Invalid {
  std::string input;
  std::string message_part;
};

}  // namespace

TEST_CASE("reference: valid references with expected fields", "[image][reference]") {
  const std::string sha512 = "sha512:" + std::string(128, 'f');
  const std::string long_path = [] {
    std::string s;
    for (int i = 0; i < 127; ++i) s += "a/";
    return s + "a";
  }();
  const std::vector<Valid> cases = {
      // reference_test.go TestReferenceParse (normalised)
      {"test_com", "docker.io", "library/test_com", "", ""},
      {"test.com:tag", "docker.io", "library/test.com", "tag", ""},
      {"test.com:5000", "docker.io", "library/test.com", "5000", ""},
      {"test.com/repo:tag", "test.com", "repo", "tag", ""},
      {"test:5000/repo", "test:5000", "repo", "", ""},
      {"test:5000/repo:tag", "test:5000", "repo", "tag", ""},
      {"test:5000/repo@" + k_ff, "test:5000", "repo", "", k_ff},
      {"test:5000/repo:tag@" + k_ff, "test:5000", "repo", "tag", k_ff},
      {"lowercase:Uppercase", "docker.io", "library/lowercase", "Uppercase", ""},
      {long_path + ":tag-puts-this-over-max", "docker.io", long_path, "tag-puts-this-over-max", ""},
      {"sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com", "bar/baz/quux", "", ""},
      {"sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com", "bar/baz/quux",
       "some-long-tag", ""},
      {"b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io", "test.example.com/my-app",
       "test.example.com", ""},
      {"xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "myimage", "xn--n3h.com", ""},
      {"xn--7o8h.com/myimage:xn--7o8h.com@" + sha512, "xn--7o8h.com", "myimage", "xn--7o8h.com",
       sha512},
      {"foo_bar.com:8080", "docker.io", "library/foo_bar.com", "8080", ""},
      {"foo/foo_bar.com:8080", "docker.io", "foo/foo_bar.com", "8080", ""},
      {"192.168.1.1", "docker.io", "library/192.168.1.1", "", ""},
      {"192.168.1.1:tag", "docker.io", "library/192.168.1.1", "tag", ""},
      {"192.168.1.1:5000", "docker.io", "library/192.168.1.1", "5000", ""},
      {"192.168.1.1/repo", "192.168.1.1", "repo", "", ""},
      {"192.168.1.1:5000/repo", "192.168.1.1:5000", "repo", "", ""},
      {"192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "repo", "5050", ""},
      {"[2001:db8::1]/repo", "[2001:db8::1]", "repo", "", ""},
      {"[2001:db8:1:2:3:4:5:6]/repo:tag", "[2001:db8:1:2:3:4:5:6]", "repo", "tag", ""},
      {"[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", "repo", "", ""},
      {"[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000", "repo", "tag", ""},
      {"[2001:db8::1]:5000/repo@" + k_ff, "[2001:db8::1]:5000", "repo", "", k_ff},
      {"[2001:db8::1]:5000/repo:tag@" + k_ff, "[2001:db8::1]:5000", "repo", "tag", k_ff},
      {"[2001:db8::]:5000/repo", "[2001:db8::]:5000", "repo", "", ""},
      {"[::1]:5000/repo", "[::1]:5000", "repo", "", ""},
      // TestSerialization
      {"example.com:8000/named", "example.com:8000", "named", "", ""},
      {"example.com:8000/named:tagged", "example.com:8000", "named", "tagged", ""},
      {"other.com/named@sha256:1234567890098765432112345667890098765432112345667890098765432112",
       "other.com", "named", "",
       "sha256:1234567890098765432112345667890098765432112345667890098765432112"},
      // TestDomainAndPath / TestNormalizedSplitHostname
      {"test.com/foo", "test.com", "foo", "", ""},
      {"test_com/foo", "docker.io", "test_com/foo", "", ""},
      {"docker/migrator", "docker.io", "docker/migrator", "", ""},
      {"test:8080/foo", "test:8080", "foo", "", ""},
      {"test.com:8080/foo", "test.com:8080", "foo", "", ""},
      {"test-com:8080/foo", "test-com:8080", "foo", "", ""},
      {"foo", "docker.io", "library/foo", "", ""},
      {"xn--n3h.com/foo", "xn--n3h.com", "foo", "", ""},
      {"xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo", "", ""},
      {"docker.io/foo", "docker.io", "library/foo", "", ""},
      {"docker.io/library/foo", "docker.io", "library/foo", "", ""},
      {"docker.io/library/foo/bar", "docker.io", "library/foo/bar", "", ""},
      // TestValidateReferenceName (valid)
      {"docker/docker", "docker.io", "docker/docker", "", ""},
      {"library/debian", "docker.io", "library/debian", "", ""},
      {"debian", "docker.io", "library/debian", "", ""},
      {"docker.io/docker/docker", "docker.io", "docker/docker", "", ""},
      {"docker.io/debian", "docker.io", "library/debian", "", ""},
      {"index.docker.io/docker/docker", "docker.io", "docker/docker", "", ""},
      {"index.docker.io/library/debian", "docker.io", "library/debian", "", ""},
      {"index.docker.io/debian", "docker.io", "library/debian", "", ""},
      {"127.0.0.1:5000/docker/docker", "127.0.0.1:5000", "docker/docker", "", ""},
      {"127.0.0.1:5000/library/debian", "127.0.0.1:5000", "library/debian", "", ""},
      {"127.0.0.1:5000/debian", "127.0.0.1:5000", "debian", "", ""},
      {"192.168.0.1", "docker.io", "library/192.168.0.1", "", ""},
      {"192.168.0.1:80", "docker.io", "library/192.168.0.1", "80", ""},
      {"192.168.0.1:8/debian", "192.168.0.1:8", "debian", "", ""},
      {"192.168.0.2:25000/debian", "192.168.0.2:25000", "debian", "", ""},
      {"thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", "docker.io",
       "library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", "", ""},
      {"[fc00::1]:5000/docker", "[fc00::1]:5000", "docker", "", ""},
      {"[fc00::1]:5000/docker/docker", "[fc00::1]:5000", "docker/docker", "", ""},
      {"[fc00:1:2:3:4:5:6:7]:5000/library/debian", "[fc00:1:2:3:4:5:6:7]:5000", "library/debian",
       "", ""},
      {"docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", "docker.io",
       "library/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", "", ""},
      {"Docker/docker", "Docker", "docker", "", ""},
      {"DOCKER/docker", "DOCKER", "docker", "", ""},
      // TestValidateRemoteName (valid)
      {"docker-rules/docker", "docker.io", "docker-rules/docker", "", ""},
      {"docker---rules/docker", "docker.io", "docker---rules/docker", "", ""},
      {"doc/docker", "docker.io", "doc/docker", "", ""},
      {"d/docker", "docker.io", "d/docker", "", ""},
      {"jess/t", "docker.io", "jess/t", "", ""},
      {"dock__er/docker", "docker.io", "dock__er/docker", "", ""},
      // TestParseAnyReference (named forms)
      {"redis:latest", "docker.io", "library/redis", "latest", ""},
      {"dmcgowan/myapp@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c",
       "docker.io", "dmcgowan/myapp", "",
       "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c"},
      {"dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9", "docker.io",
       "library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9", "", ""},
      {"dbcc1", "docker.io", "library/dbcc1", "", ""},
      // localhost and friends
      {"localhost/foo", "localhost", "foo", "", ""},
      {"localhost:5000/foo/bar:1.0", "localhost:5000", "foo/bar", "1.0", ""},
      {"localhost", "docker.io", "library/localhost", "", ""},
      {"localhost:5000", "docker.io", "library/localhost", "5000", ""},
      {"ghcr.io/aquasecurity/trivy-db:2", "ghcr.io", "aquasecurity/trivy-db", "2", ""},
      {"quay.io/prometheus/node-exporter:v1.7.0", "quay.io", "prometheus/node-exporter", "v1.7.0",
       ""},
      {"mcr.microsoft.com/dotnet/runtime:8.0-jammy", "mcr.microsoft.com", "dotnet/runtime",
       "8.0-jammy", ""},
      {"registry.k8s.io/pause", "registry.k8s.io", "pause", "", ""},
      {"ubuntu:16.04", "docker.io", "library/ubuntu", "16.04", ""},
      {"ubuntu:_under", "docker.io", "library/ubuntu", "_under", ""},
      {"a.b-c.d/x:" + std::string(128, 'T'), "a.b-c.d", "x", std::string(128, 'T'), ""},
  };
  for (const auto& tc : cases) {
    INFO("input: " << tc.input);
    auto r = image::parse_reference(tc.input);
    if (!r.ok()) FAIL_CHECK(r.error().message);
    if (!r.ok()) continue;
    CHECK(r->domain == tc.domain);
    CHECK(r->path == tc.path);
    CHECK(r->tag == tc.tag);
    CHECK(r->digest == tc.digest);
    // The canonical string parses back to the same reference.
    auto again = image::parse_reference(r->str());
    REQUIRE(again.ok());
    CHECK(*again == *r);
  }
  CHECK(cases.size() >= 80);
}

TEST_CASE("reference: invalid references", "[image][reference]") {
  const std::string too_long = [] {
    std::string s;
    for (int i = 0; i < 128; ++i) s += "a/";
    return s + "a:tag";
  }();
  const std::vector<Invalid> cases = {
      // TestReferenceParse
      {"", "at least one component"},
      {":justtag", "is not [registry/]name"},
      {"@" + k_ff, "is not [registry/]name"},
      {"repo@sha256:ffffffffffffffffffffffffffffffffff", "invalid checksum digest length"},
      {"validname@invaliddigest:" + std::string(64, 'f'),
       "unsupported digest algorithm (invaliddigest)"},
      {"Uppercase:tag", "repository name (library/Uppercase) must be lowercase"},
      {"test:5000/Uppercase/lowercase:tag",
       "repository name (Uppercase/lowercase) must be lowercase"},
      {too_long, "must not be more than 255 characters"},
      {"aa/asdf$$^/aa", "is not [registry/]name"},
      {"[2001:db8::1]", ""},
      {"[2001:db8::1]:5000", ""},
      {"[2001:db8::1]:tag", ""},
      {"[fe80::1%eth0]:5000/repo", "invalid registry domain"},
      {"[fe80::1%@invalidzone]:5000/repo", ""},
      // TestValidateReferenceName (invalid)
      {"https://github.com/docker/docker", ""},
      {"docker/Docker", "must be lowercase"},
      {"-docker", ""},
      {"-docker/docker", ""},
      {"-docker.io/docker/docker", "invalid registry domain"},
      {"docker///docker", ""},
      {"docker.io/docker/Docker", "must be lowercase"},
      {"docker.io/docker///docker", ""},
      {"[fc00::1]", ""},
      {"[fc00::1]:5000", ""},
      {"fc00::1:5000/debian", "invalid registry domain"},
      {"[fe80::1%eth0]:5000/debian", ""},
      {"[2001:db8:3:4::192.0.2.33]:5000/debian", "invalid registry domain"},
      {"1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
       "64-character hexadecimal"},
      // TestValidateRemoteName (invalid)
      {"docker-/docker", ""},
      {"-docker-/docker", ""},
      {"____/____", ""},
      {"_docker/_docker", ""},
      {"dock..er/docker", ""},
      {"dock_.er/docker", ""},
      {"dock-.er/docker", ""},
      {"docker/", ""},
      {"this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_"
       "namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_"
       "lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_"
       "255/docker",
       "must not be more than 255"},
      // TestInvalidReferenceComponents and more
      {"-foo", ""},
      {"busybox:-foo", ""},
      {"busybox:" + std::string(129, 'a'), ""},
      {"busybox:", ""},
      {"busybox@", ""},
      {"busybox@sha256", ""},
      {"busybox@sha256:" + std::string(64, 'F'), "invalid checksum digest format"},
      {"busybox@sha256:" + std::string(31, 'a'), ""},
      {"busybox@sha256:" + std::string(64, 'g'), ""},
      {"busybox:tag:again", ""},
      {"busybox@" + k_ff + "@" + k_ff, ""},
      {"busybox:tag/x", ""},
      {"foo_bar.com/x", "invalid registry domain"},
      {"exa_mple.com:5000/x", "invalid registry domain"},
      {"example.com:port/x", "invalid registry domain"},
      {"example.com:/x", "invalid registry domain"},
      {"ex..ample.com/x", "invalid registry domain"},
      {"example.com/", ""},
      {"example.com//x", ""},
      {"ubuntu 18.04", ""},
      {"ubuntu:18.04 ", ""},
      {" ubuntu", ""},
      {"ub\xc3\xbcntu", ""},
      {"/ubuntu", ""},
      {std::string("ubu\0ntu", 7), ""},
  };
  for (const auto& tc : cases) {
    INFO("input: " << tc.input);
    auto r = image::parse_reference(tc.input);
    if (r.ok()) FAIL_CHECK("parsed as " << r->str());
    if (r.ok()) continue;
    CHECK(r.error().category == util::ErrorCategory::usage);
    CHECK_THAT(r.error().message, Catch::StartsWith("invalid reference format"));
    if (!tc.message_part.empty()) CHECK_THAT(r.error().message, Catch::Contains(tc.message_part));
  }
  CHECK(cases.size() >= 50);
}

TEST_CASE("reference: familiar and full names (TestParseRepositoryInfo)", "[image][reference]") {
  struct Info {
    std::string remote, familiar, full, ambiguous, domain;
  };
  const std::vector<Info> cases = {
      {"fooo/bar", "fooo/bar", "docker.io/fooo/bar", "index.docker.io/fooo/bar", "docker.io"},
      {"library/ubuntu", "ubuntu", "docker.io/library/ubuntu", "library/ubuntu", "docker.io"},
      {"nonlibrary/ubuntu", "nonlibrary/ubuntu", "docker.io/nonlibrary/ubuntu", "", "docker.io"},
      {"other/library", "other/library", "docker.io/other/library", "", "docker.io"},
      {"private/moonbase", "127.0.0.1:8000/private/moonbase", "127.0.0.1:8000/private/moonbase", "",
       "127.0.0.1:8000"},
      {"privatebase", "127.0.0.1:8000/privatebase", "127.0.0.1:8000/privatebase", "",
       "127.0.0.1:8000"},
      {"private/moonbase", "example.com/private/moonbase", "example.com/private/moonbase", "",
       "example.com"},
      {"privatebase", "example.com/privatebase", "example.com/privatebase", "", "example.com"},
      {"private/moonbase", "example.com:8000/private/moonbase", "example.com:8000/private/moonbase",
       "", "example.com:8000"},
      {"privatebasee", "example.com:8000/privatebasee", "example.com:8000/privatebasee", "",
       "example.com:8000"},
      {"library/ubuntu-12.04-base", "ubuntu-12.04-base", "docker.io/library/ubuntu-12.04-base",
       "index.docker.io/library/ubuntu-12.04-base", "docker.io"},
      {"library/foo", "foo", "docker.io/library/foo", "docker.io/foo", "docker.io"},
      {"library/foo/bar", "library/foo/bar", "docker.io/library/foo/bar", "", "docker.io"},
      {"store/foo/bar", "store/foo/bar", "docker.io/store/foo/bar", "", "docker.io"},
      {"bar", "Foo/bar", "Foo/bar", "", "Foo"},
      {"bar", "FOO/bar", "FOO/bar", "", "FOO"},
  };
  for (const auto& tc : cases) {
    std::vector<std::string> inputs = {tc.familiar, tc.full};
    if (!tc.ambiguous.empty()) inputs.push_back(tc.ambiguous);
    for (const auto& input : inputs) {
      INFO("input: " << input);
      auto r = image::parse_reference(input);
      REQUIRE(r.ok());
      CHECK(r->familiar() == tc.familiar);
      CHECK(r->str() == tc.full);
      CHECK(r->repository() == tc.full);
      CHECK(r->domain == tc.domain);
      CHECK(r->path == tc.remote);
    }
  }
}

TEST_CASE("reference: tag and digest together, default tag, registry host", "[image][reference]") {
  const std::string short_ref =
      "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";
  auto r = image::parse_reference(short_ref);
  REQUIRE(r.ok());
  CHECK(r->str() == "docker.io/library/" + short_ref);
  CHECK(r->familiar() == short_ref);
  CHECK(r->tag == "latest");
  CHECK(r->manifest_reference() == r->digest);

  auto plain = image::parse_reference("ubuntu");
  REQUIRE(plain.ok());
  CHECK(plain->tag.empty());
  CHECK(plain->manifest_reference().empty());
  CHECK(plain->with_default_tag().str() == "docker.io/library/ubuntu:latest");
  CHECK(plain->with_default_tag().familiar() == "ubuntu:latest");
  CHECK(plain->with_default_tag().manifest_reference() == "latest");
  CHECK(plain->registry_host() == "registry-1.docker.io");

  auto pinned = image::parse_reference("ubuntu@" + k_ff);
  REQUIRE(pinned.ok());
  CHECK(pinned->with_default_tag().tag.empty());  // a digest needs no tag
  CHECK(pinned->with_default_tag().str() == "docker.io/library/ubuntu@" + k_ff);

  auto tagged = image::parse_reference("ubuntu:16.04");
  REQUIRE(tagged.ok());
  CHECK(tagged->with_default_tag().tag == "16.04");
  CHECK(tagged->familiar() == "ubuntu:16.04");

  auto local = image::parse_reference("localhost:5000/team/app:v2");
  REQUIRE(local.ok());
  CHECK(local->registry_host() == "localhost:5000");
  CHECK(local->familiar() == "localhost:5000/team/app:v2");
  auto v6 = image::parse_reference("[::1]:5000/app");
  REQUIRE(v6.ok());
  CHECK(v6->registry_host() == "[::1]:5000");
  auto legacy = image::parse_reference("index.docker.io/grafana/grafana:10.0.0");
  REQUIRE(legacy.ok());
  CHECK(legacy->str() == "docker.io/grafana/grafana:10.0.0");
  CHECK(legacy->familiar() == "grafana/grafana:10.0.0");
  CHECK(legacy->registry_host() == "registry-1.docker.io");
}

TEST_CASE("reference: path length limit is 255 characters", "[image][reference]") {
  // docker.io/<path>: the path counts, the domain and the tag do not (current upstream rule).
  std::string path255 = "x/" + std::string(253, 'a');
  CHECK(image::parse_reference("example.com/" + path255 + ":tag").ok());
  CHECK_FALSE(image::parse_reference("example.com/" + path255 + "a").ok());
}

TEST_CASE("registry URL", "[image][reference]") {
  struct Case {
    std::string input, scheme, host;
    bool insecure;
  };
  const std::vector<Case> good = {
      {"https://index.docker.io/", "https", "index.docker.io", false},
      {"https://index.docker.io/v1/", "https", "index.docker.io", false},
      {"http://127.0.0.1:5000", "http", "127.0.0.1:5000", true},
      {"HTTP://Registry.Example.COM:8443/v2", "http", "registry.example.com:8443", true},
      {"registry.example.com", "https", "registry.example.com", false},
      {"localhost:5000", "https", "localhost:5000", false},
      {"http://[::1]:5000/", "http", "[::1]:5000", true},
      {"  https://ghcr.io  ", "https", "ghcr.io", false},
  };
  for (const auto& tc : good) {
    INFO("input: " << tc.input);
    auto r = image::parse_registry_url(tc.input);
    if (!r.ok()) FAIL_CHECK(r.error().message);
    if (!r.ok()) continue;
    CHECK(r->scheme == tc.scheme);
    CHECK(r->host == tc.host);
    CHECK(r->insecure == tc.insecure);
  }
  CHECK(image::parse_registry_url("http://127.0.0.1:5000/")->str() == "http://127.0.0.1:5000");
  for (const char* bad :
       {"", "https://", "ftp://host", "https://host/some/path", "https://user:pw@host",
        "https://host:0", "https://host:65536", "https://host:abc", "https://ho_st",
        "https://host?x=1", "https://host#frag", "https://[fe80::1%eth0]:5000", "host:"}) {
    INFO("input: " << bad);
    auto r = image::parse_registry_url(bad);
    CHECK_FALSE(r.ok());
    if (!r.ok()) CHECK(r.error().category == util::ErrorCategory::usage);
  }
  // The user-info error names the URL; make sure that does not echo a password.
  auto r = image::parse_registry_url("https://user:hunter2@host");
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, !Catch::Contains("hunter2"));
}

TEST_CASE("reference: the familiar form of a Hub path that starts like a domain keeps docker.io",
          "[image][reference]") {
  // Found by fuzz/reference.cpp: "libr.io/l36" would name the registry libr.io.
  for (std::string text : {"docker.io/libr.io/l36", "docker.io/localhost/x:1"}) {
    auto r = image::parse_reference(text);
    REQUIRE(r.ok());
    CHECK(r->familiar() == text.substr(0, text.find('@')));
    auto again = image::parse_reference(r->familiar());
    REQUIRE(again.ok());
    CHECK(again->str() == r->str());
  }
  CHECK(image::parse_reference("docker.io/library/ubuntu")->familiar() == "ubuntu");
  CHECK(image::parse_reference("docker.io/grafana/grafana")->familiar() == "grafana/grafana");
}
