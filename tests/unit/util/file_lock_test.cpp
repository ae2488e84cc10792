#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "support/temp_dir.hpp"
#include "util/file_lock.hpp"

using namespace strata::util;

TEST_CASE("FileLock: exclusive between descriptions, released on close and on process death") {
  const strata::test_support::TempDir tmp("strata-lock");
  const std::string& dir = tmp.path;
  const std::string path = dir + "/lock";

  auto missing = FileLock::try_acquire_existing(path);
  REQUIRE(missing);
  CHECK_FALSE(missing->has_value());  // no file: nothing locked, nothing created
  CHECK_FALSE(std::filesystem::exists(path));

  auto held = FileLock::acquire(path);
  REQUIRE(held);
  CHECK(std::filesystem::exists(path));
  auto second = FileLock::try_acquire_existing(path);
  REQUIRE(second);
  CHECK_FALSE(second->has_value());  // same process, another open file description
  held->release();
  second = FileLock::try_acquire_existing(path);
  REQUIRE(second);
  CHECK(second->has_value());
  second->reset();

  // A child takes the lock and dies without releasing it: the kernel drops the lock.
  pid_t pid = ::fork();
  if (pid == 0) {
    auto child = FileLock::acquire(path);
    ::_exit(child ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK(WEXITSTATUS(status) == 0);
  auto after = FileLock::try_acquire_existing(path);
  REQUIRE(after);
  CHECK(after->has_value());

  auto bad = FileLock::acquire(dir + "/no/such/dir/lock");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("cannot open lock file") != std::string::npos);
}
