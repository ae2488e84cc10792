// Merged views (layer::merge_layers over vfs::MemFs) of real images: whiteouts, opaque dirs,
// symlink fixtures. Lives with the source tests because it needs images loaded from disk.

#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "layer/merge.hpp"
#include "source/image_source.hpp"

using namespace strata;
using test::k_images;
using test::load_options;

namespace {

source::LoadedImage load_ok(const std::string& path, const source::LoadOptions& o) {
  auto r = source::load_image(path, o);
  INFO(path << ": " << (r.ok() ? std::string("ok") : r.error().message));
  REQUIRE(r.ok());
  return std::move(r).value();
}

// The view refers to the image's file contents: the image must outlive it (hence no temporaries).
vfs::MemFs merged(source::LoadedImage&& img, std::size_t upto = SIZE_MAX) = delete;
vfs::MemFs merged(const source::LoadedImage& img, std::size_t upto = SIZE_MAX) {
  std::vector<const layer::LayerAnalysis*> layers;
  for (std::size_t i = 0; i < img.analyses.size() && i < upto; ++i) {
    layers.push_back(&img.analyses[i]);
  }
  return layer::merge_layers(layers);
}

// "name\tversion" lines of an expected.tsv (header skipped), sorted.
std::vector<std::string> expected_packages(const std::string& tsv) {
  auto text = util::read_file(tsv);
  REQUIRE(text.ok());
  std::vector<std::string> out;
  std::size_t pos = text->find('\n') + 1;
  while (pos < text->size()) {
    auto end = text->find('\n', pos);
    std::string line = text->substr(pos, end - pos);
    auto tab2 = line.find('\t', line.find('\t') + 1);
    out.push_back(line.substr(0, tab2));
    pos = end == std::string::npos ? text->size() : end + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "P\tV" pairs of an apk installed database, sorted.
std::vector<std::string> apk_packages(const std::string& db) {
  std::vector<std::string> out;
  std::string name;
  std::size_t pos = 0;
  while (pos < db.size()) {
    auto end = db.find('\n', pos);
    std::string line = db.substr(pos, end - pos);
    if (line.rfind("P:", 0) == 0) {
      name = line.substr(2);
    } else if (line.rfind("V:", 0) == 0) {
      out.push_back(name + "\t" + line.substr(2));
    }
    pos = end == std::string::npos ? db.size() : end + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("oci-alpine:upgrade merged view: whiteouts, opaque dir, layers", "[merge]") {
  for (const auto& [dir, tag] :
       {std::pair{"/oci-alpine", "upgrade"}, std::pair{"/oci-alpine-zstd", "upgrade-zstd"}}) {
    auto img = load_ok(k_images + dir, load_options(tag));
    auto fs = merged(img);
    auto installed = fs.read_file("/lib/apk/db/installed");
    REQUIRE(installed.ok());
    CHECK(apk_packages(*installed) == expected_packages(k_images + "/expected/alpine-upgrade.tsv"));
    CHECK(fs.stat("/lib/apk/db/installed")->layer == img.layers[1].diff_id);
    auto os = fs.read_file("/etc/os-release");
    REQUIRE(os.ok());
    CHECK(os->find("VERSION_ID=3.20.3") != std::string::npos);
    CHECK(*fs.read_file("/etc/alpine-release") == "3.20.3\n");
    CHECK_FALSE(fs.exists("/etc/motd"));
    CHECK(*fs.list_dir("/etc/profile.d") == std::vector<std::string>{"strata.sh"});
    CHECK(fs.stat("/opt/app/hello.txt")->layer == img.layers[2].diff_id);
    CHECK_FALSE(fs.exists("/etc/conf.d"));
    CHECK_FALSE(fs.exists("/etc/init.d"));
    CHECK_FALSE(fs.exists("/bin/ed"));
    CHECK_FALSE(fs.exists("/etc/udhcpd.conf"));
    CHECK_FALSE(fs.exists("/lib/libz.so.1.2.13"));
    CHECK_FALSE(fs.exists("/var/lib/udhcpd"));
    CHECK(fs.exists("/etc/apk/protected_paths.d"));
    CHECK_FALSE(fs.exists("/etc/apk/protected_paths.d/alpine-release.list"));

    // After L1 only: 3.18.9 with its motd and init.d.
    auto l1 = merged(img, 1);
    CHECK(apk_packages(*l1.read_file("/lib/apk/db/installed")) ==
          expected_packages(k_images + "/expected/alpine-3.18.9.tsv"));
    CHECK(l1.exists("/etc/motd"));
    CHECK(l1.exists("/etc/init.d"));
  }
}

TEST_CASE("merged views of the other real images", "[merge]") {
  auto trunc_img = load_ok(k_images + "/oci-alpine", load_options("insert-truncated"));
  auto trunc = merged(trunc_img);
  CHECK(apk_packages(*trunc.read_file("/lib/apk/db/installed")) ==
        expected_packages(k_images + "/expected/alpine-insert-truncated.tsv"));
  CHECK(trunc.exists("/opt/inserted.txt"));

  auto arm_img = load_ok(k_images + "/oci-alpine", load_options("multi", "linux/arm64"));
  auto arm = merged(arm_img);
  CHECK(apk_packages(*arm.read_file("/lib/apk/db/installed")) ==
        expected_packages(k_images + "/expected/alpine-3.20.3-arm64.tsv"));

  auto docker_img =
      load_ok(k_images + "/docker-archive/alpine-upgrade.docker.tar.gz", load_options());
  auto docker = merged(docker_img);
  CHECK(apk_packages(*docker.read_file("/lib/apk/db/installed")) ==
        expected_packages(k_images + "/expected/alpine-upgrade.tsv"));

  auto t311_img =
      load_ok(k_images + "/docker-save/trivy-alpine-311/alpine-311.tar.gz", load_options());
  auto t311 = merged(t311_img);
  CHECK(apk_packages(*t311.read_file("/lib/apk/db/installed")) ==
        expected_packages(k_images + "/docker-save/trivy-alpine-311/expected.tsv"));

  auto deb = load_ok(k_images + "/oci-debian-dpkgmeta", load_options("bookworm-hello"));
  auto dfs = merged(deb);
  // /etc/os-release -> ../usr/lib/os-release, resolved inside the image.
  CHECK(dfs.read_file("/etc/os-release")->find("VERSION_ID=\"12\"") != std::string::npos);
  CHECK(dfs.read_file("/var/lib/dpkg/status")->find("Package: hello\n") != std::string::npos);
  CHECK(dfs.stat("/var/lib/dpkg/status")->layer == deb.layers[1].diff_id);
  CHECK_FALSE(dfs.exists("/etc/motd"));
  CHECK_FALSE(dfs.exists("/usr/share/common-licenses"));
}

TEST_CASE("ggcr mutate fixtures: whiteout and overwritten file", "[merge]") {
  const std::string ggcr = k_images + "/docker-save/ggcr-tarballs/";
  auto wh_img = load_ok(ggcr + "mutate-whiteout_image.tar", load_options());
  auto wh = merged(wh_img);
  CHECK_FALSE(wh.exists("/foo.txt"));
  CHECK(wh.exists("/bar.txt"));
  auto ow = load_ok(ggcr + "mutate-overwritten_file.tar", load_options());
  auto ofs = merged(ow);
  // Layer 1 writes foo.txt, layer 2 replaces it with a symlink to bar.txt, layer 3 is empty.
  REQUIRE(ow.layers.size() == 3);
  CHECK(ow.analyses[2].entries == 0);
  CHECK(ofs.lstat("/foo.txt")->type == vfs::FileType::symlink);
  CHECK(ofs.lstat("/foo.txt")->layer == ow.layers[1].diff_id);
  CHECK(*ofs.read_file("/foo.txt") == *ofs.read_file("/bar.txt"));
}

TEST_CASE("scalibr symlink fixtures resolve inside the root and never loop", "[merge]") {
  const std::string dir = k_images + "/docker-save/scalibr-layerscanning/";
  auto basic_img = load_ok(dir + "symlink-basic.tar", load_options());
  auto basic = merged(basic_img);
  std::string sample = *basic.read_file("/dir1/sample.txt");
  for (const char* p : {"/dir1/absolute-symlink.txt", "/dir1/chain-symlink.txt",
                        "/dir1/relative-dot-symlink.txt", "/dir1/relative-symlink.txt"}) {
    auto r = basic.read_file(p);
    INFO(p);
    REQUIRE(r.ok());
    CHECK(*r == sample);
  }
  auto cycle_img = load_ok(dir + "symlink-cycle.tar", load_options());
  auto cycle = merged(cycle_img);
  auto c = cycle.read_file("/dir1/chain-symlink.txt");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message.find("symbolic links") != std::string::npos);

  auto dangling_img = load_ok(dir + "symlink-dangling.tar", load_options());
  auto dangling = merged(dangling_img);
  CHECK_FALSE(dangling.read_file("/dir2/dir3/relative-subfolder-symlink.txt").ok());
  CHECK(dangling.lstat("/dir2/dir3/relative-subfolder-symlink.txt")->type ==
        vfs::FileType::symlink);

  auto depth_img = load_ok(dir + "symlink-depth-exceeded.tar", load_options());
  auto depth = merged(depth_img);
  CHECK(*depth.read_file("/dir1/symlink7.txt") == *depth.read_file("/dir1/sample.txt"));

  // Targets that climb above the root stay inside it: /../secret.txt is /secret.txt (absent).
  auto attack_img = load_ok(dir + "symlink-attack.tar", load_options());
  auto attack = merged(attack_img);
  CHECK(attack.lstat("/dir1/attack-symlink.txt")->type == vfs::FileType::symlink);
  CHECK_FALSE(attack.read_file("/dir1/attack-symlink.txt").ok());
  CHECK_FALSE(attack.read_file("/dir1/attack-symlink-absolute.txt").ok());

  for (const char* f :
       {"basic.tar", "single-file.tar", "multiple-files.tar", "overwrite-file.tar"}) {
    load_ok(dir + f, load_options());
  }
}
