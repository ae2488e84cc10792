#include <catch2/catch.hpp>

#include "vfs/mem_fs.hpp"

using namespace strata::vfs;

namespace {

std::string read(const MemFs& fs, std::string_view path) {
  auto r = fs.read_file(path);
  return r.ok() ? r.value() : "ERR: " + r.error().message;
}

}  // namespace

TEST_CASE("normalize collapses dots and slashes, never above root") {
  CHECK(normalize("") == "/");
  CHECK(normalize("/") == "/");
  CHECK(normalize("etc/x") == "/etc/x");
  CHECK(normalize("./etc//x/") == "/etc/x");
  CHECK(normalize("/../../etc/../etc/./passwd") == "/etc/passwd");
}

TEST_CASE("MemFs: files, dirs, stat and list_dir") {
  MemFs fs;
  fs.add_file("/etc/os-release", "ID=alpine\n", 0644, "sha256:l1");
  fs.add_file("etc/hosts", "x", 0600);
  fs.add_dir("/var/lib", 0700, "sha256:l2");
  CHECK(read(fs, "/etc/os-release") == "ID=alpine\n");
  CHECK(read(fs, "etc/./os-release") == "ID=alpine\n");
  auto st = fs.stat("/etc/os-release");
  REQUIRE(st.ok());
  CHECK(st->type == FileType::regular);
  CHECK(st->size == 10);
  CHECK(st->mode == 0644);
  CHECK(st->layer == "sha256:l1");
  // Implicit parent directories carry the layer that created them.
  auto etc = fs.stat("/etc");
  REQUIRE(etc.ok());
  CHECK(etc->type == FileType::directory);
  CHECK(etc->layer == "sha256:l1");
  auto names = fs.list_dir("/");
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"etc", "var"});
  names = fs.list_dir("/etc");
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"hosts", "os-release"});
  CHECK(fs.list_dir("/var/lib")->empty());
  CHECK(fs.entry_count() == 5);  // etc, os-release, hosts, var, lib
  CHECK(fs.content_bytes() == 11);
}

TEST_CASE("MemFs: reader errors") {
  MemFs fs;
  fs.add_file("/a/file", "12345");
  CHECK_FALSE(fs.read_file("/a").ok());
  CHECK(fs.read_file("/a").error().message.find("is a directory") != std::string::npos);
  CHECK(fs.read_file("/missing").error().message.find("no such file") != std::string::npos);
  CHECK(fs.read_file("/a/file/x").error().message.find("not a directory") != std::string::npos);
  CHECK_FALSE(fs.list_dir("/a/file").ok());
  CHECK_FALSE(fs.stat("/a/file/").ok());
  auto big = fs.read_file("/a/file", 4);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().message.find("too large") != std::string::npos);
  CHECK(fs.read_file("/a/file", 5).ok());
  CHECK_FALSE(fs.exists("/b"));
  CHECK(fs.exists("/a"));
}

TEST_CASE("MemFs: relative and absolute symlinks resolve inside the root") {
  MemFs fs;
  fs.add_file("/usr/lib/os-release", "ID=debian\n", 0644, "L1");
  fs.add_symlink("/etc/os-release", "../usr/lib/os-release", "L2");
  fs.add_symlink("/lib", "usr/lib");
  fs.add_symlink("/abs", "/usr/lib/os-release");
  CHECK(read(fs, "/etc/os-release") == "ID=debian\n");
  CHECK(read(fs, "/lib/os-release") == "ID=debian\n");
  CHECK(read(fs, "/abs") == "ID=debian\n");
  // stat follows; lstat does not follow the final component but follows the parents.
  CHECK(fs.stat("/etc/os-release")->layer == "L1");
  CHECK(fs.stat("/etc/os-release")->type == FileType::regular);
  auto l = fs.lstat("/etc/os-release");
  REQUIRE(l.ok());
  CHECK(l->type == FileType::symlink);
  CHECK(l->layer == "L2");
  CHECK(l->size == std::string("../usr/lib/os-release").size());
  CHECK(fs.lstat("/lib/os-release")->type == FileType::regular);
  CHECK(fs.lstat("/lib")->type == FileType::symlink);
  CHECK(fs.stat("/lib")->type == FileType::directory);
  // A trailing slash follows the link.
  CHECK(fs.lstat("/lib/")->type == FileType::directory);
  CHECK(*fs.list_dir("/lib") == std::vector<std::string>{"os-release"});
  // ".." after a symlink applies to the link's target (POSIX), not lexically.
  fs.add_file("/usr/marker", "m");
  CHECK(read(fs, "/lib/../marker") == "m");
}

TEST_CASE("MemFs: symlinks never escape the root") {
  MemFs fs;
  fs.add_file("/etc/passwd", "root:x:0:0\n");
  fs.add_file("/x", "top-x");
  fs.add_symlink("/a/b/c/d/up", "../../../../../../../../etc/passwd");
  fs.add_symlink("/etc/x", "/../../x");
  fs.add_symlink("/a/b/dotdot", "..");
  CHECK(read(fs, "/a/b/c/d/up") == "root:x:0:0\n");
  CHECK(read(fs, "/etc/x") == "top-x");
  CHECK(read(fs, "/../../../../etc/passwd") == "root:x:0:0\n");
  CHECK(read(fs, "/a/b/c/d/../../../../../../etc/passwd") == "root:x:0:0\n");
  CHECK(read(fs, "/a/b/dotdot/dotdot/dotdot/dotdot/etc/passwd") ==
        "ERR: /a/b/dotdot/dotdot/dotdot/dotdot/etc/passwd: no such file or directory");
  CHECK(read(fs, "/a/b/dotdot/../../etc/passwd") == "root:x:0:0\n");
}

TEST_CASE("MemFs: loops are errors, never hangs") {
  MemFs fs;
  fs.add_symlink("/loop1", "loop2");
  fs.add_symlink("/loop2", "/loop1");
  fs.add_symlink("/self", "self");
  fs.add_symlink("/dir/grow", "grow/grow");
  for (const char* p : {"/loop1", "/self", "/self/x", "/dir/grow", "/dir/grow/x"}) {
    auto r = fs.read_file(p);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("too many levels of symbolic links") != std::string::npos);
    CHECK_FALSE(fs.stat(p).ok());
  }
  // lstat of a looping link itself is fine (not followed).
  CHECK(fs.lstat("/loop1")->type == FileType::symlink);
  // Exactly k_max_symlink_hops hops is still allowed; one more is not.
  MemFs chain;
  chain.add_file("/target", "ok");
  chain.add_symlink("/l0", "/target");
  for (int i = 1; i < k_max_symlink_hops; ++i) {
    chain.add_symlink("/l" + std::to_string(i), "l" + std::to_string(i - 1));
  }
  CHECK(read(chain, "/l" + std::to_string(k_max_symlink_hops - 1)) == "ok");
  chain.add_symlink("/l" + std::to_string(k_max_symlink_hops),
                    "l" + std::to_string(k_max_symlink_hops - 1));
  CHECK_FALSE(chain.read_file("/l" + std::to_string(k_max_symlink_hops)).ok());
}

TEST_CASE("MemFs: dangling and empty symlinks") {
  MemFs fs;
  fs.add_symlink("/etc/os-release", "../usr/lib/os-release");
  fs.add_symlink("/empty", "");
  CHECK_FALSE(fs.read_file("/etc/os-release").ok());
  CHECK_FALSE(fs.stat("/etc/os-release").ok());
  CHECK(fs.lstat("/etc/os-release").ok());
  CHECK_FALSE(fs.exists("/etc/os-release"));
  CHECK_FALSE(fs.read_file("/empty").ok());
  // Filling in the target makes it resolve.
  fs.add_file("/usr/lib/os-release", "ID=x");
  CHECK(read(fs, "/etc/os-release") == "ID=x");
}

TEST_CASE("MemFs: replacement semantics across layers") {
  MemFs fs;
  fs.add_file("/opt/app/a", "aaaa", 0644, "L1");
  fs.add_file("/opt/app/b", "bb", 0644, "L1");
  CHECK(fs.entry_count() == 4);
  CHECK(fs.content_bytes() == 6);

  SECTION("dir replaced by a file drops the subtree") {
    fs.add_file("/opt/app", "now a file", 0644, "L2");
    CHECK(read(fs, "/opt/app") == "now a file");
    CHECK_FALSE(fs.exists("/opt/app/a"));
    CHECK(fs.entry_count() == 2);
    CHECK(fs.content_bytes() == 10);
  }
  SECTION("re-adding an existing dir keeps its children") {
    fs.add_dir("/opt/app", 0700, "L2");
    CHECK(read(fs, "/opt/app/a") == "aaaa");
    CHECK(fs.stat("/opt/app")->mode == 0700);
    CHECK(fs.stat("/opt/app")->layer == "L2");
    CHECK(fs.entry_count() == 4);
  }
  SECTION("a file replaced by a dir, and a file parent replaced by a dir") {
    fs.add_dir("/opt/app/a", 0755, "L2");
    CHECK(fs.stat("/opt/app/a")->type == FileType::directory);
    fs.add_file("/opt/app/b/inner", "i", 0644, "L2");
    CHECK(read(fs, "/opt/app/b/inner") == "i");
    CHECK(fs.content_bytes() == 1);
    CHECK(fs.entry_count() == 5);
  }
  SECTION("mutators are lexical: a symlinked parent is shadowed, not written through") {
    fs.add_symlink("/lib", "opt/app", "L1");
    fs.add_file("/lib/c", "c", 0644, "L2");
    CHECK(fs.lstat("/lib")->type == FileType::directory);
    CHECK_FALSE(fs.exists("/opt/app/c"));
    CHECK(read(fs, "/lib/c") == "c");
  }
  SECTION("overwriting a file updates content, layer and counters") {
    fs.add_file("/opt/app/a", "A", 0600, "L3");
    CHECK(read(fs, "/opt/app/a") == "A");
    CHECK(fs.stat("/opt/app/a")->layer == "L3");
    CHECK(fs.content_bytes() == 3);
    CHECK(fs.entry_count() == 4);
  }
}

TEST_CASE("MemFs: whiteouts (remove) and opaque dirs (clear_dir)") {
  MemFs fs;
  fs.add_file("/etc/apk/world", "busybox\n");
  fs.add_file("/etc/apk/repositories", "r\n");
  fs.add_file("/etc/keep", "k");
  fs.add_symlink("/link", "/etc");

  SECTION("remove drops a subtree") {
    fs.remove("/etc/apk");
    CHECK_FALSE(fs.exists("/etc/apk"));
    CHECK_FALSE(fs.exists("/etc/apk/world"));
    CHECK(fs.exists("/etc/keep"));
    CHECK(fs.entry_count() == 3);
    CHECK(fs.content_bytes() == 1);
    // Later layers can recreate it.
    fs.add_file("/etc/apk/world", "new");
    CHECK(read(fs, "/etc/apk/world") == "new");
  }
  SECTION("remove of a missing path is a no-op") {
    fs.remove("/nope/deeper");
    fs.remove("/etc/keep/x");
    CHECK(fs.entry_count() == 6);
  }
  SECTION("remove is lexical: removing a symlink does not touch its target") {
    fs.remove("/link");
    CHECK(fs.exists("/etc/keep"));
    CHECK_FALSE(fs.lstat("/link").ok());
    fs.add_symlink("/link", "/etc");
    fs.remove("/link/keep");  // path through a symlink: lexically absent
    CHECK(fs.exists("/etc/keep"));
  }
  SECTION("clear_dir keeps the directory, empties it") {
    fs.clear_dir("/etc");
    CHECK(fs.stat("/etc")->type == FileType::directory);
    CHECK(fs.list_dir("/etc")->empty());
    CHECK(fs.entry_count() == 2);  // /etc and /link
    CHECK(fs.content_bytes() == 0);
    fs.clear_dir("/link");  // not a directory lexically: no-op
    CHECK(fs.entry_count() == 2);
  }
  SECTION("remove of the root empties the tree") {
    fs.remove("/");
    CHECK(fs.entry_count() == 0);
    CHECK(fs.list_dir("/")->empty());
  }
}

TEST_CASE("MemFs: move keeps the tree") {
  MemFs fs;
  fs.add_file("/a", "1");
  MemFs moved(std::move(fs));
  CHECK(read(moved, "/a") == "1");
  MemFs other;
  other = std::move(moved);
  CHECK(read(other, "/a") == "1");
  CHECK(other.entry_count() == 1);
}

TEST_CASE("MemFs: random symlink graphs always resolve or fail, inside the root") {
  // Deterministic pseudo-random graphs of dirs, files and links (relative, absolute, "..").
  std::uint32_t seed = 12345;
  auto next = [&seed](std::uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % n;
  };
  const char* names[] = {"a", "b", "c", "..", "."};
  for (int graph = 0; graph < 200; ++graph) {
    MemFs fs;
    auto random_path = [&](int depth) {
      std::string p = next(3) == 0 ? "" : "/";
      for (int i = 0; i < depth; ++i) {
        p += names[next(5)];
        p += '/';
      }
      p += names[next(3)];
      return p;
    };
    for (int i = 0; i < 12; ++i) {
      auto path = random_path(static_cast<int>(next(3)));
      switch (next(3)) {
        case 0:
          fs.add_file(path, "f" + std::to_string(i));
          break;
        case 1:
          fs.add_dir(path);
          break;
        default:
          fs.add_symlink(path, random_path(static_cast<int>(next(4))));
          break;
      }
    }
    for (int q = 0; q < 20; ++q) {
      auto path = random_path(static_cast<int>(next(5)));
      auto r = fs.read_file(path);
      if (r.ok()) {
        CHECK(r->front() == 'f');
      }
      (void)fs.stat(path);
      (void)fs.lstat(path);
      (void)fs.list_dir(path);
    }
  }
}

TEST_CASE("a file added as a view reads as its content, without a copy held by the tree") {
  const std::string content = "Package: a\nVersion: 1\n";
  MemFs fs;
  fs.add_file_view("/var/lib/dpkg/status", content, 0600, "sha256:l1");
  auto read = fs.read_file("/var/lib/dpkg/status");
  REQUIRE(read.ok());
  CHECK(*read == content);
  auto st = fs.stat("/var/lib/dpkg/status");
  REQUIRE(st.ok());
  CHECK(st->size == content.size());
  CHECK(st->mode == 0600);
  CHECK(st->layer == "sha256:l1");
  CHECK(fs.content_bytes() == content.size());
  CHECK(*fs.read_prefix("/var/lib/dpkg/status", 7) == "Package");
  fs.add_file("/var/lib/dpkg/status", "replaced");  // replacing drops the view
  CHECK(*fs.read_file("/var/lib/dpkg/status") == "replaced");
  CHECK(fs.content_bytes() == 8);
}

TEST_CASE("a tree deeper than any stack is built, walked and destroyed without recursion",
          "[vfs]") {
  std::string path;
  for (int i = 0; i < 200000; ++i) {
    path += "/d";
  }
  {
    strata::vfs::MemFs fs;
    fs.add_file(path + "/f", "x");
    CHECK(fs.entry_count() == 200001);
    CHECK(*fs.read_file(path + "/f") == "x");
    // Replacing the top of the tree drops it all (counted without recursion too).
    fs.add_file("/d", "top");
    CHECK(fs.entry_count() == 1);
    fs.add_dir(path);
    fs.remove("/d");
    CHECK(fs.entry_count() == 0);
    fs.add_dir(path);
  }  // destroyed here with 200,000 levels
  SUCCEED();
}
