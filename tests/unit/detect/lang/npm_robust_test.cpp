// The npm parsers on damaged input: every prefix of real lockfiles, random bytes, mutated
// fixtures, nesting far past the limits. Nothing may crash, throw or read out of bounds (the
// sanitizer build checks the last), and a prefix never yields a package the full file does not
// have (names and versions may be cut short at the truncation point).
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "detect/lang/npm.hpp"
#include "detect/lang/npm_yaml.hpp"
#include "npm_fixtures.hpp"

using namespace strata;
using namespace strata::detect::lang;
using namespace strata::detect::test;
using namespace strata::detect::test::npm;

namespace {

struct Fixture {
  const char* file;
  Format format;
};

const Fixture k_fixtures[] = {
    {"pkgdb/npm-lock/trivy-npm-parser/package-lock_v1.json", Format::package_lock},
    {"pkgdb/npm-lock/trivy-npm-parser/package-lock_v3_with_workspace.json", Format::package_lock},
    {"pkgdb/npm-lock/scalibr-packagelockjson/commits.v2.json", Format::package_lock},
    {"pkgdb/npm/yarn-v1/yarn.lock", Format::yarn},
    {"pkgdb/npm/yarn-berry/yarn.lock", Format::yarn},
    {"pkgdb/npm/pnpm-v5/pnpm-lock.yaml", Format::pnpm},
    {"pkgdb/npm/pnpm-v6/pnpm-lock.yaml", Format::pnpm},
    {"pkgdb/npm/pnpm-v9/pnpm-lock.yaml", Format::pnpm},
    {"pkgdb/npm/pnpm-v9-two-documents/pnpm-lock.yaml", Format::pnpm},
};

// Whether every package of `part` is a (possibly cut short) package of `full`.
bool consistent(const std::vector<NpmLockEntry>& part, const std::vector<NpmLockEntry>& full) {
  for (const auto& p : part) {
    bool found = false;
    for (const auto& f : full) {
      if (f.package.name.starts_with(p.package.name) &&
          f.package.version.starts_with(p.package.version)) {
        found = true;
        break;
      }
    }
    if (!found) {
      UNSCOPED_INFO("not in the full file: " << p.package.name << "@" << p.package.version);
      return false;
    }
  }
  return true;
}

std::vector<model::Package> parse_any(Format f, std::string_view content,
                                      std::vector<std::string>& w) {
  switch (f) {
    case Format::package_lock:
      return parse_package_lock(content, "/p", w);
    case Format::yarn:
      return parse_yarn_lock(content, "/p", w);
    case Format::pnpm:
      return parse_pnpm_lock(content, "/p", w);
  }
  return {};
}

}  // namespace

TEST_CASE("npm: lockfiles truncated at every length parse safely", "[npm]") {
  NpmOptions with_dev;
  with_dev.include_dev = true;
  for (const auto& fx : k_fixtures) {
    INFO(fx.file);
    const std::string content = testdata(fx.file);
    std::vector<std::string> w;
    auto full = read_lock(fx.format, content, "/p", w, with_dev);
    REQUIRE(!full.empty());
    std::size_t bad = 0;
    for (std::size_t len = 0; len < content.size(); ++len) {
      std::vector<std::string> warnings;
      // A copy of exactly `len` bytes, so the sanitizers see any read past the end.
      const std::string prefix = content.substr(0, len);
      auto part = read_lock(fx.format, prefix, "/p", warnings, with_dev);
      if (part.size() > full.size() || !consistent(part, full)) {
        ++bad;
      }
      if (fx.format == Format::package_lock && len + 2 < content.size()) {
        // A JSON prefix (short of trailing whitespace) is not JSON: nothing, and a warning.
        if (!part.empty() || warnings.empty()) {
          ++bad;
        }
      }
    }
    CHECK(bad == 0);
  }
}

TEST_CASE("npm: random bytes and mutated fixtures parse safely", "[npm]") {
  std::mt19937 rng(20240614);
  const std::string alphabet =
      "{}[]\":,@/ \n\n\n  -#'|>?!&*\\._0123456789abcdefnodemulsxyzAZ\r\t\xC3\xA9";
  std::vector<std::string> inputs;
  for (int i = 0; i < 3000; ++i) {
    std::string s(rng() % 400, ' ');
    for (auto& c : s) {
      c = rng() % 4 == 0 ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
    }
    inputs.push_back(std::move(s));
  }
  for (const auto& fx : k_fixtures) {
    const std::string content = testdata(fx.file);
    for (int i = 0; i < 150; ++i) {
      std::string m = content;
      for (int k = 0; k < 4; ++k) {
        std::size_t at = rng() % m.size();
        switch (rng() % 3) {
          case 0:
            m[at] = alphabet[rng() % alphabet.size()];
            break;
          case 1:
            m.erase(at, rng() % 40);
            break;
          default:
            m.insert(at, m.substr(rng() % m.size(), rng() % 60));
        }
      }
      inputs.push_back(std::move(m));
    }
  }
  std::size_t packages = 0;
  for (const auto& in : inputs) {
    std::vector<std::string> w;
    for (auto f : {Format::package_lock, Format::yarn, Format::pnpm}) {
      packages += parse_any(f, in, w).size();
    }
    packages += parse_npm_package_json(in, "/p/node_modules/x/package.json", w).size();
  }
  CHECK(packages > 0);  // the mutated fixtures still hold packages
}

TEST_CASE("npm: nesting and size far past the limits", "[npm]") {
  std::vector<std::string> w;
  SECTION("JSON nested 200000 levels") {
    const std::string deep = std::string(200000, '[') + std::string(200000, ']');
    CHECK(parse_package_lock(deep, "/p", w).empty());
    CHECK(parse_package_lock("{\"dependencies\":" + std::string(200000, '{'), "/p", w).empty());
    CHECK(w.size() == 2);
  }
  SECTION("lockfile v1 nested to the JSON limit") {
    // {"dependencies":{"a":{"version":"1.0.0","dependencies":{"a":{...}}}}}, 300 levels deep:
    // 600 JSON levels, refused at the default 512 and read in full with a larger limit.
    std::string lock = "{\"dependencies\":";
    for (int i = 0; i < 300; ++i) {
      lock += "{\"a\":{\"version\":\"1.0.0\",\"dependencies\":";
    }
    lock += "{}";
    for (int i = 0; i < 300; ++i) {
      lock += "}}";
    }
    lock += "}";
    CHECK(read_package_lock(lock, "/p", w).empty());
    CHECK(w.size() == 1);
    NpmOptions deeper;
    deeper.max_depth = 700;
    auto entries = read_package_lock(lock, "/p", w, deeper);
    REQUIRE(entries.size() == 300);
    CHECK(entries.back().install_path.size() == 300 * std::string("node_modules/a/").size() - 1);
  }
  SECTION("YAML keys indented thousands of levels") {
    std::string yaml = "lockfileVersion: '9.0'\nx:\n";
    for (int i = 1; i < 100000; ++i) {
      yaml += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
      if (yaml.size() > (8u << 20)) {
        break;  // about 4000 levels
      }
    }
    yaml += "packages:\n  a@1.0.0: {}\n";
    CHECK(names(parse_pnpm_lock(yaml, "/p", w)) == NameVersions{{"a", "1.0.0"}});
    REQUIRE(w.size() == 1);
    CHECK(w[0].find("nested deeper than 512 levels") != std::string::npos);
  }
  SECTION("many entries") {
    std::string yarn;
    std::string pnpm = "lockfileVersion: '9.0'\npackages:\n";
    for (int i = 0; i < 5000; ++i) {
      yarn += "p" + std::to_string(i) + "@^1:\n  version \"1.0.0\"\n\n";
      pnpm += "  p" + std::to_string(i) + "@1.0.0: {}\n";
    }
    NpmOptions small;
    small.max_entries = 100;
    CHECK(parse_yarn_lock(yarn, "/p", w, small).size() == 100);
    CHECK(parse_pnpm_lock(pnpm, "/p", w, small).size() == 100);
    CHECK(parse_yarn_lock(yarn, "/p", w).size() == 5000);
    CHECK(parse_pnpm_lock(pnpm, "/p", w).size() == 5000);
    CHECK(w.size() == 2);
  }
}

TEST_CASE("npm: YAML scalars", "[npm]") {
  CHECK(yaml_unquote("'it''s'") == "it's");
  CHECK(yaml_unquote(R"("a\"b\n\\")") == "a\"b\n\\");
  CHECK(yaml_unquote(R"("caf\u00e9 \x41 \U0001F600")") == "caf\xC3\xA9 A \xF0\x9F\x98\x80");
  CHECK(yaml_unquote("\"unterminated") == "unterminated");
  CHECK(yaml_unquote("\"trailing\\") == "trailing\\");  // a dangling backslash is kept
  CHECK(yaml_unquote("plain") == "plain");
  CHECK(yaml_unquote("") == "");
  std::vector<std::string> problems;
  auto lines = read_yaml_lines(
      "a: 1 # c\n'b''s': \"x # y\"\nc:\n  d: [1, 2]\n  e: |\n    f: 2\n  g: {h: i}\n"
      "\"bad: 1\n---\nz: 9\n",
      64, 100, problems);
  REQUIRE(lines.size() == 7);
  CHECK(lines[0].value == "1");
  CHECK(lines[1].key == "b's");
  CHECK(lines[1].value == "x # y");
  CHECK(lines[3].path == std::vector<std::string>{"c"});
  CHECK(lines[3].value == "[1, 2]");
  CHECK(lines[4].key == "e");
  CHECK(lines[5].key == "g");
  CHECK(lines[5].value == "{h: i}");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "line 8: a quoted key without its closing quote");
  CHECK(lines[6].key == "z");
  CHECK(lines[6].document == 1);
  auto all = read_yaml_lines("a: 1\n---\nz: 9\n", 64, 100, problems);
  REQUIRE(all.size() == 2);
  CHECK(all[1].document == 1);
  CHECK(all[1].path.empty());
}
