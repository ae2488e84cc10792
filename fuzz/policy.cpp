// What the user accepts (policy/policy.hpp): files that come with an image or a repository.
//   '0' an ignore file (plain or YAML)   '1' a VEX document (OpenVEX or CycloneDX)
//   '2' a --severity list                '3' purl_matches(pattern '\n' purl)
#include "policy/policy.hpp"
#include "common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace strata::policy;
  auto [which, in] = strata::fuzz::select(strata::fuzz::bytes(data, size), 4);
  switch (which) {
    case 0:
      (void)parse_ignore_file(in, ".strataignore");
      break;
    case 1:
      if (auto statements = parse_vex(in, "vex.json"); statements.ok()) {
        for (const auto& s : *statements) {
          for (const auto& purl : s.purls) {
            (void)purl_matches(purl, "pkg:apk/alpine/musl@1.1.22-r2?arch=x86_64");
          }
        }
      }
      break;
    case 2:
      (void)parse_severities(in);
      break;
    default: {
      auto [pattern, purl] = strata::fuzz::split2(in);
      (void)purl_matches(pattern, purl);
      break;
    }
  }
  return 0;
}
