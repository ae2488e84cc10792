// Secret rules over file contents (secret/scanner.hpp) with the built-in rules: the first byte
// picks the path the content is found under ('0' /app/config.env, '1' /root/.aws/credentials,
// '2' /home/user/.ssh/id_rsa, '3' /app/settings.py, '4' /etc/app/config.json,
// '5' /app/.git-credentials), the rest is the content.
#include <cstdlib>
#include <vector>

#include "common.hpp"
#include "secret/rules.hpp"
#include "secret/scanner.hpp"

namespace {

const char* const k_paths[] = {"/app/config.env",        "/root/.aws/credentials",
                               "/home/user/.ssh/id_rsa", "/app/settings.py",
                               "/etc/app/config.json",   "/app/.git-credentials"};

const strata::secret::Scanner& scanner() {
  static const strata::secret::Scanner s = [] {
    auto created = strata::secret::Scanner::create(strata::secret::builtin_rules());
    if (!created.ok()) {
      std::abort();
    }
    return std::move(created).value();
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [which, in] =
      strata::fuzz::select(strata::fuzz::bytes(data, size), sizeof k_paths / sizeof *k_paths);
  const char* path = k_paths[which];
  if (!scanner().wants(path, in.size())) {
    return 0;
  }
  std::vector<strata::model::Secret> found;
  scanner().scan(path, in, found);
  if (found.size() > strata::secret::k_max_findings_per_file) {
    __builtin_trap();
  }
  return 0;
}
