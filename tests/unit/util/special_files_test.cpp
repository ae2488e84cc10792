// open_regular, open_beneath and make_dirs(mode): special files are refused without blocking,
// and nothing is resolved outside the directory a file is opened beneath.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "support/temp_dir.hpp"
#include "util/file.hpp"
#include "util/stream.hpp"

using namespace strata::util;
namespace fs = std::filesystem;

namespace {

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

template <typename T>
bool refused(const Result<T>& r, const std::string& want) {
  return !r && r.error().message.find(want) != std::string::npos;
}

}  // namespace

TEST_CASE("open_regular: a FIFO, a device, a socket and a directory are refused at once") {
  const strata::test_support::TempDir tmp("strata-special");
  const std::string fifo = tmp.path + "/fifo", dir = tmp.path + "/dir", sock = tmp.path + "/sock";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);  // nobody writes: a blocking open would hang
  fs::create_directory(dir);
  int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, sock.c_str(), sizeof addr.sun_path - 1);
  REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);

  for (const std::string& p : {fifo, std::string("/dev/zero"), sock}) {
    INFO(p);
    CHECK(refused(open_regular(p), p + ": not a regular file"));
    CHECK(refused(read_file(p), "not a regular file"));
    CHECK(refused(read_file_head(p, 4), "not a regular file"));
    CHECK(refused(FileInputStream::open(p), "not a regular file"));
    CHECK(refused(check_regular_file(p), "not a regular file"));
  }
  CHECK(refused(read_file(dir), dir + ": is a directory"));
  CHECK(refused(read_file(tmp.path + "/missing"), "No such file"));
  ::close(s);

  const std::string file = tmp.path + "/file";
  write(file, "hello");
  auto fd = open_regular(file);
  REQUIRE(fd);
  CHECK((::fcntl(fd->get(), F_GETFL) & O_NONBLOCK) == 0);  // cleared for the reader
  CHECK(read_file(file).value() == "hello");
  ::symlink("file", (tmp.path + "/link").c_str());  // a symlink to a regular file is fine
  CHECK(read_file(tmp.path + "/link").value() == "hello");
}

TEST_CASE("open_beneath: inner symlinks followed, outer ones and special files refused") {
  const strata::test_support::TempDir tmp("strata-beneath");
  const std::string root = tmp.path + "/root";
  fs::create_directories(root + "/blobs/sha256");
  fs::create_directories(root + "/other");
  write(root + "/other/data", "inside");
  write(tmp.path + "/secret", "outside");
  ::symlink("../../other/data", (root + "/blobs/sha256/inner").c_str());
  ::symlink("../../../secret", (root + "/blobs/sha256/dotdot").c_str());
  ::symlink((tmp.path + "/secret").c_str(), (root + "/blobs/sha256/absolute").c_str());
  ::symlink("/proc/self/environ", (root + "/blobs/sha256/proc").c_str());
  ::symlink("loop", (root + "/blobs/sha256/loop").c_str());
  ::mkfifo((root + "/blobs/sha256/fifo").c_str(), 0600);
  UniqueFd dir(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(dir.valid());
  auto read_beneath = [&](const std::string& rel) -> Result<std::string> {
    TRY_ASSIGN(UniqueFd fd, open_beneath(dir.get(), rel, "L/" + rel, "the layout"));
    return read_fd(fd.get(), 1 << 20, rel);
  };

  CHECK(read_beneath("other/data").value() == "inside");
  CHECK(read_beneath("blobs/sha256/inner").value() == "inside");
  for (const char* rel : {"blobs/sha256/dotdot", "blobs/sha256/absolute"}) {
    INFO(rel);
    auto r = read_beneath(rel);
    REQUIRE_FALSE(r);
    // With openat2 the message says where the link leads; without it no link is followed.
    CHECK((r.error().message ==
               "L/" + std::string(rel) + ": a symbolic link leading outside the layout" ||
           r.error().message.find("not followed") != std::string::npos));
  }
  CHECK(refused(read_beneath("blobs/sha256/proc"), "L/blobs/sha256/proc: "));
  CHECK(refused(read_beneath("blobs/sha256/loop"), "L/blobs/sha256/loop: "));
  CHECK(refused(read_beneath("blobs/sha256/fifo"), "not a regular file"));
  CHECK(refused(read_beneath("blobs"), "L/blobs: is a directory"));
  CHECK(refused(read_beneath("blobs/sha256/missing"), "No such file"));
  CHECK(refused(read_beneath("../secret"), "L/../secret: "));

  UniqueFd data(::open((root + "/other/data").c_str(), O_RDONLY | O_CLOEXEC));
  CHECK(refused(read_fd(data.get(), 3, "d"), "d: file too large (over 3 bytes)"));
}

TEST_CASE("make_dirs: new directories get the mode, existing ones are kept") {
  const strata::test_support::TempDir tmp("strata-mkdirs");
  fs::create_directory(tmp.path + "/old");
  ::chmod((tmp.path + "/old").c_str(), 0755);
  const mode_t old_umask = ::umask(022);
  REQUIRE(make_dirs(tmp.path + "/old/a/b/", 0700));
  ::umask(old_umask);
  struct stat st {};
  REQUIRE(::stat((tmp.path + "/old").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0755);
  for (const char* d : {"/old/a", "/old/a/b"}) {
    REQUIRE(::stat((tmp.path + d).c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0700);
  }
  write(tmp.path + "/file", "x");
  CHECK(refused(make_dirs(tmp.path + "/file/sub", 0700), "cannot create directory"));
  CHECK(refused(make_dirs(tmp.path + "/file", 0700), "cannot create directory"));
}
