// Go build info held against Debian's Go toolchain (golang-go, scripts/install-deps.sh --test):
// a tiny module with a directory replacement and a versioned replacement is built offline
// (vendored: GOFLAGS=-mod=vendor GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local, HOME, GOCACHE and
// GOPATH in a temp dir) three ways, and `go version -m` must print exactly the strings strata
// reads (the whole-file reader and the streaming scanner alike). Three builds (default;
// -trimpath -buildmode=pie; GOARCH=386) keep the test under a minute on a busy machine: the 386
// one compiles the standard library.

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "detect/lang/gobinary.hpp"
#include "detect/lang/gobinary_stream.hpp"
#include "exe_util.hpp"
#include "support/temp_dir.hpp"
#include "util/file.hpp"
#include "util/process.hpp"

using namespace strata;
using namespace strata::detect::lang;
using strata::detect::test::name_versions;
using strata::detect::test::NameVersions;

namespace {

std::string require_go() {
  auto path = util::find_on_path("go", "/usr/bin:/bin");
  INFO(
      "go is not installed (Debian package golang-go): scripts/install-deps.sh --test installs it");
  REQUIRE(path);
  return *path;
}

void write(const std::string& path, const std::string& content) {
  auto slash = path.rfind('/');
  REQUIRE(util::make_dirs(path.substr(0, slash)));
  std::ofstream out(path, std::ios::binary);
  out << content;
  REQUIRE(out.good());
}

std::string slurp(const std::string& path) {
  auto r = util::read_file(path);
  INFO(path);
  REQUIRE(r);
  return r.value();
}

// `go ARGS...` in `dir`, offline, with every cache inside `home`; a failed REQUIRE unless it
// exits 0.
std::string go(const std::string& go_path, const std::string& dir, const std::string& home,
               const std::vector<std::string>& env, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/env",
                                   "-i",
                                   "-C",
                                   dir,
                                   "PATH=/usr/bin:/bin",
                                   "HOME=" + home,
                                   "GOCACHE=" + home + "/cache",
                                   "GOPATH=" + home + "/gopath",
                                   "GOFLAGS=-mod=vendor",
                                   "GOPROXY=off",
                                   "GOSUMDB=off",
                                   "GOTOOLCHAIN=local"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(go_path);
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = util::run_process(argv, "", util::ProcessOptions{std::chrono::seconds(300), 16u << 20});
  INFO("go " << args.at(0));
  REQUIRE(r);
  INFO(r->err);
  REQUIRE(r->exit_code == 0);
  return r->out;
}

void write_module(const std::string& dir) {
  write(dir + "/go.mod",
        "module example.com/hello\n\ngo 1.19\n\n"
        "require (\n\texample.com/dep v1.0.0\n\texample.com/old v1.0.0\n)\n\n"
        "replace example.com/dep => ./dep\n\n"
        "replace example.com/old v1.0.0 => example.com/new v1.2.0\n");
  write(dir + "/main.go",
        "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/dep\"\n\t\"example.com/old\"\n)\n\n"
        "func main() { fmt.Println(dep.Hello(), old.Name()) }\n");
  write(dir + "/dep/go.mod", "module example.com/dep\n\ngo 1.19\n");
  write(dir + "/dep/dep.go", "package dep\n\nfunc Hello() string { return \"hello\" }\n");
  // The vendor tree is what -mod=vendor compiles; modules.txt records both replacements.
  write(dir + "/vendor/example.com/dep/dep.go",
        "package dep\n\nfunc Hello() string { return \"hello\" }\n");
  write(dir + "/vendor/example.com/old/old.go",
        "package old\n\nfunc Name() string { return \"new\" }\n");
  write(dir + "/vendor/modules.txt",
        "# example.com/dep v1.0.0 => ./dep\n## explicit; go 1.19\nexample.com/dep\n"
        "# example.com/old v1.0.0 => example.com/new v1.2.0\n## explicit; go 1.19\n"
        "example.com/old\n"
        "# example.com/dep => ./dep\n");
}

}  // namespace

TEST_CASE("go binaries: build info as Debian's go version -m prints it", "[gobinary][oracle]") {
  const std::string go_path = require_go();
  test_support::TempDir tmp("strata-gobin");
  const std::string dir = tmp.sub("src");
  const std::string home = tmp.sub("home");
  write_module(dir);
  REQUIRE(util::make_dirs(home));
  const std::string toolchain = go(go_path, dir, home, {}, {"env", "GOVERSION"});

  struct Build {
    std::string name;
    std::vector<std::string> env;
    std::vector<std::string> flags;
  };
  const std::vector<Build> builds = {
      {"hello", {}, {}},
      {"hello-pie", {}, {"-trimpath", "-buildmode=pie"}},
      {"hello-386", {"GOARCH=386"}, {}},
  };
  for (const auto& b : builds) {
    INFO(b.name);
    std::vector<std::string> args = {"build", "-o", tmp.sub(b.name)};
    args.insert(args.end(), b.flags.begin(), b.flags.end());
    args.push_back(".");
    go(go_path, dir, home, b.env, args);
    const std::string binary = slurp(tmp.sub(b.name));
    const std::string printed = go(go_path, dir, home, {}, {"version", "-m", tmp.sub(b.name)});

    auto raw = read_go_raw_build_info(binary);
    REQUIRE(raw);
    REQUIRE(*raw);
    // go version -m: "FILE: VERSION", then each modinfo line after a tab.
    std::string expected = tmp.sub(b.name) + ": " + (*raw)->go_version + "\n";
    std::istringstream lines((*raw)->modinfo);
    for (std::string line; std::getline(lines, line);) {
      expected += "\t" + line + "\n";
    }
    CHECK(printed == expected);
    CHECK((*raw)->go_version + "\n" == toolchain);

    std::vector<std::string> warnings;
    auto pkgs = parse_go_binary(binary, "/usr/local/bin/hello", warnings);
    CHECK(warnings.empty());
    // ./dep keeps example.com/dep at its required version; example.com/old is example.com/new.
    CHECK(name_versions(pkgs) == NameVersions{{"example.com/dep", "v1.0.0"},
                                              {"example.com/new", "v1.2.0"},
                                              {"stdlib", go_stdlib_version((*raw)->go_version)}});
    CHECK(go_stdlib_version((*raw)->go_version).starts_with("1."));
    // The streaming scanner reads the same from the file's bytes in order.
    GoBuildInfoScanner scanner;
    for (std::size_t at = 0; at < binary.size() && !scanner.done(); at += 65536) {
      scanner.feed(std::string_view(binary).substr(at, 65536));
    }
    REQUIRE(scanner.state() == GoBuildInfoScanner::State::found);
    CHECK(scanner.raw()->go_version == (*raw)->go_version);
    CHECK(scanner.raw()->modinfo == (*raw)->modinfo);
    if (b.name == "hello-pie") {
      auto exe = Executable::parse(binary);
      REQUIRE(exe);
      CHECK(exe->format() == ExeFormat::elf);
    }
  }
}
