#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "../layer/tar_builder.hpp"
#include "source/tar_index.hpp"
#include "util/file.hpp"

using namespace strata;
namespace fs = std::filesystem;

namespace {

struct Dir {
  Dir() {
    char tmpl[] = "/tmp/strata-tarindex.XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~Dir() { fs::remove_all(path); }
  std::string path;
};

void write(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

util::Result<std::optional<std::vector<source::TarMember>>> index(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  struct stat st {};
  REQUIRE(::fstat(fd, &st) == 0);
  auto r = source::index_tar(fd, static_cast<std::uint64_t>(st.st_size), path);
  ::close(fd);
  return r;
}

// The oracle: libarchive's reading of the same file (name -> type letter, size, link, data).
struct Seen {
  char type;
  std::uint64_t size;
  std::string link, data;
};
std::map<std::string, Seen> libarchive_listing(const std::string& path) {
  std::map<std::string, Seen> out;
  archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_filename(a, path.c_str(), 10240) == ARCHIVE_OK);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    Seen s{};
    const char* hard = archive_entry_hardlink(e);
    auto type = archive_entry_filetype(e);
    s.type = hard != nullptr    ? 'h'
             : type == AE_IFREG ? 'f'
             : type == AE_IFLNK ? 'l'
             : type == AE_IFDIR ? 'd'
                                : 'o';
    s.link = hard != nullptr                       ? hard
             : archive_entry_symlink(e) != nullptr ? archive_entry_symlink(e)
                                                   : "";
    s.size = s.type == 'f' ? static_cast<std::uint64_t>(archive_entry_size(e)) : 0;
    if (s.type == 'f') {
      s.data.resize(s.size);
      REQUIRE(archive_read_data(a, s.data.data(), s.data.size()) ==
              static_cast<la_ssize_t>(s.size));
    }
    out[archive_entry_pathname(e)] = s;
  }
  archive_read_free(a);
  return out;
}

char letter(source::TarMember::Type t) {
  using T = source::TarMember::Type;
  return t == T::regular     ? 'f'
         : t == T::hardlink  ? 'h'
         : t == T::symlink   ? 'l'
         : t == T::directory ? 'd'
                             : 'o';
}

}  // namespace

TEST_CASE("tar index: every GNU tar format, long names, links; checked against libarchive",
          "[tar_index]") {
  Dir d;
  const std::string root = d.path + "/root";
  const std::string deep = std::string(120, 'd') + "/" + std::string(90, 'e');
  write(root + "/small.json", "{\"a\": 1}");
  write(root + "/" + deep + "/long-named-file.txt", std::string(70000, 'x'));
  write(root + "/empty", "");
  write(root + "/blob", std::string(1 << 20, '\7'));
  fs::create_symlink("../" + std::string(150, 't'), root + "/long-link");
  fs::create_symlink("small.json", root + "/short-link");
  fs::create_hard_link(root + "/blob", root + "/blob-hard");
  for (std::string format : {"gnu", "pax", "ustar", "oldgnu"}) {
    INFO(format);
    const std::string tar = d.path + "/" + format + ".tar";
    const std::string cmd =
        "tar --format=" + format + " -C " + root + " -cf " + tar + " . 2>/dev/null";
    int rc = std::system(cmd.c_str());
    if (format == "ustar" && rc != 0) {
      continue;  // ustar cannot hold the 150-byte link target: tar refuses, nothing to index
    }
    REQUIRE(rc == 0);
    auto idx = index(tar);
    REQUIRE(idx.ok());
    REQUIRE(idx->has_value());
    auto oracle = libarchive_listing(tar);
    REQUIRE((*idx)->size() == oracle.size());
    auto content = util::read_file(tar);
    REQUIRE(content.ok());
    for (const auto& m : **idx) {
      INFO(m.name);
      REQUIRE(oracle.count(m.name) == 1);
      const Seen& s = oracle.at(m.name);
      CHECK(letter(m.type) == s.type);
      CHECK(m.link == s.link);
      if (s.type == 'f') {
        CHECK(m.size == s.size);
        CHECK(content->substr(m.offset, m.size) == s.data);
      }
    }
  }
}

TEST_CASE("tar index: what it leaves to libarchive, and what it accepts", "[tar_index]") {
  Dir d;
  std::string t = test::TarBuilder().file("a", "hello").file("b/c", std::string(600, 'z')).finish();
  write(d.path + "/ok.tar", t);
  auto ok = index(d.path + "/ok.tar");
  REQUIRE(ok.ok());
  REQUIRE(ok->has_value());
  REQUIRE((*ok)->size() == 2);
  CHECK((**ok)[1].name == "b/c");
  CHECK((**ok)[1].offset == 512 + 512 + 512);
  CHECK((**ok)[1].size == 600);

  // Without its footer, ending at a header boundary: accepted (as libarchive does).
  write(d.path + "/nofooter.tar", test::TarBuilder().file("a", "hello").without_footer());
  auto nf = index(d.path + "/nofooter.tar");
  REQUIRE(nf.ok());
  CHECK(nf->has_value());

  // Truncated inside a member, a bad checksum, a partial block, not a tar, a sparse member:
  // nullopt, the slow path's business.
  write(d.path + "/cut.tar", t.substr(0, 1024 + 100));
  write(d.path + "/partial.tar", t.substr(0, 512 + 512 + 7));
  std::string bad = t;
  bad[10] = 'X';
  write(d.path + "/badsum.tar", bad);
  write(d.path + "/text.tar", std::string(2048, 'q'));
  for (const char* name : {"cut.tar", "partial.tar", "badsum.tar", "text.tar"}) {
    INFO(name);
    auto r = index(d.path + "/" + name);
    REQUIRE(r.ok());
    CHECK_FALSE(r->has_value());
  }
  const std::string sparse = d.path + "/sparse";
  REQUIRE(std::system(("truncate -s 4M " + sparse + " && printf x >> " + sparse).c_str()) == 0);
  REQUIRE(std::system(
              ("tar --format=gnu --sparse -C " + d.path + " -cf " + d.path + "/sparse.tar sparse")
                  .c_str()) == 0);
  auto sp = index(d.path + "/sparse.tar");
  REQUIRE(sp.ok());
  CHECK_FALSE(sp->has_value());

  // An empty file indexes to no members (the caller's "empty archive").
  write(d.path + "/empty.tar", "");
  auto e = index(d.path + "/empty.tar");
  REQUIRE(e.ok());
  REQUIRE(e->has_value());
  CHECK((*e)->empty());
}
