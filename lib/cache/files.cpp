#include "cache/files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/file.hpp"

namespace strata::cache {

util::Result<std::string> write_temp(const std::string& dir, std::string_view prefix,
                                     std::string_view content) {
  TRY_ASSIGN(util::TempFile tmp, util::TempFile::create(fmt::format("{}/{}", dir, prefix)));
  TRY(tmp.write(content));
  return tmp.keep();
}

util::Status replace_file(const std::string& path, std::string_view content) {
  std::size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  TRY_ASSIGN(std::string tmp, write_temp(dir, base + ".tmp.", content));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return util::input_error("{}: cannot rename into place: {}", path, std::strerror(err));
  }
  return {};
}

util::Status replace_file_via_prev(const std::string& path, std::string_view content) {
  std::size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  TRY_ASSIGN(std::string tmp, write_temp(dir, base + ".tmp.", content));
  const std::string prev = path + ".prev";
  if (::rename(path.c_str(), prev.c_str()) != 0 && errno != ENOENT) {
    int err = errno;
    ::unlink(tmp.c_str());
    return util::input_error("{}: cannot rename: {}", path, std::strerror(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::rename(prev.c_str(), path.c_str());
    ::unlink(tmp.c_str());
    return util::input_error("{}: cannot rename into place: {}", path, std::strerror(err));
  }
  ::unlink(prev.c_str());
  return {};
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    return out;
  }
  while (const dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name != "." && name != "..") {
      out.emplace_back(name);
    }
  }
  ::closedir(d);
  return out;
}

std::optional<FileInfo> stat_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  FileInfo info;
  info.inode = static_cast<std::uint64_t>(st.st_ino);
  info.size = static_cast<std::uint64_t>(st.st_size);
  info.regular = S_ISREG(st.st_mode);
  info.mtime = TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
  return info;
}

void remove_file(const std::string& path) {
  ::unlink(path.c_str());
}

}  // namespace strata::cache
