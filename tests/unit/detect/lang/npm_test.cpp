// Node packages: the shared package-lock fixtures (testdata/pkgdb/npm-lock, copies of
// pkgdb-npm-lock: trivy's and osv-scalibr's) against their expected.tsv, strata's own yarn.lock
// and pnpm-lock.yaml fixtures (testdata/pkgdb/npm), installed package.json files, the candidate
// paths and the lockfile/installed helpers.
//
// Where strata departs from a peer's expectation, on purpose (lib/detect/lang/npm.hpp):
// * workspaces and local directories are the project's own code, not packages: trivy reports
//   npm workspaces (function1 with an empty version, nested_func, testapp, func1) and
//   osv-scalibr local `file:` directories (other_package, etag); strata does not. Their
//   dependencies (functions/nested_func/node_modules/debug, deps/etag/node_modules/abbrev) are
//   reported.
// * development-only packages are left out by default, as trivy does; osv-scalibr reports them,
//   so its expectations are checked with include_dev and trivy's with and without.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "detect/lang/npm.hpp"
#include "npm_fixtures.hpp"

using namespace strata;
using namespace strata::detect::lang;
using namespace strata::detect::test;
using namespace strata::detect::test::npm;

namespace {

const std::string k_lock_dir = "pkgdb/npm-lock/";
const std::string k_own_dir = "pkgdb/npm/";

// The files of a testdata folder other than expected.tsv and SOURCE.md.
std::vector<std::string> fixture_files(const std::string& folder) {
  std::vector<std::string> out;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(STRATA_TESTDATA_DIR) + "/" + folder)) {
    auto name = e.path().filename().string();
    if (e.is_regular_file() && name != "expected.tsv" && name != "SOURCE.md") {
      out.push_back(name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// `rows` without the (name, version) pairs in `drop`.
Flagged without(Flagged rows, const std::set<std::pair<std::string, std::string>>& drop) {
  for (auto it = rows.begin(); it != rows.end();) {
    if (drop.contains({std::get<0>(*it), std::get<1>(*it)})) {
      it = rows.erase(it);
    } else {
      ++it;
    }
  }
  return rows;
}

void check_packages(const std::vector<model::Package>& pkgs, const std::string& path) {
  for (const auto& p : pkgs) {
    CHECK(p.type == "npm");
    CHECK(p.ecosystem == "npm");
    CHECK(p.location == path);
    CHECK(p.purl == npm_purl(p.name, p.version));
    CHECK(p.layer.empty());
    CHECK(p.source_name.empty());
    CHECK(p.arch.empty());
  }
}

}  // namespace

TEST_CASE("npm: trivy's package-lock fixtures, with and without dev dependencies", "[npm]") {
  const std::string folder = k_lock_dir + "trivy-npm-parser";
  auto expected = expected_by_file(folder);
  // Workspace packages trivy reports and strata does not (see the top of this file).
  const std::map<std::string, std::set<std::pair<std::string, std::string>>> workspaces = {
      {"package-lock_v3_with_workspace.json", {{"function1", ""}, {"nested_func", "1.0.0"}}},
      {"package-lock_v3_with_workspace_as_object.json", {{"testapp", "1.0.0"}}},
      {"package-lock_v3_without_root_deps_field.json", {{"func1", "1.0.0"}}},
  };
  auto files = fixture_files(folder);
  CHECK(files.size() == 10);
  for (const auto& file : files) {
    INFO(file);
    const std::string content = testdata(folder + "/" + file);
    const std::string path = "/app/" + file;
    auto drop = workspaces.contains(file) ? workspaces.at(file)
                                          : std::set<std::pair<std::string, std::string>>{};
    Flagged want = without(expected[file], drop);  // broken_link: no rows, no packages
    std::vector<std::string> warnings;
    auto entries = read_package_lock(content, path, warnings);
    CHECK(warnings.empty());
    CHECK(merged(entries) == want);  // names, versions and dev flags

    NpmOptions with_dev;
    with_dev.include_dev = true;
    auto all = parse_package_lock(content, path, warnings, with_dev);
    CHECK(names(all) == names(want, true));
    auto prod = parse_package_lock(content, path, warnings);
    CHECK(names(prod) == names(want, false));
    check_packages(all, path);
    CHECK(warnings.empty());
  }
}

TEST_CASE("npm: osv-scalibr's package-lock fixtures, dev dependencies included", "[npm]") {
  const std::string folder = k_lock_dir + "scalibr-packagelockjson";
  auto expected = expected_by_file(folder);
  // Local directories osv-scalibr reports and strata does not (see the top of this file).
  const std::map<std::string, std::set<std::pair<std::string, std::string>>> local = {
      {"files.v1.json", {{"other_package", ""}}},
      {"files.v2.json", {{"etag", "1.8.0"}}},
  };
  auto files = fixture_files(folder);
  CHECK(files.size() == 23);
  NpmOptions with_dev;
  with_dev.include_dev = true;
  for (const auto& file : files) {
    INFO(file);
    REQUIRE(expected.contains(file));
    const std::string path = "/srv/app/" + file;
    auto drop =
        local.contains(file) ? local.at(file) : std::set<std::pair<std::string, std::string>>{};
    std::vector<std::string> warnings;
    auto pkgs = parse_package_lock(testdata(folder + "/" + file), path, warnings, with_dev);
    CHECK(warnings.empty());
    CHECK(names(pkgs) == names(without(expected[file], drop), true));
    check_packages(pkgs, path);
  }
}

TEST_CASE("npm: dev dependencies are left out by default", "[npm]") {
  const std::string folder = k_lock_dir + "scalibr-packagelockjson/";
  std::vector<std::string> w;
  for (const auto* file : {"one-package-dev.v1.json", "one-package-dev.v2.json"}) {
    INFO(file);
    CHECK(parse_package_lock(testdata(folder + file), file, w).empty());
  }
  // ajv 5.5.2 is installed for eslint (dev) and for table (production): it stays.
  CHECK(names(parse_package_lock(testdata(folder + "same-package-different-groups.v2.json"), "f",
                                 w)) == NameVersions{{"ajv", "5.5.2"}, {"table", "1.0.0"}});
  // A devOptional package may be needed in production: not dev.
  auto entries =
      read_package_lock(testdata(folder + "same-package-different-groups.v2.json"), "f", w);
  for (const auto& e : entries) {
    if (e.install_path == "node_modules/table/node_modules/ajv/node_modules/ajv") {
      CHECK_FALSE(e.dev);
    }
  }
  CHECK(w.empty());
}

TEST_CASE("npm: package-lock install paths, aliases and git versions", "[npm]") {
  std::vector<std::string> w;
  auto paths = [](const std::vector<NpmLockEntry>& entries) {
    std::map<std::string, std::pair<std::string, std::string>> out;
    for (const auto& e : entries) {
      out[e.install_path] = {e.package.name, e.package.version};
    }
    return out;
  };
  SECTION("lockfile v1: the nesting gives the install path") {
    auto got = paths(read_package_lock(
        testdata(k_lock_dir + "scalibr-packagelockjson/nested-dependencies.v1.json"), "f", w));
    CHECK(got.at("node_modules/postcss") ==
          std::pair<std::string, std::string>{"postcss", "6.0.23"});
    CHECK(got.at("node_modules/postcss-calc/node_modules/postcss") ==
          std::pair<std::string, std::string>{"postcss", "7.0.16"});
  }
  SECTION("aliases: installed under the alias, named by the real package") {
    for (const auto* file : {"alias.v1.json", "alias.v2.json"}) {
      INFO(file);
      auto got = paths(
          read_package_lock(testdata(k_lock_dir + "scalibr-packagelockjson/" + file), "f", w));
      CHECK(got.at("node_modules/babel-code-frame") ==
            std::pair<std::string, std::string>{"@babel/code-frame", "7.0.0"});
      CHECK(got.at("node_modules/string-width-cjs") ==
            std::pair<std::string, std::string>{"string-width", "4.2.0"});
    }
  }
  SECTION("lockfile v1 git dependencies have no version; v2 has the package's") {
    auto v1 = paths(read_package_lock(
        testdata(k_lock_dir + "scalibr-packagelockjson/commits.v1.json"), "f", w));
    CHECK(v1.at("node_modules/raven-js").second.empty());
    CHECK(v1.at("node_modules/postcss-calc/node_modules/is-number-2").second.empty());
    auto v2 = paths(read_package_lock(
        testdata(k_lock_dir + "scalibr-packagelockjson/commits.v2.json"), "f", w));
    CHECK(v2.at("node_modules/babel-preset-php").second == "1.1.1");
  }
  SECTION("a workspace's own node_modules") {
    auto got = paths(read_package_lock(
        testdata(k_lock_dir + "trivy-npm-parser/package-lock_v3_with_workspace.json"), "f", w));
    CHECK(got.at("functions/nested_func/node_modules/debug").second == "2.6.9");
    CHECK_FALSE(got.contains("functions/nested_func"));
    CHECK_FALSE(got.contains("node_modules/function1"));
  }
  CHECK(w.empty());
}

TEST_CASE("npm: strata's yarn.lock and pnpm-lock.yaml fixtures", "[npm]") {
  struct Case {
    const char* folder;
    const char* file;
    Format format;
  };
  for (auto c :
       {Case{"yarn-v1", "yarn.lock", Format::yarn}, Case{"yarn-berry", "yarn.lock", Format::yarn},
        Case{"pnpm-v5", "pnpm-lock.yaml", Format::pnpm},
        Case{"pnpm-v6", "pnpm-lock.yaml", Format::pnpm},
        Case{"pnpm-v9", "pnpm-lock.yaml", Format::pnpm},
        Case{"pnpm-v9-two-documents", "pnpm-lock.yaml", Format::pnpm}}) {
    INFO(c.folder);
    const std::string folder = k_own_dir + c.folder;
    auto want = expected_by_file(folder).at(c.file);
    const std::string content = testdata(folder + "/" + c.file);
    const std::string path = std::string("/home/node/app/") + c.file;
    std::vector<std::string> warnings;
    auto entries = read_lock(c.format, content, path, warnings);
    CHECK(warnings.empty());
    CHECK(merged(entries) == want);
    for (const auto& e : entries) {
      CHECK(e.install_path.empty());
    }
    NpmOptions with_dev;
    with_dev.include_dev = true;
    auto all = parse_npm_file(content, path, warnings, with_dev);
    CHECK(names(all) == names(want, true));
    check_packages(all, path);
    CHECK(names(parse_npm_file(content, path, warnings)) == names(want, false));
    CHECK(warnings.empty());
  }
}

TEST_CASE("npm: yarn.lock details", "[npm]") {
  std::vector<std::string> w;
  SECTION("CRLF line ends, unquoted versions, an entry without a version") {
    const std::string lock =
        "# yarn lockfile v1\r\n\r\nms@^2.1.1:\r\n  version 2.1.3\r\n  resolved \"x\"\r\n\r\n"
        "broken@^1.0.0:\r\n  resolved \"y\"\r\n";
    auto pkgs = parse_yarn_lock(lock, "/a/yarn.lock", w);
    CHECK(names(pkgs) == NameVersions{{"ms", "2.1.3"}});
    REQUIRE(w.size() == 1);
    CHECK(w[0] ==
          "/a/yarn.lock: 1 entries skipped without a package name and version (the first "
          "at line 7)");
  }
  SECTION("a line that is not a header drops its entry") {
    auto pkgs =
        parse_yarn_lock("garbage line\n  version \"1.0.0\"\nok@1:\n  version \"1.0.0\"\n", "y", w);
    CHECK(names(pkgs) == NameVersions{{"ok", "1.0.0"}});
    CHECK(w.size() == 1);
  }
}

TEST_CASE("npm: pnpm-lock.yaml details", "[npm]") {
  std::vector<std::string> w;
  SECTION("registry-prefixed and scoped v5 keys, peer suffixes") {
    const std::string lock =
        "lockfileVersion: 5.3\n\npackages:\n\n"
        "  registry.npmjs.org/lodash/4.17.10:\n    resolution: {integrity: x}\n    dev: false\n"
        "  /@babel/generator/7.21.9_@babel+core@7.21.8:\n    dev: false\n"
        "  /react-dom/18.2.0_react@18.2.0:\n    dev: true\n";
    NpmOptions with_dev;
    with_dev.include_dev = true;
    CHECK(names(parse_pnpm_lock(lock, "p", w, with_dev)) ==
          NameVersions{
              {"lodash", "4.17.10"}, {"@babel/generator", "7.21.9"}, {"react-dom", "18.2.0"}});
    CHECK(names(parse_pnpm_lock(lock, "p", w)) ==
          NameVersions{{"lodash", "4.17.10"}, {"@babel/generator", "7.21.9"}});
  }
  SECTION("v6 keys with peers in parentheses; comments; quoted keys") {
    const std::string lock =
        "lockfileVersion: '6.0'  # comment\npackages:\n"
        "  /@emotion/react@11.11.1(@types/react@18.2.21)(react@18.2.0):\n    dev: false\n"
        "  '/bad name@1.0.0':\n    dev: false\n"
        "  \"/q@2.0.0\":\n    dev: false\n";
    CHECK(names(parse_pnpm_lock(lock, "p", w)) ==
          NameVersions{{"@emotion/react", "11.11.1"}, {"q", "2.0.0"}});
    REQUIRE(w.size() == 1);  // "bad name" is not a package name
    CHECK(w[0] ==
          "p: 1 packages skipped whose name and version could not be read (the first at "
          "line 5)");
  }
  SECTION("no lockfileVersion: read by the keys' shape, with a warning") {
    auto pkgs = parse_pnpm_lock("packages:\n  /a/1.0.0: {}\n  /b@2.0.0: {}\n", "p", w);
    CHECK(names(pkgs) == NameVersions{{"a", "1.0.0"}, {"b", "2.0.0"}});
    CHECK(w.size() == 1);
  }
  SECTION("block scalars and sequences are skipped") {
    const std::string lock =
        "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n        specifier: "
        "1\n"
        "        version: 1.0.0\npackages:\n  a@1.0.0:\n    description: |\n      x:\n"
        "      packages:\n    cpu:\n    - x64\n  b@2.0.0: {}\nsnapshots:\n  a@1.0.0: {}\n";
    CHECK(names(parse_pnpm_lock(lock, "p", w)) == NameVersions{{"a", "1.0.0"}, {"b", "2.0.0"}});
    CHECK(w.empty());
  }
}

TEST_CASE("npm: installed package.json", "[npm]") {
  std::vector<std::string> w;
  const std::string path = "/app/node_modules/@babel/core/package.json";
  SECTION("name and version from the JSON") {
    auto pkgs = parse_npm_package_json(
        R"({"name": "@babel/core", "version": "7.23.0", "dependencies": {"x": "1"}})", path, w);
    REQUIRE(pkgs.size() == 1);
    CHECK(pkgs[0].name == "@babel/core");
    CHECK(pkgs[0].version == "7.23.0");
    CHECK(pkgs[0].purl == "pkg:npm/%40babel/core@7.23.0");
    CHECK(pkgs[0].location == path);
    CHECK(pkgs[0].type == "npm");
    CHECK(pkgs[0].ecosystem == "npm");
    CHECK(w.empty());
  }
  SECTION("an alias directory: the package's own name") {
    auto pkgs = parse_npm_package_json(R"({"name":"string-width","version":"4.2.3"})",
                                       "/app/node_modules/string-width-cjs/package.json", w);
    REQUIRE(pkgs.size() == 1);
    CHECK(pkgs[0].name == "string-width");
  }
  SECTION("without a name or version: not a package, silently") {
    CHECK(parse_npm_package_json(R"({"name": "fixture"})", path, w).empty());
    CHECK(parse_npm_package_json(R"({"version": "1.0.0"})", path, w).empty());
    CHECK(parse_npm_package_json(R"({"name": "x", "version": 1})", path, w).empty());
    CHECK(parse_npm_package_json(R"({"name": "", "version": "1.0.0"})", path, w).empty());
    CHECK(w.empty());
  }
  SECTION("not JSON, or not an object: a warning") {
    CHECK(parse_npm_package_json("{\"name\": \"x\",", path, w).empty());
    CHECK(parse_npm_package_json("[1, 2]", path, w).empty());
    CHECK(parse_npm_package_json("", path, w).empty());
    REQUIRE(w.size() == 3);
    CHECK(w[0].starts_with(path + ": package.json is not valid JSON: line 1, column 14"));
    CHECK(w[1] == path + ": package.json is not a JSON object");
  }
  SECTION("nesting deeper than max_depth is refused") {
    std::string deep = R"({"name":"x","version":"1.0.0","a":)" + std::string(600, '[') +
                       std::string(600, ']') + "}";
    CHECK(parse_npm_package_json(deep, path, w).empty());
    REQUIRE(w.size() == 1);
    CHECK(w[0] == path + ": package.json is not valid JSON: nested deeper than 512 levels");
    NpmOptions more;
    more.max_depth = 1000;
    w.clear();
    CHECK(parse_npm_package_json(deep, path, w, more).size() == 1);
    CHECK(w.empty());
  }
}

TEST_CASE("npm: candidate paths", "[npm]") {
  for (const auto* p : {
           "/app/node_modules/lodash/package.json",
           "/app/node_modules/@babel/core/package.json",
           "/app/node_modules/a/node_modules/b/package.json",
           "/app/node_modules/a/node_modules/@s/b/package.json",
           "/usr/lib/node_modules/npm/package.json",
           "/usr/lib/node_modules/npm/node_modules/@npmcli/arborist/package.json",
           "/app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/package.json",
           "node_modules/x/package.json",
       }) {
    INFO(p);
    CHECK(is_npm_package_json_candidate(p));
    CHECK(is_npm_candidate(p));
    CHECK_FALSE(is_npm_lockfile_candidate(p));
  }
  for (const auto* p : {
           "/app/package.json",
           "/app/node_modules/package.json",
           "/app/node_modules/@babel/package.json",
           "/app/node_modules/.bin/package.json",
           "/app/node_modules/.pnpm/package.json",
           "/app/node_modules/@/x/package.json",
           "/app/node_modules/foo/test/fixtures/package.json",
           "/app/node_modules/foo/lib/package.json",
           "/app/node_modules/lodash/package.json.bak",
           "/app/node_modules/lodash/xpackage.json",
           "/app/node_modules/@s/b/c/package.json",
           "package.json",
           "",
       }) {
    INFO(p);
    CHECK_FALSE(is_npm_candidate(p));
  }
  for (const auto* p : {"/app/package-lock.json", "/app/npm-shrinkwrap.json", "/app/yarn.lock",
                        "/srv/pnpm-lock.yaml", "/package-lock.json", "yarn.lock"}) {
    INFO(p);
    CHECK(is_npm_lockfile_candidate(p));
    CHECK(is_npm_candidate(p));
  }
  for (const auto* p :
       {"/app/node_modules/foo/package-lock.json", "/app/node_modules/.package-lock.json",
        "/app/node_modules/foo/yarn.lock", "node_modules/x/pnpm-lock.yaml",
        "/app/package-lock.json.orig", "/app/Yarn.lock", "/app/bun.lock"}) {
    INFO(p);
    CHECK_FALSE(is_npm_lockfile_candidate(p));
    CHECK_FALSE(is_npm_candidate(p));
  }
}

TEST_CASE("npm: purls", "[npm]") {
  CHECK(npm_purl("lodash", "4.17.21") == "pkg:npm/lodash@4.17.21");
  CHECK(npm_purl("@babel/core", "7.0.0-beta.4") == "pkg:npm/%40babel/core@7.0.0-beta.4");
  CHECK(npm_purl("JSONStream", "1.3.5") == "pkg:npm/JSONStream@1.3.5");
  CHECK(npm_purl("raven-js", "") == "pkg:npm/raven-js");
  CHECK(npm_purl("x", "1.0.0+build.1") == "pkg:npm/x@1.0.0+build.1");
}

TEST_CASE("npm: a lockfile's packages that are also installed", "[npm]") {
  std::vector<std::string> w;
  const std::string lock_path = "/app/package-lock.json";
  auto entries = read_package_lock(
      testdata(k_lock_dir + "trivy-npm-parser/package-lock_v3_with_workspace.json"), lock_path, w);
  REQUIRE(!entries.empty());
  CHECK(npm_installed_manifest_path(lock_path, entries[0]) ==
        "/app/" + entries[0].install_path + "/package.json");
  NpmLockEntry yarn_entry;
  CHECK(npm_installed_manifest_path("/app/yarn.lock", yarn_entry).empty());

  auto locked = npm_lock_packages(entries);
  std::vector<model::Package> installed = {
      make_npm_package("debug", "2.5.2", "/app/node_modules/debug/package.json"),
      // The same name@version in another project's tree does not count.
      make_npm_package("ms", "2.0.0", "/other/node_modules/ms/package.json"),
      // A different version installed: the lockfile's stays.
      make_npm_package("ms", "0.7.3", "/app/node_modules/debug/node_modules/ms/package.json"),
      make_npm_package("debug", "2.6.9",
                       "/app/functions/nested_func/node_modules/debug/package.json"),
  };
  CHECK(npm_installed_covers(installed[0], locked[0], lock_path) ==
        (locked[0].name == "debug" && locked[0].version == "2.5.2"));
  auto rest = npm_drop_installed(locked, lock_path, installed);
  CHECK(names(rest) == NameVersions{{"ms", "0.7.2"}, {"ms", "2.0.0"}});
  for (const auto& p : rest) {
    CHECK(p.location == lock_path);
  }
  // A lockfile at the root of the image.
  CHECK(npm_installed_covers(make_npm_package("a", "1", "/node_modules/a/package.json"),
                             make_npm_package("a", "1", "/yarn.lock"), "/yarn.lock"));
}

TEST_CASE("npm: parse_npm_file dispatches on the file name", "[npm]") {
  std::vector<std::string> w;
  const std::string pj = R"({"name":"a","version":"1.0.0"})";
  CHECK(parse_npm_file(pj, "/x/node_modules/a/package.json", w).size() == 1);
  CHECK(parse_npm_file("a@1:\n  version \"1.0.0\"\n", "/x/yarn.lock", w).size() == 1);
  CHECK(parse_npm_file("lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {}\n", "/x/pnpm-lock.yaml", w)
            .size() == 1);
  const std::string lock =
      R"({"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.0"}}})";
  CHECK(parse_npm_file(lock, "/x/npm-shrinkwrap.json", w).size() == 1);
  CHECK(parse_npm_file(lock, "/x/package-lock.json", w).size() == 1);
  CHECK(parse_npm_file(lock, "/x/other.json", w).empty());
  CHECK(w.empty());
}

TEST_CASE("npm: package-lock oddities", "[npm]") {
  std::vector<std::string> w;
  SECTION("entries that are not packages are counted in one warning") {
    const std::string lock = R"({"lockfileVersion":3,"packages":{
      "": {"name": "root"},
      "node_modules/ok": {"version": "1.0.0"},
      "node_modules/bad": 5,
      "node_modules/": {"version": "1.0.0"},
      "node_modules/@scope": {"version": "1.0.0"},
      "xnode_modules/y": {"version": "1.0.0"},
      "node_modules/a/b": {"version": "1.0.0"},
      "node_modules/.bin": {"version": "1.0.0"},
      "node_modules/@s/n": {"version": "2.0.0"}
    }})";
    auto pkgs = parse_package_lock(lock, "/l", w);
    CHECK(names(pkgs) == NameVersions{{"ok", "1.0.0"}, {"@s/n", "2.0.0"}});
    REQUIRE(w.size() == 1);
    CHECK(w[0] ==
          "/l: 5 \"packages\" entries skipped (not an object, or not a node_modules/NAME "
          "path)");
  }
  SECTION("no packages at all is not a problem") {
    CHECK(
        parse_package_lock(R"({"name":"x","lockfileVersion":1,"requires":true})", "/l", w).empty());
    CHECK(parse_package_lock(R"({"lockfileVersion":3,"packages":{"":{}}})", "/l", w).empty());
    CHECK(w.empty());
  }
  SECTION("wrong shapes warn") {
    CHECK(parse_package_lock(R"({"packages": []})", "/l", w).empty());
    CHECK(parse_package_lock(R"("x")", "/l", w).empty());
    CHECK(parse_package_lock(R"({"dependencies": {"a": 1, "b": {"version": "1.0.0"}}})", "/l", w)
              .size() == 1);
    CHECK(w.size() == 3);
  }
  SECTION("max_entries") {
    NpmOptions small;
    small.max_entries = 2;
    auto pkgs = parse_package_lock(testdata(k_lock_dir + "trivy-npm-parser/package-lock_v1.json"),
                                   "/l", w, small);
    CHECK(pkgs.size() == 2);
    REQUIRE(w.size() == 1);
    CHECK(w[0] == "/l: more than 2 packages, the rest ignored");
  }
}
