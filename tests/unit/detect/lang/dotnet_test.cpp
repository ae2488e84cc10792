// .NET: *.deps.json and packages.lock.json (testdata/pkgdb/dotnet) against their expected.tsv,
// candidate paths, malformed documents, and every prefix of a fixture.
#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "../fixtures.hpp"
#include "detect/lang/dotnet.hpp"

using namespace strata;
using namespace strata::detect::lang;
using strata::detect::test::expected_rows;
using strata::detect::test::testdata;

namespace {

const std::string k_dir = "pkgdb/dotnet/";

using NameVersions = std::multiset<std::pair<std::string, std::string>>;

std::pair<NameVersions, NameVersions> check_folder(const std::string& folder,
                                                   std::vector<std::string>& warnings) {
  NameVersions want, got;
  std::set<std::string> files;
  for (auto& row : expected_rows(k_dir + folder + "/expected.tsv")) {
    REQUIRE(row.size() == 3);
    want.emplace(row[1], row[2]);
    files.insert(row[0]);
  }
  for (auto& file : files) {
    const std::string path = "/app/" + file;
    CHECK(is_dotnet_candidate(path));
    for (auto& p : parse_dotnet(testdata(k_dir + folder + "/" + file), path, warnings)) {
      CHECK(p.location == path);
      got.emplace(p.name, p.version);
    }
  }
  return {want, got};
}

std::string parse_one(std::string_view content, bool lock) {
  std::vector<std::string> warnings;
  auto pkgs = lock ? parse_packages_lock(content, "/l", warnings)
                   : parse_deps_json(content, "/d", warnings);
  std::string out;
  for (auto& p : pkgs) {
    out += p.name + "@" + p.version + " ";
  }
  for (auto& w : warnings) {
    out += "[" + w + "] ";
  }
  return out;
}

}  // namespace

TEST_CASE("dotnet fixtures match expected.tsv", "[dotnet]") {
  for (const char* folder : {"deps-json/webapi", "deps-json/self-contained",
                             "packages-lock/multi-target", "packages-lock/net48"}) {
    INFO(folder);
    std::vector<std::string> warnings;
    auto [want, got] = check_folder(folder, warnings);
    CHECK(got == want);
    CHECK(warnings.empty());
  }
}

TEST_CASE("dotnet packages: type, ecosystem, purl, file order, once per file", "[dotnet]") {
  std::vector<std::string> warnings;
  auto pkgs = parse_deps_json(testdata(k_dir + "deps-json/webapi/WebApi.deps.json"),
                              "/app/WebApi.deps.json", warnings);
  REQUIRE(pkgs.size() == 9);
  CHECK(pkgs[0].name == "Microsoft.AspNetCore.OpenApi");
  CHECK(pkgs[0].version == "8.0.0");
  CHECK(pkgs[0].type == "dotnet");
  CHECK(pkgs[0].ecosystem == "NuGet");
  CHECK(pkgs[0].purl == "pkg:nuget/Microsoft.AspNetCore.OpenApi@8.0.0");
  CHECK(pkgs[0].location == "/app/WebApi.deps.json");
  CHECK(pkgs[0].layer.empty());

  pkgs = parse_packages_lock(testdata(k_dir + "packages-lock/multi-target/packages.lock.json"),
                             "/src/packages.lock.json", warnings);
  REQUIRE(pkgs.size() == 7);  // Polly and System.Memory appear in two targets
  CHECK(pkgs[1].name == "Polly");
  CHECK(pkgs[1].purl == "pkg:nuget/Polly@7.2.4");
  CHECK(pkgs[6].name == "runtime.linux-x64.Microsoft.DotNet.ILCompiler");
  CHECK(warnings.empty());
}

TEST_CASE("dotnet candidates", "[dotnet]") {
  for (const char* yes : {"/app/WebApi.deps.json", "/app/bin/Release/net8.0/x.deps.json",
                          "/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0/"
                          "Microsoft.NETCore.App.deps.json",
                          "/src/packages.lock.json", "packages.lock.json"}) {
    INFO(yes);
    CHECK(is_dotnet_candidate(yes));
  }
  for (const char* no : {"/app/.deps.json", "/app/x.deps.json.bak", "/app/x.runtimeconfig.json",
                         "/src/my.packages.lock.json", "/src/packages.lock", ""}) {
    INFO(no);
    CHECK_FALSE(is_dotnet_candidate(no));
  }
}

TEST_CASE("dotnet: malformed documents warn and keep what they can", "[dotnet]") {
  CHECK(parse_one("", false) == "[/d: not valid JSON] ");
  CHECK(parse_one("{}", false) == "[/d: not a .deps.json (no \"libraries\" object)] ");
  CHECK(parse_one("{\"libraries\": []}", false) ==
        "[/d: not a .deps.json (no \"libraries\" object)] ");
  CHECK(parse_one("{\"libraries\": {\"A/1\": {\"type\": \"package\"}, \"B\": {\"type\": "
                  "\"package\"}, \"C/\": {\"type\": \"Package\"}, \"D/2\": 7, \"E/3\": {\"type\": "
                  "\"project\"}, \"F/4\": {}, \"G/5\": {\"type\": \"PACKAGE\"}}}",
                  false) ==
        "A@1 G@5 [/d: library \"B\" is not NAME/VERSION] "
        "[/d: library \"C/\" is not NAME/VERSION] "
        "[/d: library \"D/2\" is not an object] ");
  CHECK(parse_one("{\"dependencies\": []}", true) ==
        "[/l: not a packages.lock.json (no \"dependencies\" object)] ");
  CHECK(parse_one("{\"dependencies\": {\"net8.0\": {\"A\": {\"type\": \"Direct\", \"resolved\": "
                  "\"1.0\"}, \"B\": {\"type\": \"Transitive\"}, \"P\": {\"type\": \"project\"}, "
                  "\"C\": {\"resolved\": 2}, \"D\": {\"type\": \"Transitive\", \"resolved\": "
                  "\"2.0\"}}, \"net6.0\": 5}}",
                  true) ==
        "A@1.0 D@2.0 [/l: B in \"net8.0\" has no resolved version] "
        "[/l: C in \"net8.0\" has no resolved version] "
        "[/l: target \"net6.0\" is not an object] ");
  std::string deep = std::string(70, '[') + std::string(70, ']');
  CHECK(parse_one(deep, true) == "[/l: nested deeper than 64 levels] ");
}

TEST_CASE("dotnet: every prefix and random bytes parse safely", "[dotnet]") {
  for (const char* file :
       {"packages-lock/net48/packages.lock.json", "deps-json/self-contained/Worker.deps.json"}) {
    CAPTURE(file);
    const std::string content = testdata(k_dir + file);
    const std::string path = std::string("/app/") + file;
    std::vector<std::string> w;
    auto full = parse_dotnet(content, path, w);
    REQUIRE(!full.empty());
    std::size_t bad = 0;
    for (std::size_t len = 0; len < content.size(); ++len) {
      std::vector<std::string> warnings;
      auto pkgs = parse_dotnet(std::string_view(content.data(), len), path, warnings);
      if ((!pkgs.empty() && pkgs.size() != full.size()) || (pkgs.empty() && warnings.empty())) {
        ++bad;
      }
    }
    CHECK(bad == 0);
  }
  std::mt19937 rng(5);
  const std::string alphabet = "{}[]\":,libraries type package dependencies resolved A/1";
  for (int round = 0; round < 500; ++round) {
    std::string noise(rng() % 200, ' ');
    for (auto& c : noise) {
      c = alphabet[rng() % alphabet.size()];
    }
    std::vector<std::string> warnings;
    parse_dotnet(noise, "/x.deps.json", warnings);
    parse_dotnet(noise, "/packages.lock.json", warnings);
  }
}
