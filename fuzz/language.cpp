// Language package files (detect/lang/extract.hpp): the first byte picks the file name the
// content is found under, and so the parser (extract_language_packages dispatches on it):
//   '0' METADATA (.dist-info)   '1' PKG-INFO (.egg-info)   '2' *.gemspec     '3' Gemfile.lock
//   '4' composer.lock           '5' installed.json         '6' *.deps.json   '7' packages.lock.json
//   '8' *.jar (zip, nested jars, MANIFEST.MF, pom.properties)  '9' node_modules/x/package.json
//   ':' package-lock.json       ';' yarn.lock   '<' pnpm-lock.yaml   '=' Cargo.lock
//   '>' an executable (by content: ELF/PE/Mach-O; Go build info, cargo-auditable data)
//   '?' *.egg (zip)             '@' MANIFEST.MF main section alone   'A' pom.properties alone
#include <string>
#include <vector>

#include "common.hpp"
#include "detect/lang/extract.hpp"
#include "detect/lang/java_manifest.hpp"
#include "detect/lang/java_properties.hpp"

namespace {

const char* const k_paths[] = {
    "/usr/lib/python3/site-packages/pkg-1.0.dist-info/METADATA",
    "/usr/lib/python3/site-packages/pkg-1.0.egg-info/PKG-INFO",
    "/usr/lib/ruby/gems/3.1.0/specifications/pkg-1.0.gemspec",
    "/app/Gemfile.lock",
    "/app/composer.lock",
    "/app/vendor/composer/installed.json",
    "/app/app.deps.json",
    "/app/packages.lock.json",
    "/app/app.jar",
    "/app/node_modules/pkg/package.json",
    "/app/package-lock.json",
    "/app/yarn.lock",
    "/app/pnpm-lock.yaml",
    "/app/Cargo.lock",
    "/usr/local/bin/app",
    "/usr/lib/python3/site-packages/pkg-1.0.egg",
};
constexpr unsigned k_path_count = sizeof k_paths / sizeof *k_paths;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace strata::detect::lang;
  auto [which, in] = strata::fuzz::select(strata::fuzz::bytes(data, size), k_path_count + 2);
  if (which == k_path_count) {
    auto manifest = parse_manifest_main_section(in);
    (void)coordinates_from_manifest(manifest);
    return 0;
  }
  if (which == k_path_count + 1) {
    (void)parse_java_properties(in);
    return 0;
  }
  std::vector<strata::model::Package> packages;
  std::vector<std::string> warnings;
  extract_language_packages(k_paths[which], in, packages, warnings);
  drop_duplicate_reports(packages);
  return 0;
}
