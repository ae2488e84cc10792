#include "detect/catalog.hpp"

#include "detect/lang/extract.hpp"
#include "detect/os_release.hpp"
#include "util/strings.hpp"
#include "vfs/vfs.hpp"

namespace strata::detect {

namespace {

constexpr std::string_view k_release_files[] = {
    "/etc/os-release",
    "/usr/lib/os-release",
    "/etc/alpine-release",
    "/etc/debian_version",
};
constexpr std::string_view k_rpm_dirs[] = {"/var/lib/rpm", "/usr/lib/sysimage/rpm"};
constexpr std::string_view k_dpkg_status = "/var/lib/dpkg/status";
constexpr std::string_view k_dpkg_status_d = "/var/lib/dpkg/status.d";
constexpr std::string_view k_dpkg_info = "/var/lib/dpkg/info";
constexpr std::string_view k_apk_installed[] = {"/lib/apk/db/installed",
                                                "/usr/lib/apk/db/installed"};

constexpr std::uint64_t k_rpm_database_max = 256u << 20;  // a large system's Packages

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view dir_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
}

// The first line of `text` that is not blank.
std::string_view first_nonblank_line(std::string_view text) {
  for (auto line : util::split(text.substr(0, 4096), '\n')) {
    if (!util::trim(line).empty()) {
      return line;
    }
  }
  return {};
}

bool has_os_release_id(std::string_view content) {
  for (auto line : util::split(content.substr(0, 64u << 10), '\n')) {
    if (util::trim(line).starts_with("ID=")) {
      return true;
    }
  }
  return false;
}

// A file directly in a "status.d" directory that is not a .md5sums file.
bool is_status_d_name(std::string_view path) {
  return base_name(dir_name(path)) == "status.d" && !base_name(path).ends_with(".md5sums") &&
         !base_name(path).empty();
}

std::uint32_t u32_le(std::string_view b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}

}  // namespace

DbKind database_kind_by_name(std::string_view path) {
  auto name = base_name(path);
  if (name == "rpmdb.sqlite") {
    return DbKind::rpm_sqlite;
  }
  if (name == "Packages") {
    return DbKind::rpm_bdb;
  }
  if (name == "Packages.db") {
    return DbKind::rpm_ndb;
  }
  if (name == "status" || is_status_d_name(path)) {
    return DbKind::dpkg;
  }
  if (name == "installed") {
    return DbKind::apk;
  }
  return DbKind::none;
}

DbKind canonical_database_kind(std::string_view path) {
  if (path == k_dpkg_status || (dir_name(path) == k_dpkg_status_d && is_status_d_name(path))) {
    return DbKind::dpkg;
  }
  for (auto p : k_apk_installed) {
    if (path == p) {
      return DbKind::apk;
    }
  }
  for (auto dir : k_rpm_dirs) {
    if (dir_name(path) == dir) {
      auto kind = database_kind_by_name(path);
      if (kind == DbKind::rpm_sqlite || kind == DbKind::rpm_bdb || kind == DbKind::rpm_ndb) {
        return kind;
      }
    }
  }
  return DbKind::none;
}

bool is_release_file(std::string_view path) {
  for (auto p : k_release_files) {
    if (path == p) {
      return true;
    }
  }
  for (auto p : k_legacy_release_files) {
    if (path == p) {
      return true;
    }
  }
  return false;
}

bool looks_like(DbKind kind, std::string_view content) {
  switch (kind) {
    case DbKind::rpm_sqlite:
      return content.starts_with(std::string_view("SQLite format 3\0", 16));
    case DbKind::rpm_bdb: {
      // The hash metadata page's magic at offset 12, in either byte order.
      if (content.size() < 16) {
        return false;
      }
      auto magic = u32_le(content, 12);
      return magic == 0x061561u || magic == 0x61150600u;
    }
    case DbKind::rpm_ndb:
      return content.starts_with("RpmP");
    case DbKind::dpkg:
      return first_nonblank_line(content).starts_with("Package:");
    case DbKind::apk: {
      auto line = first_nonblank_line(content);
      return line.starts_with("C:") || line.starts_with("P:");
    }
    case DbKind::none:
      break;
  }
  return false;
}

bool is_dpkg_file_list(std::string_view path) {
  return dir_name(path) == k_dpkg_info && path.ends_with(".list");
}

bool wants_path(std::string_view path) {
  if (path.empty() || path.front() != '/' || path.find("//") != std::string_view::npos) {
    return wants_path(vfs::normalize(path));
  }
  return is_release_file(path) || base_name(path) == "os-release" ||
         database_kind_by_name(path) != DbKind::none || is_dpkg_file_list(path);
}

bool keep_content(std::string_view path, std::string& content) {
  if (!is_dpkg_file_list(path)) {
    return accepts_content(path, content);
  }
  std::string kept;
  util::for_each_line(content, [&](std::string_view line) {
    if (lang::is_language_file(line)) {
      kept += line;
      kept += '\n';
    }
  });
  content = std::move(kept);
  return !content.empty();
}

bool accepts_content(std::string_view path, std::string_view content) {
  if (is_release_file(path) || canonical_database_kind(path) != DbKind::none) {
    return true;
  }
  if (base_name(path) == "os-release") {
    return has_os_release_id(content);
  }
  return looks_like(database_kind_by_name(path), content);
}

std::uint64_t kept_size_limit(std::string_view path) {
  switch (database_kind_by_name(path)) {
    case DbKind::rpm_sqlite:
    case DbKind::rpm_bdb:
    case DbKind::rpm_ndb:
      return k_rpm_database_max;
    case DbKind::dpkg:
    case DbKind::apk:
    case DbKind::none:
      break;
  }
  return 0;
}

}  // namespace strata::detect
