// OS package databases and release files (detect/dpkg.hpp, detect/apk.hpp,
// detect/os_release.hpp):
//   '0' dpkg status (or a status.d file)    '1' apk installed (packages and owned files)
//   '2' os-release    '3' the older release files (/etc/redhat-release, ...; the next byte
//   picks which)
#include <set>
#include <string>
#include <vector>

#include "common.hpp"
#include "detect/apk.hpp"
#include "detect/dpkg.hpp"
#include "detect/os_release.hpp"

namespace {

bool keep_all(std::string_view) {
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace strata::detect;
  auto [which, in] = strata::fuzz::select(strata::fuzz::bytes(data, size), 4);
  const strata::model::OsInfo os{"debian", "12", "Debian:12", "Debian GNU/Linux 12"};
  std::vector<std::string> warnings;
  switch (which) {
    case 0:
      (void)parse_dpkg_status(in, "/var/lib/dpkg/status", os, warnings);
      break;
    case 1: {
      (void)parse_apk_installed(in, "/lib/apk/db/installed", os, warnings);
      std::set<std::string> owned;
      apk_owned_files(in, keep_all, owned);
      break;
    }
    case 2: {
      auto fields = parse_os_release(in);
      auto info = os_from_release(fields, "", warnings);
      (void)os_from_release(fields, "12.5", warnings);
      (void)no_ecosystem_reason(info);
      (void)purl_distro(info);
      break;
    }
    default: {
      // The second byte picks the file name.
      if (in.empty()) {
        break;
      }
      std::string_view path =
          k_legacy_release_files[static_cast<unsigned char>(in[0]) % k_legacy_release_files.size()];
      if (auto info = os_from_legacy_release(path, in.substr(1), warnings); info) {
        (void)purl_distro(*info);
      }
      break;
    }
  }
  return 0;
}
