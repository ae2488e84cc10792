#pragma once
// Facts about the host being scanned that do not come from its package databases.

#include <string>

#include "vfs/vfs.hpp"

namespace strata::host {

// The host's root filesystem as seen from here: "/host/proc/1/root" when the host's /proc is
// mounted at /host/proc, else "/proc/1/root" when it can be opened (a container started with
// --pid=host and the privilege to read another process's root; on the host itself it is "/"),
// else "/". `proc` is the proc mount to look in ("/proc"; tests pass another).
std::string default_host_root(const std::string& host_proc = "/host/proc",
                              const std::string& proc = "/proc");

// The running kernel's release ("6.1.0-13-amd64") from PROC/sys/kernel/osrelease; the kernel is
// the host's even inside a container. Empty when unreadable.
std::string running_kernel_release(const std::string& proc = "/proc");

// The host name: /etc/hostname of `fs` (the scanned root), else uname's node name.
std::string host_name(const vfs::Filesystem& fs);

}  // namespace strata::host
