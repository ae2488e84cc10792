// Image references and registry URLs (image/reference.hpp), registry keys of docker config.json.
//   '0' parse_reference; a reference that parses must parse again, to the same value, from its
//       canonical (str) and familiar forms
//   '1' parse_registry_url    '2' is_valid_domain    '3' normalize_registry_key
#include <cstdio>
#include <cstdlib>

#include "common.hpp"
#include "image/docker_config.hpp"
#include "image/reference.hpp"

namespace {

using strata::image::Reference;

bool same(const Reference& a, const Reference& b) {
  return a.domain == b.domain && a.path == b.path && a.tag == b.tag && a.digest == b.digest;
}

void reparse(const Reference& ref, const std::string& text) {
  auto again = strata::image::parse_reference(text);
  if (!again.ok() || !same(*again, ref)) {
    std::fprintf(stderr, "reference '%s' does not parse back to itself: %s\n", text.c_str(),
                 again.ok() ? again->str().c_str() : again.error().message.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [which, in] = strata::fuzz::select(strata::fuzz::bytes(data, size), 4);
  switch (which) {
    case 0:
      if (auto ref = strata::image::parse_reference(in); ref.ok()) {
        (void)ref->registry_host();
        (void)ref->repository();
        (void)ref->manifest_reference();
        reparse(*ref, ref->str());
        reparse(*ref, ref->familiar());
        (void)ref->with_default_tag().str();
      }
      break;
    case 1:
      if (auto url = strata::image::parse_registry_url(in); url.ok()) {
        (void)url->str();
      }
      break;
    case 2:
      (void)strata::image::is_valid_domain(in);
      break;
    default:
      (void)strata::image::normalize_registry_key(in);
      break;
  }
  return 0;
}
