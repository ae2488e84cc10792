#include "host/host_info.hpp"

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util/strings.hpp"

namespace strata::host {

namespace {

bool openable_dir(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return false;
  }
  ::close(fd);
  return true;
}

}  // namespace

std::string default_host_root(const std::string& host_proc, const std::string& proc) {
  for (const auto& candidate : {host_proc + "/1/root", proc + "/1/root"}) {
    if (openable_dir(candidate)) {
      return candidate;
    }
  }
  return "/";
}

std::string running_kernel_release(const std::string& proc) {
  // procfs files have size 0: read to the end.
  int fd = ::open((proc + "/sys/kernel/osrelease").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return {};
  }
  char buf[256];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  return n > 0 ? std::string(util::trim(std::string_view(buf, static_cast<std::size_t>(n))))
               : std::string();
}

std::string host_name(const vfs::Filesystem& fs) {
  if (auto text = fs.read_file("/etc/hostname", 4096)) {
    std::string_view name = util::trim(*text);
    if (!name.empty() && name.find('\n') == std::string_view::npos) {
      return std::string(name);
    }
  }
  struct utsname u {};
  if (::uname(&u) == 0) {
    return u.nodename;
  }
  return "localhost";
}

}  // namespace strata::host
