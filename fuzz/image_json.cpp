// Image documents (image/manifest.hpp, image/schema1.hpp, image/platform.hpp):
//   '0' OCI/Docker manifest    '1' index / manifest list (then a platform is selected from it)
//   '2' image config           '3' docker-save manifest.json
//   '4' schema 1 manifest, signed or not (schema1_payload, then parse_schema1_manifest)
//   '5' sniff_media_type       '6' platform text ("linux/arm64/v8")
#include "common.hpp"
#include "image/manifest.hpp"
#include "image/platform.hpp"
#include "image/schema1.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace strata::image;
  auto [which, in] = strata::fuzz::select(strata::fuzz::bytes(data, size), 7);
  switch (which) {
    case 0:
      (void)parse_manifest(in);
      break;
    case 1:
      if (auto index = parse_index(in); index.ok()) {
        (void)select_manifest(*index, Platform{"linux", "amd64", ""}, "fuzz");
        (void)select_manifest(*index, Platform{"linux", "arm", "v7"}, "fuzz");
      }
      break;
    case 2:
      if (auto config = parse_config(in); config.ok()) {
        (void)config->layer_created_by();
        (void)config->platform.str();
      }
      break;
    case 3:
      (void)parse_docker_archive_manifest(in);
      break;
    case 4:
      if (auto payload = schema1_payload(in); payload.ok()) {
        if (auto m = parse_schema1_manifest(*payload); m.ok()) {
          (void)m->applied_layers();
          (void)m->synthesized_config();
        }
      }
      break;
    case 5:
      (void)sniff_media_type(in);
      break;
    default:
      if (auto p = parse_platform(in); p.ok()) {
        (void)p->str();
        (void)normalize_architecture(p->architecture);
      }
      break;
  }
  return 0;
}
