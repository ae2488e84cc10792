// strata's package-lock reading against npm itself: npm's Arborist (the library behind
// `npm ls` and `npm query`) loads each lockfile as npm's "virtual tree" (loadVirtual: the
// lockfile alone, no node_modules, no network) and lists every node of its inventory
// (location, name, version, dev flag), which is exactly what read_package_lock returns per
// entry. Arborist is called directly rather than through `npm query --package-lock-only`
// because that flag only exists since npm 9.9/10.2 and Debian 12 ships npm 9.2; `npm ls --all`
// prints the dependency graph from the root instead, which hides what no declared dependency
// reaches (these fixtures come without their package.json). It runs on a copy of each fixture in
// a temp directory with a temp HOME. scripts/install-deps.sh --test installs npm (Debian's, or
// the one a Node.js build bundles): the test needs `node` and `npm`'s Arborist.
//
// Compared: every node under a node_modules/ directory that is not a link. Arborist lists the
// project's workspaces and local directories too (locations outside node_modules/), which
// strata deliberately leaves out (lib/detect/lang/npm.hpp). Dev flags are compared where the
// lockfile has no workspace: without the project's package.json, Arborist recomputes the flags
// of a workspace lockfile from an incomplete graph.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <tuple>

#include <nlohmann/json.hpp>

#include "detect/lang/npm.hpp"
#include "npm_fixtures.hpp"
#include "support/temp_dir.hpp"
#include "util/process.hpp"

using namespace strata;
using namespace strata::detect::lang;

namespace {

using Node =
    std::tuple<std::string, std::string, std::string, bool>;  // location, name, version, dev

std::string require_tool(const std::string& tool) {
  auto path = util::find_on_path(tool, "/usr/bin:/bin:/usr/local/bin");
  INFO(tool << " is not installed: scripts/install-deps.sh --test installs it");
  REQUIRE(path);
  return *path;
}

// Prints npm's virtual tree of the project at argv[3] as JSON; argv[2] is the npm executable,
// next to which Arborist is found (Node's own npm, or Debian's /usr/share/nodejs).
const char* const k_script = R"(
const path = require('path');
const fs = require('fs');
const npmRoot = path.dirname(path.dirname(fs.realpathSync(process.argv[2])));
const Arborist = require(require.resolve('@npmcli/arborist', { paths: [npmRoot] }));
new Arborist({ path: process.argv[3] }).loadVirtual().then((tree) => {
  const out = [];
  for (const node of tree.inventory.values()) {
    out.push({ location: node.location, name: node.packageName, version: node.version || '',
               dev: node.dev, isLink: node.isLink, isWorkspace: node.isWorkspace });
  }
  process.stdout.write(JSON.stringify(out));
}, (err) => { console.error(err); process.exit(1); });
)";

// What npm lists for the lockfile `file`.
std::set<Node> npm_lists(const std::string& file, bool with_dev) {
  const std::string env = require_tool("env");
  const std::string node = require_tool("node");
  const std::string npm = require_tool("npm");
  test_support::TempDir tmp("strata-npm-oracle");
  std::filesystem::create_directories(tmp.sub("home"));
  std::filesystem::create_directories(tmp.sub("project"));
  std::filesystem::copy_file(file, tmp.sub("project/package-lock.json"));
  std::ofstream(tmp.sub("tree.js")) << k_script;
  auto r = util::run_process(
      {env, "-i", "PATH=" + std::filesystem::path(node).parent_path().string() + ":/usr/bin:/bin",
       "HOME=" + tmp.sub("home"), node, tmp.sub("tree.js"), npm, tmp.sub("project")},
      "", util::ProcessOptions{std::chrono::seconds(120), 64u << 20});
  REQUIRE(r);
  INFO(r->err);
  REQUIRE(r->exit_code == 0);
  auto nodes = nlohmann::json::parse(r->out, nullptr, false);
  REQUIRE(nodes.is_array());
  std::set<Node> out;
  for (const auto& n : nodes) {
    std::string location = n.value("location", "");
    bool in_node_modules = location.starts_with("node_modules/") ||
                           location.find("/node_modules/") != std::string::npos;
    if (!in_node_modules || n.value("isLink", false) || n.value("isWorkspace", false)) {
      continue;
    }
    out.emplace(location, n.value("name", ""), n.value("version", ""),
                with_dev && n.value("dev", false));
  }
  return out;
}

std::set<Node> strata_lists(const std::string& file, bool with_dev) {
  std::ifstream in(file, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> warnings;
  std::set<Node> out;
  for (const auto& e : read_package_lock(content, file, warnings)) {
    out.emplace(e.install_path, e.package.name, e.package.version, with_dev && e.dev);
  }
  CHECK(warnings.empty());
  return out;
}

}  // namespace

TEST_CASE("npm oracle: package-lock entries as npm's Arborist lists them", "[npm][oracle]") {
  const std::string root = std::string(STRATA_TESTDATA_DIR) + "/pkgdb/npm-lock/";
  std::size_t files = 0;
  for (const auto* folder : {"trivy-npm-parser", "scalibr-packagelockjson"}) {
    for (const auto& e : std::filesystem::directory_iterator(root + folder)) {
      auto name = e.path().filename().string();
      if (!name.ends_with(".json")) {
        continue;
      }
      INFO(name);
      const bool with_dev = name.find("workspace") == std::string::npos &&
                            name != "package-lock_v3_without_root_deps_field.json" &&
                            name != "package-lock_v3_broken_link.json";
      auto want = npm_lists(e.path().string(), with_dev);
      CHECK(want.empty() == (name == "package-lock_v3_broken_link.json"));
      CHECK(strata_lists(e.path().string(), with_dev) == want);
      ++files;
    }
  }
  CHECK(files == 33);
}
