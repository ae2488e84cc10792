#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>

#include "util/process.hpp"

using namespace strata;

TEST_CASE("run_process: stdin in, stdout and stderr out, exit code") {
  auto r = util::run_process(
      {"/bin/sh", "-c", "read line; echo \"got $line\"; echo oops >&2; exit 3"}, "hello\n");
  REQUIRE(r);
  CHECK(r->out == "got hello\n");
  CHECK(r->err == "oops\n");
  CHECK(r->exit_code == 3);
}

TEST_CASE("run_process: a program that ignores its stdin and exits early") {
  std::string big(1u << 20, 'x');
  auto r = util::run_process({"/bin/sh", "-c", "echo done"}, big);
  REQUIRE(r);
  CHECK(r->out == "done\n");
  CHECK(r->exit_code == 0);
}

TEST_CASE("run_process: a missing program and a timeout are errors") {
  auto missing = util::run_process({"/nonexistent/docker-credential-x", "get"}, "");
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Contains("docker-credential-x: cannot run it"));

  auto start = std::chrono::steady_clock::now();
  auto slow = util::run_process({"/bin/sh", "-c", "exec sleep 20"}, "",
                                {.timeout = std::chrono::milliseconds(300)});
  REQUIRE_FALSE(slow);
  CHECK_THAT(slow.error().message, Catch::Contains("sh did not finish within 300 ms"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("find_on_path") {
  CHECK(util::find_on_path("sh", "/nonexistent:/bin:/usr/bin") ==
        std::optional<std::string>("/bin/sh"));
  CHECK_FALSE(util::find_on_path("no-such-program-strata", "/bin:/usr/bin"));
  CHECK_FALSE(util::find_on_path("bin/sh", "/"));
  CHECK_FALSE(util::find_on_path("", "/bin"));
}
