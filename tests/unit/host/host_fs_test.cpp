#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "host/host_fs.hpp"
#include "host/host_info.hpp"
#include "host/kernel.hpp"
#include "support/temp_dir.hpp"

using namespace strata;
namespace fs = std::filesystem;

namespace {

struct TempTree {
  test_support::TempDir tmp{"strata-hostfs"};
  fs::path base = tmp.path;
  fs::path root = base / "root";
  TempTree() { fs::create_directories(root); }
  void write(const fs::path& rel, const std::string& content) const {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel) << content;
  }
  void link(const fs::path& rel, const std::string& target) const {
    fs::create_directories((root / rel).parent_path());
    fs::create_symlink(target, root / rel);
  }
};

host::HostFs open(const TempTree& t, host::HostFsOptions o = {}) {
  auto fs = host::HostFs::open(t.root.string(), o);
  REQUIRE(fs.ok());
  return std::move(fs).value();
}

}  // namespace

TEST_CASE("HostFs reads files and lists directories inside the root") {
  TempTree t;
  t.write("etc/os-release", "ID=debian\n");
  t.write("var/lib/dpkg/status.d/a", "x");
  t.write("var/lib/dpkg/status.d/b", "y");
  auto hfs = open(t);
  CHECK(*hfs.read_file("/etc/os-release") == "ID=debian\n");
  CHECK(*hfs.read_file("etc//./os-release") == "ID=debian\n");
  CHECK(*hfs.list_dir("/var/lib/dpkg/status.d") == std::vector<std::string>{"a", "b"});
  CHECK(hfs.stat("/etc")->type == vfs::FileType::directory);
  CHECK_FALSE(hfs.read_file("/etc").ok());
  CHECK_FALSE(hfs.read_file("/missing").ok());
  CHECK(hfs.read_file("/missing").error().message.find("/missing") != std::string::npos);
  CHECK_FALSE(hfs.read_file("/etc/os-release/x").ok());
  CHECK_FALSE(hfs.read_file("/etc/os-release", 3).ok());  // larger than max_size
}

TEST_CASE("HostFs: no symlink leads outside the root") {
  TempTree t;
  std::ofstream(t.base / "secret") << "outside";
  t.write("etc/secret", "inside");
  t.link("abs", "/etc/secret");                         // absolute: restarts at the root
  t.link("rel", "../../../../../../../../etc/secret");  // .. stops at the root
  t.link("dir/up", "../../secret");                     // would be base/secret on the host
  t.link("etcdir", "/etc");
  t.link("loop1", "loop2");
  t.link("loop2", "loop1");
  t.link("dangling", "/nowhere");
  auto hfs = open(t);
  CHECK(*hfs.read_file("/abs") == "inside");
  CHECK(*hfs.read_file("/rel") == "inside");
  CHECK_FALSE(hfs.read_file("/dir/up").ok());  // /secret does not exist inside the root
  CHECK(*hfs.read_file("/etcdir/secret") == "inside");
  CHECK(*hfs.read_file("/etcdir/../etcdir/secret") == "inside");
  CHECK(hfs.lstat("/abs")->type == vfs::FileType::symlink);
  CHECK(hfs.stat("/abs")->type == vfs::FileType::regular);
  auto loop = hfs.read_file("/loop1");
  REQUIRE_FALSE(loop.ok());
  CHECK(loop.error().message.find("too many levels") != std::string::npos);
  CHECK_FALSE(hfs.read_file("/dangling").ok());
}

TEST_CASE("HostFs never opens FIFOs, sockets or devices") {
  TempTree t;
  REQUIRE(::mkfifo((t.root / "fifo").c_str(), 0644) == 0);
  t.link("to-fifo", "/fifo");
  auto hfs = open(t);
  auto start = std::chrono::steady_clock::now();
  auto r = hfs.read_file("/to-fifo");  // opening a FIFO for reading would block without a writer
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("not a regular file") != std::string::npos);
  CHECK(hfs.stat("/fifo")->type == vfs::FileType::other);
  if (::mknod((t.root / "null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0) {
    CHECK_FALSE(hfs.read_file("/null").ok());
  } else {
    WARN("mknod not permitted here: the device-file case is covered by the FIFO case only");
  }
}

TEST_CASE("HostFs skips pseudo trees and container storage unless asked") {
  TempTree t;
  t.write("proc/1/status", "x");
  t.write("run/lock/y", "y");
  t.write("var/lib/docker/overlay2/z", "z");
  t.write("var/lib/dpkg/status", "s");
  auto hfs = open(t);
  auto r = hfs.read_file("/proc/1/status");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("skipped") != std::string::npos);
  CHECK_FALSE(hfs.list_dir("/run").ok());
  CHECK_FALSE(hfs.read_file("/var/lib/docker/overlay2/z").ok());
  CHECK(*hfs.read_file("/var/lib/dpkg/status") == "s");
  auto all = open(t, host::HostFsOptions{true, true});
  CHECK(*all.read_file("/proc/1/status") == "x");
  CHECK(*all.read_file("/var/lib/docker/overlay2/z") == "z");
}

TEST_CASE("HostFs::open errors and the default host root") {
  CHECK_FALSE(host::HostFs::open("/nonexistent-strata-root").ok());
  TempTree t;
  t.write("file", "x");
  CHECK_FALSE(host::HostFs::open((t.root / "file").string()).ok());
  // A fake proc: /host/proc/1/root wins, then /proc/1/root, then "/".
  fs::create_directories(t.base / "hp/1/root");
  fs::create_directories(t.base / "p/1/root");
  CHECK(host::default_host_root((t.base / "hp").string(), (t.base / "p").string()) ==
        (t.base / "hp/1/root").string());
  CHECK(host::default_host_root((t.base / "none").string(), (t.base / "p").string()) ==
        (t.base / "p/1/root").string());
  CHECK(host::default_host_root((t.base / "none").string(), (t.base / "none").string()) == "/");
  fs::create_directories(t.base / "p/sys/kernel");
  std::ofstream(t.base / "p/sys/kernel/osrelease") << "6.1.0-13-amd64\n";
  CHECK(host::running_kernel_release((t.base / "p").string()) == "6.1.0-13-amd64");
  CHECK(host::running_kernel_release((t.base / "none").string()).empty());
}

TEST_CASE("kernel packages: only the running kernel is matched") {
  auto pkg = [](std::string name, std::string version, std::string type) {
    model::Package p;
    p.name = std::move(name);
    p.version = std::move(version);
    p.type = std::move(type);
    return p;
  };
  std::vector<model::Package> pkgs = {
      pkg("linux-image-6.1.0-13-amd64", "6.1.55-1", "dpkg"),
      pkg("linux-image-6.1.0-12-amd64", "6.1.52-1", "dpkg"),
      pkg("linux-headers-6.1.0-12-amd64", "6.1.52-1", "dpkg"),
      pkg("linux-image-amd64", "6.1.55-1", "dpkg"),  // meta package: not versioned
      pkg("libc6", "2.36-9", "dpkg"),
  };
  auto idle = host::take_idle_kernels(pkgs, "6.1.0-13-amd64");
  REQUIRE(idle.size() == 2);
  CHECK(idle[0].name == "linux-image-6.1.0-12-amd64");
  CHECK(idle[1].name == "linux-headers-6.1.0-12-amd64");
  CHECK(pkgs.size() == 3);
  CHECK(host::take_idle_kernels(pkgs, "").empty());

  CHECK(host::is_running_kernel(pkg("linux-lts", "5.15.74-r0", "apk"), "5.15.74-0-lts"));
  CHECK_FALSE(host::is_running_kernel(pkg("linux-lts", "5.15.71-r0", "apk"), "5.15.74-0-lts"));
  CHECK_FALSE(host::is_running_kernel(pkg("linux-virt", "5.15.74-r0", "apk"), "5.15.74-0-lts"));
  CHECK_FALSE(host::is_kernel_package(pkg("linux-firmware", "1", "apk")));
  CHECK_FALSE(host::is_kernel_package(pkg("linux-libc-dev", "6.1.55-1", "dpkg")));
}
