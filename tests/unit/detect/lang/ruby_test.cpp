// Ruby gems: installed gemspecs and Gemfile.lock files (testdata/pkgdb/ruby) against their
// expected.tsv, candidate paths, the literal forms, truncated and random inputs, and Debian's ruby
// (Gem::Specification.load) and ruby-bundler (Bundler::LockfileParser) as the oracle.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "../fixtures.hpp"
#include "detect/lang/ruby.hpp"
#include "support/temp_dir.hpp"
#include "util/process.hpp"

using namespace strata;
using namespace strata::detect::lang;
using strata::detect::test::expected_rows;
using strata::detect::test::testdata;

namespace {

const std::string k_dir = "pkgdb/ruby/";
const std::string k_gem_home = "/usr/local/bundle/";

using NameVersions = std::multiset<std::pair<std::string, std::string>>;

NameVersions name_versions(const std::vector<model::Package>& pkgs) {
  NameVersions out;
  for (auto& p : pkgs) {
    out.emplace(p.name, p.version);
  }
  return out;
}

// The expected and the parsed (name, version)s of the fixture folder `folder`: every distinct file
// its expected.tsv names, read as if it sat at k_gem_home + file.
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
    const std::string path = k_gem_home + file;
    CHECK(is_ruby_candidate(path));
    auto pkgs = parse_ruby(testdata(k_dir + folder + "/" + file), path, warnings);
    for (auto& p : pkgs) {
      CHECK(p.location == path);
    }
    auto nv = name_versions(pkgs);
    got.insert(nv.begin(), nv.end());
  }
  return {want, got};
}

// Gemspec files below `dir` (recursively), sorted.
std::vector<std::string> gemspecs_below(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return out;
  }
  for (auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".gemspec") {
      out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("ruby fixtures: installed gemspecs match expected.tsv", "[ruby]") {
  for (const char* folder : {"debian12-ruby-specifications", "handwritten-specifications"}) {
    INFO(folder);
    std::vector<std::string> warnings;
    auto [want, got] = check_folder(folder, warnings);
    CHECK(got == want);
    CHECK(warnings.empty());
  }
}

TEST_CASE("ruby fixtures: Gemfile.lock files match expected.tsv", "[ruby]") {
  for (const char* folder : {"gemfile-lock/rails-app", "gemfile-lock/sources-and-platforms",
                             "gemfile-lock/crlf", "gemfile-lock/gems-locked"}) {
    INFO(folder);
    std::vector<std::string> warnings;
    auto [want, got] = check_folder(folder, warnings);
    CHECK(got == want);
    CHECK(warnings.empty());
  }
  std::vector<std::string> warnings;
  auto [want, got] = check_folder("gemfile-lock/malformed", warnings);
  CHECK(got == want);
  const std::string p = k_gem_home + "Gemfile.lock";
  CHECK(warnings == std::vector<std::string>{p + ": line 5: a gem without a version: 'no-version'",
                                             p + ": line 6: a gem without a version: 'broken (1.0'",
                                             p + ": line 8: a gem without a version: '(1.0)'",
                                             p + ": line 11: not a gem: 'spaced name (1.0)'"});
}

TEST_CASE("ruby packages: type, ecosystem, purl; platform dropped; one per name and version",
          "[ruby]") {
  std::vector<std::string> warnings;
  auto pkgs =
      parse_gemfile_lock(testdata(k_dir + "gemfile-lock/sources-and-platforms/Gemfile.lock"),
                         "/app/Gemfile.lock", warnings);
  REQUIRE(pkgs.size() == 7);
  CHECK(pkgs[0].name == "ffi");
  CHECK(pkgs[0].version == "1.16.3");
  CHECK(pkgs[1].name == "nokogiri");
  CHECK(pkgs[1].version == "1.15.4");
  CHECK(pkgs[1].type == "ruby");
  CHECK(pkgs[1].ecosystem == "RubyGems");
  CHECK(pkgs[1].purl == "pkg:gem/nokogiri@1.15.4");
  CHECK(pkgs[1].location == "/app/Gemfile.lock");
  CHECK(pkgs[1].arch.empty());
  CHECK(pkgs[1].layer.empty());
  CHECK(pkgs[4].name == "sorbet-static");
  CHECK(pkgs[4].version == "0.5.11144");

  pkgs = parse_gemspec(testdata(k_dir + "handwritten-specifications/specifications/"
                                        "nokogiri-1.15.4-x86_64-linux.gemspec"),
                       "/s.gemspec", warnings);
  REQUIRE(pkgs.size() == 1);
  CHECK(pkgs[0].purl == "pkg:gem/nokogiri@1.15.4");
  CHECK(warnings.empty());
}

TEST_CASE("ruby: GIT, PATH and plugin sections are not reported", "[ruby]") {
  std::vector<std::string> warnings;
  auto pkgs = parse_gemfile_lock(
      "PLUGIN SOURCE\n  remote: https://p.example/\n  type: x\n  specs:\n    plugged (1.0.0)\n\n"
      "GIT\n  remote: https://g.example/r.git\n  revision: abc\n  specs:\n    fork (2.0)\n\n"
      "PATH\n  remote: .\n  specs:\n    app (0.1)\n\nGEM\n  remote: https://rubygems.org/\n"
      "  specs:\n    real (1.0)\n\nDEPENDENCIES\n    not-a-spec (1.0)\n",
      "/Gemfile.lock", warnings);
  REQUIRE(pkgs.size() == 1);
  CHECK(pkgs[0].name == "real");
  CHECK(warnings.empty());
}

TEST_CASE("ruby candidates", "[ruby]") {
  for (const char* yes : {
           "/usr/local/bundle/specifications/rack-2.2.8.gemspec",
           "/usr/local/lib/ruby/gems/3.2.0/specifications/default/json-2.6.3.gemspec",
           "/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec",
           "/usr/share/rubygems-integration/all/specifications/webrick-1.8.1.gemspec",
           "/app/vendor/bundle/ruby/3.2.0/specifications/nokogiri-1.15.4-x86_64-linux.gemspec",
           "/app/Gemfile.lock",
           "/srv/gems.locked",
           "Gemfile.lock",
       }) {
    INFO(yes);
    CHECK(is_ruby_candidate(yes));
  }
  for (const char* no : {
           "/app/myapp.gemspec",  // a project's own spec: Ruby code, not an installed gem
           "/usr/local/bundle/gems/rack-2.2.8/rack.gemspec",
           "/usr/local/bundle/specifications/rack-2.2.8.gemspec.bak",
           "/usr/local/bundle/specifications/.gemspec",
           "/usr/local/bundle/specifications/x/y.gemspec",
           "/usr/local/bundle/other/default/y.gemspec",
           "/app/Gemfile",
           "/app/Gemfile.lock.orig",
           "/app/my-Gemfile.lock",
           "",
       }) {
    INFO(no);
    CHECK_FALSE(is_ruby_candidate(no));
  }
  CHECK(is_gemspec_candidate("/usr/local/bundle/specifications/rack-2.2.8.gemspec"));
  CHECK_FALSE(is_gemspec_candidate("/app/Gemfile.lock"));
  CHECK(is_gemfile_lock_candidate("/app/Gemfile.lock"));
}

TEST_CASE("ruby gemspec: string literal forms", "[ruby]") {
  auto read = [](const std::string& name_rhs, const std::string& version_rhs) {
    std::vector<std::string> warnings;
    auto pkgs = parse_gemspec("Gem::Specification.new do |s|\n  s.name = " + name_rhs +
                                  "\n  s.version = " + version_rhs + "\nend\n",
                              "/x.gemspec", warnings);
    return pkgs.empty() ? std::string("-") + (warnings.empty() ? "" : warnings[0])
                        : pkgs[0].name + " " + pkgs[0].version;
  };
  CHECK(read("\"a\".freeze", "\"1.0\"") == "a 1.0");
  CHECK(read("'a'", "'1.0'.freeze.dup") == "a 1.0");
  CHECK(read("%q{a}", "%q(1.(0))") == "a 1.(0)");
  CHECK(read("%Q<a>", "%|1.0|") == "a 1.0");
  CHECK(read("%q!a!", "Gem::Version.new( \"2.0\" )") == "a 2.0");
  CHECK(read("\"a\\\"b\"", "\"1.0\" # note") == "a\"b 1.0");
  CHECK(read("\"a\"", "\"1.0\" if true") == "a 1.0");
  CHECK(read("\"a\"", "\"1.0\" + x") ==
        "-/x.gemspec: cannot read the gem's name and version: s.version is not a string literal");
  CHECK(read("\"a\"", "\"#{v}.0\"") ==
        "-/x.gemspec: cannot read the gem's name and version: s.version is not a string literal");
  CHECK(read("\"a\"", "'#{v}'") == "a #{v}");
  CHECK(read("A::NAME", "\"1\"") ==
        "-/x.gemspec: cannot read the gem's name and version: s.name is not a string literal");
  CHECK(read("\"a", "\"1\"") ==
        "-/x.gemspec: cannot read the gem's name and version: s.name is not a string literal");

  std::vector<std::string> warnings;
  // The last assignment wins; comparisons and look-alike attributes are not assignments.
  auto pkgs = parse_gemspec(
      "Gem::Specification.new do |spec|\n spec.version = '1'\n spec.version = '2'\n"
      " spec.version == '3'\n spec.version_x = '4'\n spec.name = 'n'\n s.version = '5'\nend\n",
      "/y.gemspec", warnings);
  REQUIRE(pkgs.size() == 1);
  CHECK(pkgs[0].version == "2");
  CHECK(warnings.empty());
}

TEST_CASE("ruby gemspec: unreadable specs warn", "[ruby]") {
  std::vector<std::string> warnings;
  const std::string dir = k_dir + "handwritten-specifications/unreadable/specifications/";
  CHECK(parse_gemspec(testdata(dir + "constant-1.0.gemspec"), "/c.gemspec", warnings).empty());
  CHECK(parse_gemspec(testdata(dir + "garbage.gemspec"), "/g.gemspec", warnings).empty());
  CHECK(parse_gemspec("Gem::Specification.new do |s|\n s.version = '1'\nend\n", "/n.gemspec",
                      warnings)
            .empty());
  CHECK(warnings ==
        std::vector<std::string>{
            "/c.gemspec: cannot read the gem's name and version: s.version is not a string literal",
            "/g.gemspec: cannot read the gem's name and version: no Gem::Specification.new do "
            "|spec| block",
            "/n.gemspec: cannot read the gem's name and version: no s.name"});
}

TEST_CASE("ruby: every prefix and random bytes parse safely", "[ruby]") {
  for (const char* file :
       {"debian12-ruby-specifications/specifications/default/json-2.6.1.gemspec",
        "handwritten-specifications/specifications/rack-1.1.0.gemspec",
        "gemfile-lock/sources-and-platforms/Gemfile.lock", "gemfile-lock/crlf/Gemfile.lock"}) {
    CAPTURE(file);
    const std::string content = testdata(k_dir + file);
    const std::string path = std::string("/x/") + file;
    std::vector<std::string> w;
    auto full = parse_ruby(content, path, w);
    REQUIRE(!full.empty());
    std::size_t bad = 0;
    for (std::size_t len = 0; len <= content.size(); ++len) {
      std::vector<std::string> warnings;
      auto pkgs = parse_ruby(std::string_view(content.data(), len), path, warnings);
      if (pkgs.size() > full.size()) {
        ++bad;
      }
      // Each package read from a prefix is a full one, or the last one with its name or version
      // cut short (a gemspec falls back on its stub line, so it is whole or nothing).
      for (std::size_t i = 0; i < pkgs.size(); ++i) {
        bool whole = pkgs[i].name == full[i].name && pkgs[i].version == full[i].version;
        bool cut = i + 1 == pkgs.size() && full[i].name.rfind(pkgs[i].name, 0) == 0 &&
                   full[i].version.rfind(pkgs[i].version, 0) == 0;
        if (!whole && !cut) {
          ++bad;
        }
      }
    }
    CHECK(bad == 0);
  }
  std::mt19937 rng(3);
  static const char k_alphabet[] = "GEM specs: ()-.\n\r\"'%q{}|s.name=version\0\x80#";
  const std::string alphabet(k_alphabet, sizeof k_alphabet - 1);
  for (int round = 0; round < 400; ++round) {
    std::string noise(rng() % 300, ' ');
    for (auto& c : noise) {
      c = alphabet[rng() % alphabet.size()];
    }
    std::vector<std::string> warnings;
    parse_ruby(noise, "/r.gemspec", warnings);
    parse_ruby(noise, "/Gemfile.lock", warnings);
  }
}

// The oracle, one ruby run: Gem::Specification.load evaluates each gemspec (the fixtures with a
// package, and every installed spec of Debian's ruby packages on this machine), and
// Bundler::LockfileParser reads each lock file but malformed/ (keeping the gems of RubyGems
// sources, one line per name and version). strata must read the same names and versions.
TEST_CASE("ruby oracle: RubyGems and Bundler read the same gems", "[ruby]") {
  auto ruby = util::find_on_path("ruby", "/usr/bin:/bin");
  INFO(
      "ruby is not installed (Debian packages ruby, ruby-bundler): scripts/install-deps.sh "
      "--test installs them");
  REQUIRE(ruby);

  std::vector<std::string> specs;
  for (auto& row : expected_rows(k_dir + "debian12-ruby-specifications/expected.tsv")) {
    specs.push_back(std::string(STRATA_TESTDATA_DIR) + "/" + k_dir +
                    "debian12-ruby-specifications/" + row[0]);
  }
  for (auto& row : expected_rows(k_dir + "handwritten-specifications/expected.tsv")) {
    specs.push_back(std::string(STRATA_TESTDATA_DIR) + "/" + k_dir + "handwritten-specifications/" +
                    row[0]);
  }
  std::size_t fixtures = specs.size();
  for (const char* dir : {"/usr/lib/ruby/gems", "/usr/share/rubygems-integration"}) {
    for (auto& f : gemspecs_below(dir)) {
      if (f.find("/specifications/") != std::string::npos) {
        specs.push_back(f);
      }
    }
  }
  CHECK(specs.size() > fixtures + 20);  // Debian's ruby installs 60-odd specs
  std::vector<std::string> locks;
  for (const char* f :
       {"gemfile-lock/rails-app/Gemfile.lock", "gemfile-lock/sources-and-platforms/Gemfile.lock",
        "gemfile-lock/crlf/Gemfile.lock", "gemfile-lock/gems-locked/gems.locked"}) {
    locks.push_back(std::string(STRATA_TESTDATA_DIR) + "/" + k_dir + f);
  }

  test_support::TempDir tmp("strata-ruby-oracle");
  {
    std::ofstream gemfile(tmp.sub("Gemfile"));  // a PATH source wants a Gemfile to resolve "."
  }
  const std::string script = R"(
require "bundler"
ENV["BUNDLE_GEMFILE"] = ARGV.shift
mode = nil
ARGV.each do |arg|
  if arg == "--specs" || arg == "--locks"
    mode = arg
  elsif mode == "--specs"
    s = Gem::Specification.load(arg)
    puts ["spec", arg, s.name, s.version].join("\t")
  else
    seen = {}
    Bundler::LockfileParser.new(File.read(arg)).specs.each do |s|
      next unless s.source.is_a?(Bundler::Source::Rubygems)
      key = [s.name, s.version.to_s]
      next if seen[key]
      seen[key] = true
      puts ["lock", arg, s.name, s.version].join("\t")
    end
  end
end
)";
  std::vector<std::string> argv = {*ruby, "-e", script, tmp.sub("Gemfile"), "--specs"};
  argv.insert(argv.end(), specs.begin(), specs.end());
  argv.push_back("--locks");
  argv.insert(argv.end(), locks.begin(), locks.end());
  auto r = util::run_process(argv, "", util::ProcessOptions{std::chrono::seconds(120), 8u << 20});
  REQUIRE(r);
  INFO(r->err);
  REQUIRE(r->exit_code == 0);
  std::multiset<std::string> want;
  std::istringstream lines(r->out);
  for (std::string line; std::getline(lines, line);) {
    want.insert(line);
  }

  std::multiset<std::string> got;
  for (auto& f : specs) {
    std::vector<std::string> warnings;
    std::ifstream in(f, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    for (auto& p : parse_gemspec(content.str(), f, warnings)) {
      got.insert("spec\t" + f + "\t" + p.name + "\t" + p.version);
    }
    INFO(f);
    CHECK(warnings.empty());
  }
  for (auto& f : locks) {
    std::vector<std::string> warnings;
    std::ifstream in(f, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    for (auto& p : parse_gemfile_lock(content.str(), f, warnings)) {
      got.insert("lock\t" + f + "\t" + p.name + "\t" + p.version);
    }
  }
  CHECK(got == want);
}
