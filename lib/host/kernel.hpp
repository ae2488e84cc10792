#pragma once
// Installed kernels versus the running one, for host scans: a host keeps older kernel packages
// installed after an upgrade, but only the running kernel is exposed, so the others are
// reported as installed-but-not-running and raise no findings (as the NeuVector scanner does).

#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"

namespace strata::host {

// Whether `pkg` is a versioned kernel package: dpkg linux-image-*, linux-modules-*,
// linux-modules-extra-*, linux-headers-* whose name carries a kernel release ("5.10.0-26-amd64");
// apk linux-lts, linux-virt, linux-edge, linux-rpi.
bool is_kernel_package(const model::Package& pkg);

// Whether kernel package `pkg` is the running kernel, whose release is `osrelease` (the text of
// /proc/sys/kernel/osrelease, e.g. "6.1.0-13-amd64", "5.15.74-0-lts"). dpkg: the release is the
// suffix of the package name; apk: the package version's upstream part ("5.15.74" of
// "5.15.74-r0") equals the release's part before its first "-", and the flavour matches.
bool is_running_kernel(const model::Package& pkg, std::string_view osrelease);

// Splits `packages` in place: returns the installed kernel packages that are not the running
// kernel (removed from `packages`). With an empty `osrelease` nothing is removed.
std::vector<model::Package> take_idle_kernels(std::vector<model::Package>& packages,
                                              std::string_view osrelease);

}  // namespace strata::host
