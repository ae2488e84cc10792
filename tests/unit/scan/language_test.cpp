#include <catch2/catch.hpp>

#include "scan/language.hpp"

using namespace strata;

namespace {

model::Package pkg(const std::string& name, const std::string& version, const std::string& path) {
  model::Package p;
  p.name = name;
  p.version = version;
  p.type = "python";
  p.ecosystem = "PyPI";
  p.location = path;
  return p;
}

layer::LayerAnalysis layer_n(int n) {
  layer::LayerAnalysis l;
  l.diff_id = "sha256:l" + std::to_string(n);
  return l;
}

std::vector<std::string> rows(const std::vector<model::Package>& pkgs) {
  std::vector<std::string> out;
  for (const auto& p : pkgs) {
    out.push_back(p.name + " " + p.version + " " + p.location + " " + p.layer);
  }
  return out;
}

}  // namespace

TEST_CASE("language packages merge across layers as the filesystem does") {
  const std::string sp = "/usr/lib/python3/site-packages";
  auto l1 = layer_n(1);
  l1.extracted[sp + "/a.dist-info/METADATA"] = {pkg("a", "1.0", sp + "/a.dist-info/METADATA")};
  l1.extracted[sp + "/b.dist-info/METADATA"] = {pkg("b", "1.0", sp + "/b.dist-info/METADATA")};
  l1.extracted["/opt/app/c.dist-info/METADATA"] = {
      pkg("c", "1.0", "/opt/app/c.dist-info/METADATA")};
  l1.extracted["/usr/bin/tool"] = {pkg("d", "1.0", "/usr/bin/tool")};
  l1.extracted["/srv/e/METADATA"] = {pkg("e", "1.0", "/srv/e/METADATA")};
  l1.extracted["/srv/f/METADATA"] = {pkg("f", "1.0", "/srv/f/METADATA")};

  auto l2 = layer_n(2);
  // a upgraded in place; b deleted by a whiteout of its directory; /opt made opaque; the tool
  // replaced by a script (a kept file) and e by a symlink.
  l2.extracted[sp + "/a.dist-info/METADATA"] = {pkg("a", "2.0", sp + "/a.dist-info/METADATA")};
  l2.whiteouts.push_back(sp + "/b.dist-info");
  l2.opaque_dirs.push_back("/opt");
  l2.files["/usr/bin/tool"] = {"#!/bin/sh\n", 0755};
  l2.symlinks["/srv/e/METADATA"] = "/dev/null";

  auto l3 = layer_n(3);
  l3.extracted["/srv/f/METADATA"] = {};  // rewritten without a package in it

  CHECK(rows(scan::language_packages({l1})).size() == 6);
  CHECK(rows(scan::language_packages({l1, l2, l3})) ==
        std::vector<std::string>{
            "a 2.0 /usr/lib/python3/site-packages/a.dist-info/METADATA sha256:l2"});

  SECTION("a whiteout of the root's child and an opaque root") {
    auto l4 = layer_n(4);
    l4.whiteouts.push_back("/usr");
    CHECK(rows(scan::language_packages({l1, l2, l4})) ==
          std::vector<std::string>{"f 1.0 /srv/f/METADATA sha256:l1"});
    auto l5 = layer_n(5);
    l5.opaque_dirs.push_back("/");
    CHECK(scan::language_packages({l1, l5}).empty());
  }
}

TEST_CASE("language packages an OS package installed are dropped") {
  std::vector<model::Package> pkgs{
      pkg("six", "1.16.0", "/usr/lib/python3/dist-packages/six.egg-info"),
      pkg("a", "1.0", "/opt/app/a.dist-info/METADATA"),
      pkg("b", "1.0", "/usr/share/java/x.jar!/lib/b.jar")};
  scan::drop_os_owned(pkgs,
                      {"/usr/lib/python3/dist-packages/six.egg-info", "/usr/share/java/x.jar"});
  REQUIRE(pkgs.size() == 1);
  CHECK(pkgs[0].name == "a");
}
