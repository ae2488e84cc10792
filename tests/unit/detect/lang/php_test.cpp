// Composer: composer.lock and vendor/composer/installed.json (testdata/pkgdb/php) against their
// expected.tsv, candidate paths, malformed documents, and every prefix of a fixture.
#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "../fixtures.hpp"
#include "detect/lang/php.hpp"

using namespace strata;
using namespace strata::detect::lang;
using strata::detect::test::expected_rows;
using strata::detect::test::testdata;

namespace {

const std::string k_dir = "pkgdb/php/";

using NameVersions = std::multiset<std::pair<std::string, std::string>>;

// The expected and parsed (name, version)s of fixture folder `folder` (its files read as if under
// /app/).
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
    CHECK(is_php_candidate(path));
    for (auto& p : parse_php(testdata(k_dir + folder + "/" + file), path, warnings)) {
      CHECK(p.location == path);
      got.emplace(p.name, p.version);
    }
  }
  return {want, got};
}

std::string parse_one(std::string_view content, bool installed) {
  std::vector<std::string> warnings;
  auto pkgs = installed ? parse_composer_installed(content, "/i", warnings)
                        : parse_composer_lock(content, "/l", warnings);
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

TEST_CASE("php fixtures match expected.tsv", "[php]") {
  for (const char* folder : {"composer-lock/laravel-app", "composer-lock/no-dev",
                             "installed-json/composer2", "installed-json/composer1"}) {
    INFO(folder);
    std::vector<std::string> warnings;
    auto [want, got] = check_folder(folder, warnings);
    CHECK(got == want);
    CHECK(warnings.empty());
  }
}

TEST_CASE("php packages: type, ecosystem, purl, versions as written", "[php]") {
  std::vector<std::string> warnings;
  auto pkgs = parse_composer_lock(testdata(k_dir + "composer-lock/laravel-app/composer.lock"),
                                  "/srv/app/composer.lock", warnings);
  REQUIRE(pkgs.size() == 12);
  // File order: packages, then packages-dev.
  CHECK(pkgs[0].name == "guzzlehttp/guzzle");
  CHECK(pkgs[0].type == "php");
  CHECK(pkgs[0].ecosystem == "Packagist");
  CHECK(pkgs[0].purl == "pkg:composer/guzzlehttp/guzzle@7.8.0");
  CHECK(pkgs[0].location == "/srv/app/composer.lock");
  CHECK(pkgs[0].arch.empty());
  CHECK(pkgs[2].version == "v10.22.0");  // the leading v is kept (osv-scanner does the same)
  CHECK(pkgs[2].purl == "pkg:composer/laravel/framework@v10.22.0");
  CHECK(pkgs[7].version == "dev-main");
  CHECK(pkgs[11].name == "fakerphp/faker");
  CHECK(warnings.empty());
}

TEST_CASE("php candidates", "[php]") {
  for (const char* yes :
       {"/app/composer.lock", "/var/www/html/vendor/composer/installed.json",
        "/root/.config/composer/vendor/composer/installed.json", "composer.lock"}) {
    INFO(yes);
    CHECK(is_php_candidate(yes));
  }
  for (const char* no :
       {"/app/composer.json", "/app/composer.lock.bak", "/app/vendor/installed.json",
        "/app/vendor/composer/installed.php", "/app/mycomposer/installed.json", ""}) {
    INFO(no);
    CHECK_FALSE(is_php_candidate(no));
  }
}

TEST_CASE("php: malformed documents warn and keep what they can", "[php]") {
  CHECK(parse_one("", false) == "[/l: not valid JSON] ");
  CHECK(parse_one("{\"packages\": [", false) == "[/l: not valid JSON] ");
  CHECK(parse_one("[]", false) == "[/l: not a composer.lock (no \"packages\" list)] ");
  CHECK(parse_one("{\"packages\": {}}", false) == "[/l: \"packages\" is not a list] ");
  CHECK(parse_one("{\"packages\": [{\"name\": \"a/b\", \"version\": \"1.0\"}, {\"name\": \"c/d\"},"
                  " {\"version\": \"2\"}, 5, {\"name\": \"e/f\", \"version\": 3}],"
                  " \"packages-dev\": null}",
                  false) ==
        "a/b@1.0 [/l: packages[1]: a package without a version] "
        "[/l: packages[2]: a package without a name] "
        "[/l: packages[3]: a package without a name] "
        "[/l: packages[4]: a package without a version] ");
  CHECK(
      parse_one("{\"packages\": [], \"packages-dev\": [{\"name\": \"x/y\", \"version\": \"v1\"}]}",
                false) == "x/y@v1 ");
  CHECK(parse_one("[{\"name\": \"a/b\", \"version\": \"1\"}]", true) == "a/b@1 ");
  CHECK(parse_one("{\"packages\": [{\"name\": \"a/b\", \"version\": \"1\"}], \"dev\": false}",
                  true) == "a/b@1 ");
  CHECK(parse_one("{\"dev\": true}", true) ==
        "[/i: not a Composer installed.json (no package list)] ");
  CHECK(parse_one("\"text\"", true) == "[/i: not a Composer installed.json (no package list)] ");
  // A package name without a vendor still gets a purl.
  std::vector<std::string> warnings;
  auto pkgs = parse_composer_lock("{\"packages\": [{\"name\": \"solo\", \"version\": \"1\"}]}",
                                  "/l", warnings);
  REQUIRE(pkgs.size() == 1);
  CHECK(pkgs[0].purl == "pkg:composer/solo@1");
}

TEST_CASE("php: nesting is bounded", "[php]") {
  std::string deep =
      "{\"packages\": [], \"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK(parse_one(deep, false) == "[/l: nested deeper than 64 levels] ");
  // Brackets inside strings do not count.
  std::string quoted = "{\"packages\": [{\"name\": \"a/b\", \"version\": \"1\", \"d\": \"" +
                       std::string(1000, '[') + "\\\"\"}]}";
  CHECK(parse_one(quoted, false) == "a/b@1 ");
}

TEST_CASE("php: every prefix and random bytes parse safely", "[php]") {
  for (const char* file : {"composer-lock/no-dev/composer.lock",
                           "installed-json/composer1/vendor/composer/installed.json"}) {
    CAPTURE(file);
    const std::string content = testdata(k_dir + file);
    const std::string path = std::string("/app/") + file;
    std::vector<std::string> w;
    auto full = parse_php(content, path, w);
    REQUIRE(!full.empty());
    std::size_t bad = 0;
    for (std::size_t len = 0; len < content.size(); ++len) {
      std::vector<std::string> warnings;
      auto pkgs = parse_php(std::string_view(content.data(), len), path, warnings);
      // A cut document is not JSON (only trailing blanks can go).
      if (!pkgs.empty() && pkgs.size() != full.size()) {
        ++bad;
      }
      if (pkgs.empty() && warnings.empty()) {
        ++bad;
      }
    }
    CHECK(bad == 0);
  }
  std::mt19937 rng(11);
  const std::string alphabet = "{}[]\":,packages-dev name version 1.0/\\";
  for (int round = 0; round < 500; ++round) {
    std::string noise(rng() % 200, ' ');
    for (auto& c : noise) {
      c = alphabet[rng() % alphabet.size()];
    }
    std::vector<std::string> warnings;
    parse_php(noise, "/composer.lock", warnings);
    parse_php(noise, "/vendor/composer/installed.json", warnings);
  }
}
