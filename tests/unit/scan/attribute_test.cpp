#include <catch2/catch.hpp>

#include "layer/analyze.hpp"
#include "scan/attribute.hpp"

using namespace strata;

namespace {

const std::string k_db = "/lib/apk/db/installed";

std::string apk_db(std::initializer_list<std::pair<const char*, const char*>> pkgs) {
  std::string out;
  for (const auto& [name, version] : pkgs) {
    out += fmt::format("P:{}\nV:{}\nA:x86_64\no:{}\n\n", name, version, name);
  }
  return out;
}

layer::LayerAnalysis layer_with(std::string diff_id, std::optional<std::string> db) {
  layer::LayerAnalysis l;
  l.diff_id = std::move(diff_id);
  if (db) {
    l.files[k_db] = layer::LayerFile{*db, 0644};
  }
  return l;
}

model::Package pkg(const char* name, const char* version) {
  model::Package p;
  p.name = name;
  p.version = version;
  p.location = k_db;
  return p;
}

const model::OsInfo k_alpine{"alpine", "3.18.9", "Alpine:v3.18", ""};

}  // namespace

TEST_CASE("a package keeps the lowest layer of its unbroken run of the same version") {
  std::vector<layer::LayerAnalysis> layers;
  layers.push_back(layer_with("L1", apk_db({{"musl", "1.0-r0"}, {"zlib", "1.2-r0"}})));
  layers.push_back(layer_with("L2", std::nullopt));  // does not touch the database
  layers.push_back(
      layer_with("L3", apk_db({{"musl", "1.1-r0"}, {"zlib", "1.2-r0"}, {"curl", "8-r0"}})));
  std::vector<model::Package> pkgs{pkg("musl", "1.1-r0"), pkg("zlib", "1.2-r0"),
                                   pkg("curl", "8-r0")};
  scan::attribute_layers(pkgs, layers, k_alpine);
  CHECK(pkgs[0].layer == "L3");  // upgraded in L3
  CHECK(pkgs[1].layer == "L1");  // same version since L1
  CHECK(pkgs[2].layer == "L3");  // new in L3
}

TEST_CASE("a whiteout of the database between layers breaks the run") {
  std::vector<layer::LayerAnalysis> layers;
  layers.push_back(layer_with("L1", apk_db({{"zlib", "1.2-r0"}})));
  layers.push_back(layer_with("L2", std::nullopt));
  layers[1].whiteouts.push_back("/lib/apk");
  layers.push_back(layer_with("L3", apk_db({{"zlib", "1.2-r0"}})));
  std::vector<model::Package> pkgs{pkg("zlib", "1.2-r0")};
  scan::attribute_layers(pkgs, layers, k_alpine);
  CHECK(pkgs[0].layer == "L3");
}

TEST_CASE("an opaque directory in the writing layer hides lower copies") {
  std::vector<layer::LayerAnalysis> layers;
  layers.push_back(layer_with("L1", apk_db({{"zlib", "1.2-r0"}})));
  layers.push_back(layer_with("L2", apk_db({{"zlib", "1.2-r0"}})));
  layers[1].opaque_dirs.push_back("/lib/apk/db");
  std::vector<model::Package> pkgs{pkg("zlib", "1.2-r0")};
  scan::attribute_layers(pkgs, layers, k_alpine);
  CHECK(pkgs[0].layer == "L2");
}

TEST_CASE("packages without a database location are left alone") {
  std::vector<layer::LayerAnalysis> layers;
  layers.push_back(layer_with("L1", apk_db({{"zlib", "1.2-r0"}})));
  model::Package p = pkg("zlib", "1.2-r0");
  p.location.clear();
  p.layer = "preset";
  std::vector<model::Package> pkgs{p};
  scan::attribute_layers(pkgs, layers, k_alpine);
  CHECK(pkgs[0].layer == "preset");
}

TEST_CASE("the topmost copy of a database is not parsed again: the packages listed stand for it") {
  std::vector<layer::LayerAnalysis> layers;
  layers.push_back(layer_with("L1", apk_db({{"zlib", "1.2-r0"}})));
  // Not an apk database: parsing it would list nothing and stop the walk at L2.
  layers.push_back(layer_with("L2", "\x01\x02 not parsed"));
  std::vector<model::Package> pkgs{pkg("zlib", "1.2-r0")};
  scan::attribute_layers(pkgs, layers, k_alpine);
  CHECK(pkgs[0].layer == "L1");
}

TEST_CASE("a hard link above the topmost copy of a database: that copy is parsed") {
  std::vector<layer::LayerAnalysis> layers;
  layers.push_back(layer_with("L1", apk_db({{"zlib", "1.2-r0"}})));
  layers.push_back(layer_with("L2", std::nullopt));
  layers[1].hardlinks[k_db] = "/other/installed";  // the merged view read zlib 1.3 through it
  model::Package p = pkg("zlib", "1.3-r0");
  p.layer = "L2";
  std::vector<model::Package> pkgs{p};
  scan::attribute_layers(pkgs, layers, k_alpine);
  CHECK(pkgs[0].layer == "L2");  // L1's copy lists 1.2: not where 1.3 came from
}
