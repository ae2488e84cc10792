#include <catch2/catch.hpp>
#include <filesystem>

#include "layer/analyze.hpp"
#include "layer/entry_path.hpp"
#include "support/compress.hpp"
#include "tar_builder.hpp"
#include "util/file.hpp"
#include "util/hash.hpp"
#include "util/stream.hpp"
#include "util/warnings.hpp"

using namespace strata;

namespace {

const std::string k_images = std::string(STRATA_TESTDATA_DIR) + "/images";
const std::string k_alpine_blobs = k_images + "/oci-alpine/blobs/sha256/";

layer::ReadOptions keep_all() {
  layer::ReadOptions o;
  o.wants = [](std::string_view) { return true; };
  return o;
}

layer::ReadOptions keep(std::vector<std::string> paths) {
  layer::ReadOptions o;
  o.wants = [paths](std::string_view p) {
    return std::find(paths.begin(), paths.end(), p) != paths.end();
  };
  return o;
}

util::Result<layer::LayerAnalysis> analyze_bytes(const std::string& bytes,
                                                 const layer::ReadOptions& o) {
  util::MemoryInputStream s(std::as_bytes(std::span(bytes.data(), bytes.size())), "crafted");
  return layer::analyze_layer(s, o);
}

util::Result<layer::LayerAnalysis> analyze_file(const std::string& path,
                                                const layer::ReadOptions& o) {
  auto s = util::FileInputStream::open(path);
  REQUIRE(s.ok());
  return layer::analyze_layer(**s, o);
}

std::string read(const std::string& path) {
  auto r = util::read_file(path);
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("entry paths are normalised and escapes rejected", "[layer]") {
  CHECK(*layer::normalize_entry_path("./etc//x/") == "/etc/x");
  CHECK(*layer::normalize_entry_path("./") == "/");
  CHECK(*layer::normalize_entry_path("a/../b") == "/b");
  // Absolute names are joined under the root, as Docker's unpacking does; their ".." at the root
  // stays there. A relative name that climbs out is a breakout.
  CHECK(*layer::normalize_entry_path("/etc/passwd") == "/etc/passwd");
  CHECK(*layer::normalize_entry_path("/../../etc//passwd") == "/etc/passwd");
  CHECK(*layer::normalize_entry_path("/") == "/");
  CHECK_FALSE(layer::normalize_entry_path("../x").ok());
  CHECK_FALSE(layer::normalize_entry_path("a/../../x").ok());
  auto opq = layer::classify_whiteout("/etc/profile.d/.wh..wh..opq");
  CHECK(opq.kind == layer::WhiteoutKind::opaque);
  CHECK(opq.target == "/etc/profile.d");
  auto wh = layer::classify_whiteout("/etc/.wh.motd");
  CHECK(wh.kind == layer::WhiteoutKind::file);
  CHECK(wh.target == "/etc/motd");
  CHECK(layer::classify_whiteout("/.wh.x").target == "/x");
  CHECK(layer::classify_whiteout("/a/.wh..wh.plnk").kind == layer::WhiteoutKind::other_meta);
  CHECK(layer::classify_whiteout("/a/b.wh.c").kind == layer::WhiteoutKind::none);
}

TEST_CASE("gzip layer: digests and kept files", "[layer]") {
  auto o = keep({"/lib/apk/db/installed", "/etc/os-release", "/etc/alpine-release"});
  auto a = analyze_file(
      k_alpine_blobs + "4cee1a64b6d2928a40f717a3807fa3c6c4e5214c73ccb84188171945ea37a231", o);
  REQUIRE(a.ok());
  CHECK(a->digest == "sha256:4cee1a64b6d2928a40f717a3807fa3c6c4e5214c73ccb84188171945ea37a231");
  CHECK(a->diff_id == "sha256:24d58df9dfe44a87e8fd5adf846fb625afe0d9be2b2cdd3ebcd2d46654da07e3");
  CHECK(a->compressed_size == 3548149);
  CHECK(a->uncompressed_size == 7649280);  // the docker-archive's <diffid>.tar member size
  CHECK(a->files.size() == 3);
  CHECK(a->files.at("/etc/os-release").content.find("VERSION_ID=3.18.9") != std::string::npos);
  CHECK(a->files.at("/etc/alpine-release").content == "3.18.9\n");
  CHECK(a->files.at("/lib/apk/db/installed").content.find("P:musl\nV:1.2.4-r2") !=
        std::string::npos);
  CHECK(a->symlinks.at("/bin/sh") == "/bin/busybox");
  CHECK(std::find(a->dirs.begin(), a->dirs.end(), "/etc/apk") != a->dirs.end());
  CHECK(a->whiteouts.empty());
  CHECK(a->warnings.empty());
  CHECK(a->entries > 400);
}

TEST_CASE("zstd layers give the same diff_ids as gzip", "[layer]") {
  const std::string zstd = k_images + "/oci-alpine-zstd/blobs/sha256/";
  auto l1 = analyze_file(zstd + "4048d0888f0ce9081676b4a96d19d5dfa3271d6a5b0a474240e303c76149aa77",
                         keep_all());
  REQUIRE(l1.ok());
  CHECK(l1->diff_id == "sha256:24d58df9dfe44a87e8fd5adf846fb625afe0d9be2b2cdd3ebcd2d46654da07e3");
  CHECK(l1->digest == "sha256:4048d0888f0ce9081676b4a96d19d5dfa3271d6a5b0a474240e303c76149aa77");
  CHECK(l1->files.at("/etc/alpine-release").content == "3.18.9\n");
  auto l3 = analyze_file(zstd + "8b781610a10b271eca3389f87d155c4a6f3d040963d9d542cbd9d6ba5a1a0f86",
                         keep_all());
  REQUIRE(l3.ok());
  CHECK(l3->diff_id == "sha256:5eb6bd1a4cdbd70609a644322d0a4fc03a6a9e7320e4709914059e8443ddd3d0");
}

TEST_CASE("whiteouts and opaque dirs are recorded", "[layer]") {
  auto l2 = analyze_file(
      k_alpine_blobs + "5a064e0b577cf489bfab7c844a509da9481b85801c0bb49f2fa4b19e50583431",
      keep({}));
  REQUIRE(l2.ok());
  CHECK(l2->diff_id == "sha256:8482b70d68fdf0bef0d9f138ba47f7a3ba82ed6cc9ff38352a245af9319740fd");
  auto& w = l2->whiteouts;
  for (const char* p : {"/bin/ed", "/etc/conf.d", "/etc/init.d", "/etc/ssl/misc",
                        "/etc/udhcpd.conf", "/lib/libz.so.1.2.13", "/lib/mdev", "/var/lib/udhcpd",
                        "/etc/apk/protected_paths.d/alpine-release.list"}) {
    CHECK(std::find(w.begin(), w.end(), p) != w.end());
  }
  CHECK(w.size() == 9);
  CHECK(l2->files.empty());

  auto l3 = analyze_file(
      k_alpine_blobs + "30719c49779bc9da412c930f4c1f60e0dafbba2769c3a0eb048bb04726633ba6",
      keep_all());
  REQUIRE(l3.ok());
  CHECK(l3->opaque_dirs == std::vector<std::string>{"/etc/profile.d"});
  CHECK(l3->whiteouts == std::vector<std::string>{"/etc/motd"});
  CHECK(l3->files.count("/opt/app/hello.txt") == 1);
  CHECK(l3->files.count("/etc/profile.d/strata.sh") == 1);
}

TEST_CASE("a tar without its footer is accepted with a warning", "[layer]") {
  auto a = analyze_file(
      k_alpine_blobs + "095b339d5122e07cdf3a0de62382d72c5cb6abf929ab49432b3597b72f411670",
      keep_all());
  INFO((a.ok() ? "" : a.error().message));
  REQUIRE(a.ok());
  CHECK(a->diff_id.substr(0, 19) == "sha256:60cb828692f0");
  CHECK(a->uncompressed_size == 537);
  CHECK(a->files.count("/opt/inserted.txt") == 1);
  CHECK(a->files.at("/opt/inserted.txt").content.size() == 25);
  REQUIRE(a->warnings.size() == 1);
  CHECK(a->warnings[0].find("end-of-archive") != std::string::npos);

  // Crafted: the same without footer but with padding is also fine; cut inside data is not.
  test::TarBuilder t;
  t.file("a.txt", "hello").file("b.txt", std::string(3000, 'x'));
  auto ok = analyze_bytes(t.without_footer(), keep_all());
  REQUIRE(ok.ok());
  CHECK(ok->files.at("/b.txt").content.size() == 3000);
  // libarchive treats an end at a block boundary as a clean end: no warning needed.
  auto cut = t.without_footer().substr(0, 512 + 512 + 512 + 1000);
  CHECK_FALSE(analyze_bytes(cut, keep_all()).ok());
  CHECK_FALSE(analyze_bytes(cut, keep({})).ok());  // also when the entry is not kept
}

TEST_CASE("truncated gzip and zstd streams are errors", "[layer]") {
  std::string gz =
      read(k_alpine_blobs + "4cee1a64b6d2928a40f717a3807fa3c6c4e5214c73ccb84188171945ea37a231");
  for (std::size_t cut : {std::size_t{10}, std::size_t{5000}, gz.size() / 2, gz.size() - 4}) {
    auto r = analyze_bytes(gz.substr(0, cut), keep_all());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().category == util::ErrorCategory::input);
    CHECK(r.error().message.find("crafted") != std::string::npos);
  }
  std::string zs = read(k_images +
                        "/oci-alpine-zstd/blobs/sha256/"
                        "4048d0888f0ce9081676b4a96d19d5dfa3271d6a5b0a474240e303c76149aa77");
  for (std::size_t cut : {std::size_t{8}, zs.size() / 3, zs.size() - 3}) {
    auto r = analyze_bytes(zs.substr(0, cut), keep_all());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("crafted") != std::string::npos);
  }
  // Corrupt gzip body.
  std::string bad = gz;
  for (std::size_t i = 1000; i < 1100; ++i) {
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
  }
  CHECK_FALSE(analyze_bytes(bad, keep_all()).ok());
}

TEST_CASE("bad layer input is rejected", "[layer]") {
  CHECK_FALSE(analyze_bytes("", keep_all()).ok());
  CHECK_FALSE(analyze_bytes(std::string(5000, 'z'), keep_all()).ok());
  CHECK_FALSE(analyze_bytes("{\"not\": \"a tar\"}", keep_all()).ok());
  auto dotdot = analyze_bytes(test::TarBuilder().file("../etc/passwd", "x").finish(), keep_all());
  REQUIRE_FALSE(dotdot.ok());
  CHECK(dotdot.error().message.find("escapes") != std::string::npos);
  CHECK_FALSE(
      analyze_bytes(test::TarBuilder().file("a", "x").hardlink("b", "../../a").finish(), keep_all())
          .ok());
}

TEST_CASE("absolute entry names are read under the root", "[layer]") {
  auto r = analyze_bytes(test::TarBuilder()
                             .file("/etc/os-release", "ID=alpine\n")
                             .file("/../var/lib/x", "y")
                             .hardlink("/etc/copy", "/etc/os-release")
                             .finish(),
                         keep_all());
  REQUIRE(r.ok());
  CHECK(r->files.at("/etc/os-release").content == "ID=alpine\n");
  CHECK(r->files.at("/var/lib/x").content == "y");
  CHECK(r->files.at("/etc/copy").content == "ID=alpine\n");
}

TEST_CASE("links, size cap and empty tar", "[layer]") {
  test::TarBuilder t;
  t.dir("etc/")
      .file("etc/big", std::string(2000, 'b'))
      .file("etc/target", "content")
      .hardlink("etc/link", "etc/target")
      .hardlink("etc/lower", "usr/lib/elsewhere")
      .symlink("etc/abs", "/etc/target")
      .symlink("etc/up", "../../../../etc/target")
      .file("etc/up", "replaced");  // last entry for a path wins
  layer::ReadOptions o = keep_all();
  o.max_file_size = 1000;
  auto a = analyze_bytes(t.finish(), o);
  REQUIRE(a.ok());
  CHECK(a->files.count("/etc/big") == 0);
  REQUIRE(a->warnings.size() == 1);
  CHECK(a->warnings[0].find("/etc/big") != std::string::npos);
  CHECK(a->files.at("/etc/link").content == "content");
  CHECK(a->hardlinks.at("/etc/lower") == "/usr/lib/elsewhere");
  CHECK(a->symlinks.at("/etc/abs") == "/etc/target");
  CHECK(a->symlinks.count("/etc/up") == 0);
  CHECK(a->files.at("/etc/up").content == "replaced");
  CHECK(a->dirs == std::vector<std::string>{"/etc"});
  std::string bytes = t.finish();
  CHECK(a->diff_id == "sha256:" + util::sha256_hex(bytes));
  CHECK(a->digest == a->diff_id);

  auto empty = analyze_bytes(std::string(1024, '\0'), keep_all());
  REQUIRE(empty.ok());
  CHECK(empty->entries == 0);
}

TEST_CASE("files read for what they declare are extracted, not kept", "[layer]") {
  layer::ReadOptions o;
  o.wants = [](std::string_view p) { return p == "/etc/os-release"; };
  o.extracts = [](std::string_view p) { return p.ends_with("/METADATA"); };
  o.extracts_head = [](std::string_view head) {
    return head.starts_with(
        "\x7f"
        "ELF");
  };
  std::vector<std::string> seen;
  o.extract = [&](std::string_view path, std::string_view content, std::vector<model::Package>& out,
                  std::vector<std::string>&) {
    seen.emplace_back(path);
    if (content.find("Name: ") != std::string_view::npos || content.starts_with("\x7f")) {
      model::Package p;
      p.name = std::string(path);
      p.version = std::to_string(content.size());
      out.push_back(p);
    }
  };
  o.max_extract_size = 100000;
  const std::string elf = std::string(
                              "\x7f"
                              "ELF\x02\x01\x01",
                              7) +
                          std::string(70000, 'g');
  auto r = analyze_bytes(test::TarBuilder()
                             .file("etc/os-release", "ID=x\n")
                             .file("site-packages/a.dist-info/METADATA", "Name: a\n")
                             .file("site-packages/b.dist-info/METADATA", "nothing\n")
                             .file("usr/bin/app", elf, 0755)
                             .file("usr/lib/not-executable.so", elf, 0644)
                             .file("usr/bin/script", "#!/bin/sh\n", 0755)
                             .file("usr/bin/huge",
                                   std::string("\x7f"
                                               "ELF",
                                               4) +
                                       std::string(200000, 'h'),
                                   0755)
                             .finish(),
                         o);
  REQUIRE(r.ok());
  CHECK(r->files.size() == 1);
  CHECK(r->files.count("/etc/os-release") == 1);
  CHECK(seen == std::vector<std::string>{"/site-packages/a.dist-info/METADATA",
                                         "/site-packages/b.dist-info/METADATA", "/usr/bin/app"});
  REQUIRE(r->extracted.size() == 4);  // b declares nothing; huge is recorded as examined
  CHECK(r->extracted.at("/site-packages/a.dist-info/METADATA").size() == 1);
  CHECK(r->extracted.at("/site-packages/b.dist-info/METADATA").empty());
  REQUIRE(r->extracted.at("/usr/bin/app").size() == 1);
  CHECK(r->extracted.at("/usr/bin/app")[0].version == std::to_string(elf.size()));
  CHECK(r->extracted.at("/usr/bin/huge").empty());
  CHECK(r->warnings.size() == 1);
  CHECK(r->warnings[0].find("/usr/bin/huge not examined") != std::string::npos);
}

TEST_CASE("set-id files come from the tar headers, the last entry for a path deciding",
          "[layer][setid]") {
  std::string tar = test::TarBuilder()
                        .file("usr/bin/su", "x", 04755)
                        .file("usr/bin/wall", "x", 02755)
                        .file("usr/bin/both", "x", 06750)
                        .file("usr/bin/plain", "x", 0755)
                        .file("usr/bin/once", "x", 04755)
                        .file("usr/bin/once", "y", 0755)  // chmod'ed in the same layer
                        .hardlink("usr/bin/su2", "usr/bin/su")
                        .dir("usr/sbin")
                        .finish();
  auto a = analyze_bytes(tar, {});
  REQUIRE(a);
  std::vector<std::pair<std::string, std::uint32_t>> got;
  for (const auto& f : a->setid) {
    got.emplace_back(f.path, f.mode);
    CHECK(f.owner == "0");  // the builder writes uid 0 and no user name
  }
  // TarBuilder writes hard links with mode 0644: not set-id.
  CHECK(got == std::vector<std::pair<std::string, std::uint32_t>>{
                   {"/usr/bin/both", 06750}, {"/usr/bin/su", 04755}, {"/usr/bin/wall", 02755}});
  // Every non-directory entry is hashed once; directories are not.
  CHECK(a->entry_hashes.size() == 6);
  CHECK(std::is_sorted(a->entry_hashes.begin(), a->entry_hashes.end()));
  CHECK(std::binary_search(a->entry_hashes.begin(), a->entry_hashes.end(),
                           layer::entry_hash("/usr/bin/su2")));
  CHECK_FALSE(std::binary_search(a->entry_hashes.begin(), a->entry_hashes.end(),
                                 layer::entry_hash("/usr/sbin")));
}

TEST_CASE("replaced_in: whiteouts, opaque parents, new entries at a path or a parent",
          "[layer][setid]") {
  layer::LayerAnalysis upper;
  upper.whiteouts = {"/etc/gone", "/opt/dir"};
  upper.opaque_dirs = {"/var/cache"};
  upper.dirs = {"/srv/now-a-dir"};
  upper.entry_hashes = {layer::entry_hash("/usr/bin/su"), layer::entry_hash("/home")};
  std::sort(upper.entry_hashes.begin(), upper.entry_hashes.end());
  CHECK(layer::replaced_in(upper, "/etc/gone"));
  CHECK(layer::replaced_in(upper, "/opt/dir/file"));
  CHECK(layer::replaced_in(upper, "/var/cache/x/y"));
  CHECK(layer::replaced_in(upper, "/srv/now-a-dir"));
  CHECK(layer::replaced_in(upper, "/usr/bin/su"));
  CHECK(layer::replaced_in(upper, "/home/user/.netrc"));  // /home became a file or a link
  CHECK_FALSE(layer::replaced_in(upper, "/etc/gone-not"));
  CHECK_FALSE(layer::replaced_in(upper, "/var/cachex"));
  CHECK_FALSE(layer::replaced_in(upper, "/var/cache"));  // the opaque dir itself stays
  CHECK_FALSE(layer::replaced_in(upper, "/usr/bin/sudo"));
}

TEST_CASE("files are searched for secrets once, whether kept, extracted or neither",
          "[layer][secret]") {
  std::string tar = test::TarBuilder()
                        .file("etc/os-release", "ID=alpine\nTOKEN here\n")
                        .file("app/package.json", "{\"name\":\"a\",\"version\":\"1\"} TOKEN\n")
                        .file("app/run.sh", "#!/bin/sh\necho TOKEN\n", 0755)
                        .file("app/notes.txt", "line1\nTOKEN\n")
                        .file("app/big.txt", "TOKEN" + std::string(100, 'x'))
                        .file("app/notes.txt", "replaced\n")
                        .finish();
  layer::ReadOptions o = keep({"/etc/os-release"});
  o.extracts = [](std::string_view p) { return p == "/app/package.json"; };
  o.extracts_head = [](std::string_view head) {
    return head.substr(0, 4) ==
           "\x7f"
           "ELF";
  };
  o.extract = [](std::string_view, std::string_view, std::vector<model::Package>&,
                 std::vector<std::string>&) {};
  std::vector<std::string> asked;
  o.inspects = [&](std::string_view p, std::uint64_t size) {
    asked.emplace_back(p);
    return size < 100;
  };
  o.inspect = [](std::string_view, std::string_view content, std::vector<model::Secret>& out) {
    std::size_t at = content.find("TOKEN");
    if (at != std::string_view::npos) {
      model::Secret s;
      s.rule_id = "token";
      s.line = static_cast<std::uint32_t>(
          1 + std::count(content.begin(), content.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
      s.match = "TOKE*****";
      out.push_back(s);
    }
  };
  o.inspect_id = "rules-x";
  auto a = analyze_bytes(tar, o);
  REQUIRE(a);
  CHECK(a->secret_rules == "rules-x");
  std::vector<std::tuple<std::string, std::uint32_t, bool>> got;
  for (const auto& s : a->secrets) {
    got.emplace_back(s.path, s.line, s.deleted);
  }
  // big.txt is over the size inspects() allows; the first notes.txt was replaced in the layer.
  CHECK(got ==
        std::vector<std::tuple<std::string, std::uint32_t, bool>>{{"/etc/os-release", 2, false},
                                                                  {"/app/package.json", 1, false},
                                                                  {"/app/run.sh", 2, false},
                                                                  {"/app/notes.txt", 2, true}});
  CHECK(a->files.at("/etc/os-release").content == "ID=alpine\nTOKEN here\n");
  CHECK(std::count(asked.begin(), asked.end(), "/app/notes.txt") == 2);
  // Without hooks: nothing searched, no rule set named.
  auto plain = analyze_bytes(tar, keep({}));
  REQUIRE(plain);
  CHECK(plain->secrets.empty());
  CHECK(plain->secret_rules.empty());
}

TEST_CASE("an ISA-L-decoded layer and a zlib-decoded one give identical analyses", "[layer]") {
  // Every gzip layer blob of the test images, read with everything kept, secrets looked for
  // and executables extracted, so that every field is filled where the layer has it.
  std::vector<std::string> blobs;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(k_images)) {
    if (!entry.is_regular_file() || entry.path().parent_path().filename() != "sha256") {
      continue;
    }
    std::string head = read(entry.path().string()).substr(0, 2);
    if (head == "\x1f\x8b") {
      blobs.push_back(entry.path().string());
    }
  }
  REQUIRE(blobs.size() >= 5);
  layer::ReadOptions o = keep_all();
  o.extracts_head = [](std::string_view head) {
    return head.starts_with(
        "\x7f"
        "ELF");
  };
  o.extract = [](std::string_view path, std::string_view content,
                 std::vector<model::Package>& packages, std::vector<std::string>&) {
    packages.push_back(model::Package{});
    packages.back().name = std::string(path);
    packages.back().version = std::to_string(content.size());
  };
  o.inspects = [](std::string_view, std::uint64_t size) { return size < 100000; };
  o.inspect = [](std::string_view, std::string_view content, std::vector<model::Secret>& found) {
    if (content.find("PRIVATE KEY") != std::string_view::npos) {
      found.emplace_back();
    }
  };
  o.inspect_id = "test";
  for (const auto& blob : blobs) {
    INFO(blob);
    layer::ReadOptions isal = o, zlib = o;
    isal.gzip = util::GzipDecoder::isal;
    zlib.gzip = util::GzipDecoder::zlib;
    auto a = analyze_file(blob, isal);
    auto b = analyze_file(blob, zlib);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a->digest == b->digest);
    CHECK(a->diff_id == b->diff_id);
    CHECK(a->compressed_size == b->compressed_size);
    CHECK(a->uncompressed_size == b->uncompressed_size);
    CHECK(a->entries == b->entries);
    REQUIRE(a->files.size() == b->files.size());
    for (const auto& [path, file] : a->files) {
      CHECK(b->files.at(path).content == file.content);
      CHECK(b->files.at(path).mode == file.mode);
    }
    CHECK(a->symlinks == b->symlinks);
    CHECK(a->hardlinks == b->hardlinks);
    CHECK(a->dirs == b->dirs);
    CHECK(a->whiteouts == b->whiteouts);
    CHECK(a->opaque_dirs == b->opaque_dirs);
    CHECK(a->warnings == b->warnings);
    CHECK(a->entry_hashes == b->entry_hashes);
    CHECK(a->setid.size() == b->setid.size());
    CHECK(a->secrets.size() == b->secrets.size());
    REQUIRE(a->extracted.size() == b->extracted.size());
    for (const auto& [path, packages] : a->extracted) {
      REQUIRE(b->extracted.at(path).size() == packages.size());
      for (std::size_t i = 0; i < packages.size(); ++i) {
        CHECK(b->extracted.at(path)[i].version == packages[i].version);
      }
    }
  }
}

TEST_CASE("a layer that inflates past the size limit or the ratio guard is refused", "[layer]") {
  const std::string tar = test::TarBuilder()
                              .file("etc/os-release", "ID=alpine\n")
                              .file("zeros", std::string(1 << 20, '\0'))
                              .finish();
  const std::string gz = test::gzip(tar, 9);
  auto o = keep_all();
  REQUIRE(analyze_bytes(gz, o).ok());

  o.max_layer_size = 64 << 10;
  auto r = analyze_bytes(gz, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().category == util::ErrorCategory::input);
  CHECK_THAT(r.error().message, Catch::Contains("inflates to more than 65536 bytes") &&
                                    Catch::Contains("--max-layer-mb"));
  // The same limit on an uncompressed layer.
  CHECK_THAT(analyze_bytes(tar, o).error().message, Catch::Contains("inflates to more than"));

  o = keep_all();
  o.ratio_floor = 128 << 10;  // the real floor is 256 MiB
  o.max_ratio = 100;          // 1 MiB of zeros compresses ~1000:1
  r = analyze_bytes(gz, o);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("compression ratio over 100:1") &&
                                    Catch::Contains("--max-compression-ratio 100"));
  o.max_ratio = 0;  // no check
  CHECK(analyze_bytes(gz, o).ok());
  o.max_ratio = 5000;
  CHECK(analyze_bytes(gz, o).ok());
}

TEST_CASE("what the layers keep is charged against the image's quota", "[layer]") {
  test::TarBuilder b;
  b.file("etc/os-release", "ID=alpine\n").dir("d").symlink("l", "etc/os-release");
  b.file("var/lib/dpkg/status", std::string(3000, 'x'));
  const std::string tar = b.finish();
  auto o = keep_all();
  o.kept = std::make_shared<util::Quota>(1 << 20);
  auto a = analyze_bytes(tar, o);
  REQUIRE(a.ok());
  // What the read took is what kept_cost says the analysis holds.
  CHECK(o.kept->used() == layer::kept_cost(*a));
  CHECK(o.kept->used() > 3000 + 3 * layer::k_record_cost);

  // A second layer's read shares the quota: a small one trips it.
  o.kept = std::make_shared<util::Quota>(2000);
  auto r = analyze_bytes(tar, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().category == util::ErrorCategory::input);
  CHECK_THAT(r.error().message,
             Catch::Contains("keep more than 2000 bytes") && Catch::Contains("--max-kept-mb"));
}

TEST_CASE("a layer's warnings about its own files are capped", "[layer]") {
  test::TarBuilder b;
  for (int i = 0; i < 50; ++i) {
    b.file("var/lib/dpkg/status.d/p" + std::to_string(i), std::string(100, 'x'));
  }
  auto o = keep_all();
  o.max_file_size = 10;
  auto a = analyze_bytes(b.finish(), o);
  REQUIRE(a.ok());
  REQUIRE(a->warnings.size() == util::k_warnings_per_file + 1);
  CHECK_THAT(a->warnings.back(), Catch::Contains("30 more warnings like these not shown"));
}
