// scan::resolve_target without any engine or registry: paths, registry references, the
// --image-src order's usage errors, credentials from the flags; and how NeuVector's report names
// a target. The engine lookups themselves run in tests/golden/engine.sh against real Podman.
#include "scan/target.hpp"

#include <catch2/catch.hpp>

#include <fstream>

#include "support/temp_dir.hpp"

using namespace strata;

namespace {

// A request that never reaches an engine (registry only) and finds no Docker credentials.
scan::TargetRequest request(const std::string& reference, const std::string& home) {
  scan::TargetRequest r;
  r.reference = reference;
  r.image_src = "registry";
  r.registry.credentials.home = home;
  r.registry.credentials.path = "/nonexistent";
  return r;
}

}  // namespace

TEST_CASE("resolve_target: --input and an existing path are taken as they are") {
  test_support::TempDir tmp;
  std::ofstream(tmp.sub("image.tar")) << "x";
  scan::TargetRequest r = request("", tmp.path);
  r.input = tmp.sub("missing.tar");  // --input is never a reference, even when missing
  auto input = scan::resolve_target(r);
  REQUIRE(input);
  CHECK(input->input_path == tmp.sub("missing.tar"));
  CHECK_FALSE(input->reference);
  auto path = scan::resolve_target(request(tmp.sub("image.tar"), tmp.path));
  REQUIRE(path);
  CHECK(path->input_path == tmp.sub("image.tar"));
  CHECK_FALSE(path->engine);
}

TEST_CASE("resolve_target: a name that is not a path is a registry reference") {
  test_support::TempDir tmp;
  auto hub = scan::resolve_target(request("alpine:3.20", tmp.path));
  REQUIRE(hub);
  REQUIRE(hub->reference);
  CHECK(hub->reference->str() == "docker.io/library/alpine:3.20");
  CHECK_FALSE(hub->registry.plain_http);

  auto plain = scan::resolve_target(request("http://myregistry/app:1", tmp.path));
  REQUIRE(plain);
  CHECK(plain->reference->domain == "myregistry");  // the first component, whatever it looks like
  CHECK(plain->reference->path == "app");
  CHECK(plain->registry.plain_http);

  auto tls = scan::resolve_target(request("https://index.docker.io/busybox", tmp.path));
  REQUIRE(tls);
  CHECK(tls->reference->str() == "docker.io/library/busybox");
}

TEST_CASE("resolve_target: errors with their categories") {
  test_support::TempDir tmp;
  auto missing_tar = scan::resolve_target(request("alpine.tar", tmp.path));
  REQUIRE_FALSE(missing_tar);
  CHECK(missing_tar.error().category == util::ErrorCategory::input);
  CHECK(missing_tar.error().message == "alpine.tar: no such file or directory");

  auto bad_ref = scan::resolve_target(request("UPPER/Case", tmp.path));
  REQUIRE_FALSE(bad_ref);
  CHECK(bad_ref.error().category == util::ErrorCategory::input);

  scan::TargetRequest unknown = request("alpine", tmp.path);
  unknown.image_src = "docker,quay";
  auto src = scan::resolve_target(unknown);
  REQUIRE_FALSE(src);
  CHECK(src.error().category == util::ErrorCategory::usage);
  CHECK(src.error().message == "--image-src: unknown source 'quay' (docker, podman, registry)");

  auto no_name = scan::resolve_target(request("docker:", tmp.path));
  REQUIRE_FALSE(no_name);
  CHECK(no_name.error().category == util::ErrorCategory::usage);

  scan::TargetRequest stdin_only = request("alpine", tmp.path);
  stdin_only.registry.read_password = [] { return util::Result<std::string>("pw"); };
  auto needs_user = scan::resolve_target(stdin_only);
  REQUIRE_FALSE(needs_user);
  CHECK(needs_user.error().message == "--password-stdin needs --username");

  scan::TargetRequest env_only = request("alpine", tmp.path);
  env_only.registry.env_password = "secret";
  auto env_needs_user = scan::resolve_target(env_only);
  REQUIRE_FALSE(env_needs_user);
  CHECK(env_needs_user.error().category == util::ErrorCategory::usage);
}

TEST_CASE("resolve_target: the password is read only for a registry image with a user") {
  test_support::TempDir tmp;
  int reads = 0;
  scan::TargetRequest r = request("127.0.0.1:5000/app:1", tmp.path);
  r.registry.username = "me";
  r.registry.read_password = [&] {
    ++reads;
    return util::Result<std::string>("pw");
  };
  auto target = scan::resolve_target(r);
  REQUIRE(target);
  CHECK(reads == 1);
  CHECK(target->registry.username == "me");
  CHECK(target->registry.password == "pw");

  std::ofstream(tmp.sub("image.tar")) << "x";
  r.reference = tmp.sub("image.tar");
  REQUIRE(scan::resolve_target(r));
  CHECK(reads == 1);  // a path: no registry, no password read
}

TEST_CASE("neuvector_target: registry, repository and tag of a reference, else the repo tag") {
  test_support::TempDir tmp;
  auto target = scan::resolve_target(request("http://127.0.0.1:5000/team/app", tmp.path));
  REQUIRE(target);
  scan::Options opts;
  opts.reference = target->reference;
  opts.registry = target->registry;
  model::ScanResult result;
  auto nv = scan::neuvector_target(opts, result);
  CHECK(nv.registry == "http://127.0.0.1:5000/");
  CHECK(nv.repository == "team/app");
  CHECK(nv.tag == "latest");

  scan::Options archive;
  result.target.repo_tags = {"localhost:5000/app:1.2"};
  nv = scan::neuvector_target(archive, result);
  CHECK(nv.registry.empty());
  CHECK(nv.repository == "localhost:5000/app");
  CHECK(nv.tag == "1.2");
  result.target.repo_tags.clear();
  result.target.name = "/tmp/x.tar";
  nv = scan::neuvector_target(archive, result);
  CHECK(nv.repository == "/tmp/x.tar");
}
