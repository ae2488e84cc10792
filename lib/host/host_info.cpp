#include "host/host_info.hpp"

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/log.hpp"
#include "util/strings.hpp"

namespace strata::host {

namespace {

// 0 when `path` opens as a directory, else the errno of the attempt.
int open_dir_error(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return errno;
  }
  ::close(fd);
  return 0;
}

}  // namespace

std::string default_host_root(const std::string& host_proc, const std::string& proc) {
  for (const auto& candidate : {host_proc + "/1/root", proc + "/1/root"}) {
    int err = open_dir_error(candidate);
    if (err == 0) {
      return candidate;
    }
    if (err == EACCES || err == EPERM) {
      // In a container started with --pid=host but not as root, this is the host's root and
      // "/" (scanned instead) the container's: say so.
      LOG_WARN(
          "cannot open {} ({}): scanning / instead; in a container that is the container's "
          "root, not the host's (run as root: docker run --user 0)",
          candidate, std::strerror(err));
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
