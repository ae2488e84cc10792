#include "host/kernel.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace strata::host {

namespace {

constexpr std::array<std::string_view, 4> k_dpkg_prefixes = {
    "linux-modules-extra-", "linux-modules-", "linux-image-", "linux-headers-"};
constexpr std::array<std::string_view, 4> k_apk_kernels = {"linux-lts", "linux-virt", "linux-edge",
                                                           "linux-rpi"};

// The kernel release a dpkg kernel package is for ("6.1.0-13-amd64" of
// "linux-image-6.1.0-13-amd64"); empty for meta packages ("linux-image-amd64").
std::string_view dpkg_release(std::string_view name) {
  for (auto prefix : k_dpkg_prefixes) {
    if (name.starts_with(prefix)) {
      std::string_view rest = name.substr(prefix.size());
      if (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest.front()))) {
        return rest;
      }
      return {};
    }
  }
  return {};
}

}  // namespace

bool is_kernel_package(const model::Package& pkg) {
  if (pkg.type == "dpkg") {
    return !dpkg_release(pkg.name).empty();
  }
  if (pkg.type == "apk") {
    return std::find(k_apk_kernels.begin(), k_apk_kernels.end(), pkg.name) != k_apk_kernels.end();
  }
  return false;
}

bool is_running_kernel(const model::Package& pkg, std::string_view osrelease) {
  if (pkg.type == "dpkg") {
    std::string_view release = dpkg_release(pkg.name);
    return !release.empty() && release == osrelease;
  }
  if (pkg.type == "apk") {
    // linux-lts 5.15.74-r0 runs as "5.15.74-0-lts"; linux-virt as "...-virt".
    std::string_view version = std::string_view(pkg.version).substr(0, pkg.version.find('-'));
    std::string_view running = osrelease.substr(0, osrelease.find('-'));
    std::string_view flavour = std::string_view(pkg.name).substr(6);  // after "linux-"
    return version == running && osrelease.size() > flavour.size() &&
           osrelease.ends_with(flavour) && osrelease[osrelease.size() - flavour.size() - 1] == '-';
  }
  return false;
}

std::vector<model::Package> take_idle_kernels(std::vector<model::Package>& packages,
                                              std::string_view osrelease) {
  std::vector<model::Package> idle;
  if (osrelease.empty()) {
    return idle;
  }
  auto keep = std::stable_partition(packages.begin(), packages.end(), [&](const auto& p) {
    return !is_kernel_package(p) || is_running_kernel(p, osrelease);
  });
  idle.assign(std::make_move_iterator(keep), std::make_move_iterator(packages.end()));
  packages.erase(keep, packages.end());
  return idle;
}

}  // namespace strata::host
