// Registry credentials and challenges (image/auth_challenge.hpp, image/docker_config.hpp):
//   '0' WWW-Authenticate header value    '1' docker config.json (then looked up for a few
//   registries)    '2' a credential helper's output
#include "common.hpp"
#include "image/auth_challenge.hpp"
#include "image/docker_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace strata::image;
  auto [which, in] = strata::fuzz::select(strata::fuzz::bytes(data, size), 3);
  switch (which) {
    case 0:
      if (auto challenges = parse_www_authenticate(in); challenges.ok()) {
        for (const auto& c : *challenges) {
          (void)c.param_or_empty("realm");
          (void)c.scopes();
        }
        (void)find_challenge(*challenges, "Bearer");
      }
      break;
    case 1:
      if (auto config = DockerConfig::parse(in, "config.json"); config.ok()) {
        for (const char* registry :
             {"docker.io", "ghcr.io", "localhost:5000", "https://index.docker.io/v1/", ""}) {
          (void)config->lookup(registry);
        }
      }
      break;
    default:
      (void)parse_helper_output(in, "fuzz");
      (void)is_helper_not_found(in);
      break;
  }
  return 0;
}
