#include <catch2/catch.hpp>

#include "detect/apk.hpp"
#include "detect/dpkg.hpp"
#include "detect/os_release.hpp"
#include "fixtures.hpp"

using namespace strata;
using namespace strata::detect;
using strata::detect::test::testdata;

// Every prefix of a real database parses without crashing, yields at most the full list, and
// every package it yields is a real one (name and version as in the full parse, or a version cut
// short at the truncation point).
TEST_CASE("databases truncated at every length parse safely") {
  model::OsInfo os{"debian", "12", "Debian:12", ""};
  struct Input {
    const char* file;
    bool apk;
  };
  for (auto in : {Input{"pkgdb/dpkg/scalibr-debian12-status/status", false},
                  Input{"pkgdb/dpkg/scalibr-distroless-status.d/status.d/foo", false},
                  Input{"pkgdb/apk/trivy-alpine34-installed/installed", true}}) {
    CAPTURE(in.file);
    auto content = testdata(in.file);
    std::vector<std::string> w;
    auto full =
        in.apk ? parse_apk_installed(content, "f", os, w) : parse_dpkg_status(content, "f", os, w);
    std::size_t bad = 0;
    for (std::size_t len = 0; len <= content.size(); ++len) {
      std::vector<std::string> warnings;
      std::string_view prefix(content.data(), len);
      auto pkgs = in.apk ? parse_apk_installed(prefix, "f", os, warnings)
                         : parse_dpkg_status(prefix, "f", os, warnings);
      if (pkgs.size() > full.size()) {
        ++bad;
      }
      for (std::size_t i = 0; i < pkgs.size(); ++i) {
        // Packages come out in file order; each is a prefix-consistent copy of the full one.
        if (full[i].version.rfind(pkgs[i].version, 0) != 0 ||
            full[i].name.rfind(pkgs[i].name, 0) != 0) {
          ++bad;
        }
      }
    }
    CHECK(bad == 0);
  }
}

TEST_CASE("os-release truncated at every length parses safely") {
  const std::string content =
      "PRETTY_NAME=\"Ubuntu 22.04.3 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\n"
      "VERSION=\"22.04.3 LTS (Jammy \\\"Jellyfish\\\")\"\nID=ubuntu\nX='a\\'\n";
  for (std::size_t len = 0; len <= content.size(); ++len) {
    std::vector<std::string> w;
    auto fields = parse_os_release(std::string_view(content.data(), len));
    auto os = os_from_release(fields, "", w);
    if (len == content.size()) {
      CHECK(os.ecosystem == "Ubuntu:22.04:LTS");
      CHECK(fields["VERSION"] == "22.04.3 LTS (Jammy \"Jellyfish\")");
    }
  }
}
