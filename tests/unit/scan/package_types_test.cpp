#include <catch2/catch.hpp>

#include "scan/package_types.hpp"

using namespace strata;

namespace {

model::Package pkg(const std::string& name, const std::string& type) {
  model::Package p;
  p.name = name;
  p.type = type;
  return p;
}

std::vector<model::Package> mixed() {
  return {pkg("musl", "apk"),   pkg("requests", "python"),    pkg("bash", "dpkg"),
          pkg("lodash", "npm"), pkg("glibc", "rpm"),          pkg("log4j-core", "java"),
          pkg("serde", "rust"), pkg("golang.org/x/net", "go")};
}

std::vector<std::string> names(const std::vector<model::Package>& pkgs) {
  std::vector<std::string> out;
  for (const auto& p : pkgs) {
    out.push_back(p.name);
  }
  return out;
}

}  // namespace

TEST_CASE("--pkg-types values") {
  struct Case {
    std::string text;
    bool os;
    bool library;
  };
  for (const auto& c : std::vector<Case>{{"os", true, false},
                                         {"library", false, true},
                                         {"os,library", true, true},
                                         {"library,os", true, true},
                                         {" os , library ", true, true},
                                         {"OS", true, false},
                                         {"os,os", true, false}}) {
    INFO(c.text);
    auto t = scan::parse_package_types(c.text);
    REQUIRE(t);
    CHECK(t->os == c.os);
    CHECK(t->library == c.library);
  }
  for (const std::string bad : {"", "lib", "os,", ",library", "os;library", "os,library,app"}) {
    INFO(bad);
    auto t = scan::parse_package_types(bad);
    REQUIRE_FALSE(t);
    CHECK(t.error().category == util::ErrorCategory::usage);
    CHECK(t.error().message.find("--pkg-types") != std::string::npos);
  }
}

TEST_CASE("--pkg-types keeps the selected packages, in order") {
  auto all = mixed();
  scan::keep_package_types(all, {});
  CHECK(names(all) == names(mixed()));

  auto os = mixed();
  scan::keep_package_types(os, {true, false});
  CHECK(names(os) == std::vector<std::string>{"musl", "bash", "glibc"});

  auto library = mixed();
  scan::keep_package_types(library, {false, true});
  CHECK(names(library) ==
        std::vector<std::string>{"requests", "lodash", "log4j-core", "serde", "golang.org/x/net"});

  auto none = mixed();
  scan::keep_package_types(none, {false, false});
  CHECK(none.empty());
}
