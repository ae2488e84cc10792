#include "detect/detect.hpp"

#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "detect/apk.hpp"
#include "detect/dpkg.hpp"
#include "detect/os_release.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

namespace strata::detect {

namespace {

constexpr std::string_view k_etc_os_release = "/etc/os-release";
constexpr std::string_view k_usr_os_release = "/usr/lib/os-release";
constexpr std::string_view k_alpine_release = "/etc/alpine-release";
constexpr std::string_view k_debian_version = "/etc/debian_version";
constexpr std::string_view k_dpkg_status = "/var/lib/dpkg/status";
constexpr std::string_view k_dpkg_status_d = "/var/lib/dpkg/status.d";
constexpr std::string_view k_apk_installed[] = {"/lib/apk/db/installed",
                                                "/usr/lib/apk/db/installed"};
constexpr std::uint64_t k_small_file_max = 64u << 10;  // os-release and friends
constexpr std::uint64_t k_database_max = 256u << 20;   // package databases

enum class DbKind { none, dpkg, apk };

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A direct child of status.d that is not a .md5sums file.
bool is_status_d_entry(std::string_view path) {
  if (path.size() <= k_dpkg_status_d.size() + 1 ||
      path.substr(0, k_dpkg_status_d.size()) != k_dpkg_status_d ||
      path[k_dpkg_status_d.size()] != '/') {
    return false;
  }
  auto name = path.substr(k_dpkg_status_d.size() + 1);
  return name.find('/') == std::string_view::npos && !ends_with(name, ".md5sums");
}

DbKind database_kind(std::string_view path) {
  if (path == k_dpkg_status || is_status_d_entry(path)) {
    return DbKind::dpkg;
  }
  for (auto p : k_apk_installed) {
    if (path == p) {
      return DbKind::apk;
    }
  }
  return DbKind::none;
}

// Content of an optional file: nullopt when absent. A file that exists but cannot be read (too
// large, a directory, a symlink loop) adds a warning.
std::optional<std::string> read_optional(const vfs::Filesystem& fs, std::string_view path,
                                         std::uint64_t max_size,
                                         std::vector<std::string>& warnings) {
  if (!fs.lstat(path).ok()) {
    return std::nullopt;
  }
  auto content = fs.read_file(path, max_size);
  if (!content.ok()) {
    if (fs.stat(path).ok() ||
        content.error().message.find("too many levels") != std::string::npos) {
      warnings.push_back(fmt::format("cannot read {}", content.error().message));
    } else {
      LOG_DEBUG("{}: dangling symlink, ignored", path);
    }
    return std::nullopt;
  }
  return std::move(content).value();
}

std::string first_line(std::string_view text) {
  return std::string(util::trim(text.substr(0, text.find('\n'))));
}

// Parses `content` (the file at `path`) and appends its packages, with the file's layer.
void add_packages(const vfs::Filesystem& fs, std::string_view path, std::string_view content,
                  DbKind kind, const model::OsInfo& os, std::vector<model::Package>& out,
                  std::vector<std::string>& warnings) {
  auto pkgs = kind == DbKind::dpkg ? parse_dpkg_status(content, path, os, warnings)
                                   : parse_apk_installed(content, path, os, warnings);
  auto st = fs.stat(path);
  for (auto& p : pkgs) {
    if (st.ok()) {
      p.layer = st->layer;
    }
    out.push_back(std::move(p));
  }
}

// The dpkg status file, then every regular file directly in status.d (distroless images keep
// one file per package there).
void add_dpkg_packages(const vfs::Filesystem& fs, const model::OsInfo& os,
                       std::vector<model::Package>& out, std::vector<std::string>& warnings) {
  if (auto content = read_optional(fs, k_dpkg_status, k_database_max, warnings)) {
    add_packages(fs, k_dpkg_status, *content, DbKind::dpkg, os, out, warnings);
  }
  auto dir = fs.stat(k_dpkg_status_d);
  if (!dir.ok() || dir->type != vfs::FileType::directory) {
    return;
  }
  auto names = fs.list_dir(k_dpkg_status_d);
  for (const auto& name : names.ok() ? *names : std::vector<std::string>{}) {
    auto path = fmt::format("{}/{}", k_dpkg_status_d, name);
    if (!is_status_d_entry(path)) {
      continue;
    }
    auto entry = fs.stat(path);
    if (!entry.ok() || entry->type != vfs::FileType::regular) {
      continue;
    }
    if (auto content = read_optional(fs, path, k_database_max, warnings)) {
      add_packages(fs, path, *content, DbKind::dpkg, os, out, warnings);
    }
  }
}

// /lib/apk/db and /usr/lib/apk/db are often the same directory (a /lib -> usr/lib link, or an
// apk-tools 3 compatibility link): an identical second file is skipped, and a package seen in
// both is reported once.
void add_apk_packages(const vfs::Filesystem& fs, const model::OsInfo& os,
                      std::vector<model::Package>& out, std::vector<std::string>& warnings) {
  std::set<std::tuple<std::string, std::string, std::string>> seen_apk;
  std::optional<std::string> first_apk_db;
  for (auto path : k_apk_installed) {
    auto content = read_optional(fs, path, k_database_max, warnings);
    if (!content || (first_apk_db && *first_apk_db == *content)) {
      continue;
    }
    std::vector<model::Package> pkgs;
    add_packages(fs, path, *content, DbKind::apk, os, pkgs, warnings);
    if (!first_apk_db) {
      first_apk_db = std::move(content);
    }
    for (auto& p : pkgs) {
      if (seen_apk.emplace(p.name, p.version, p.arch).second) {
        out.push_back(std::move(p));
      }
    }
  }
}

// rpm databases are not read yet: say so instead of reporting an rpm-based image as empty.
void warn_rpm_databases(const vfs::Filesystem& fs, std::vector<std::string>& warnings) {
  for (std::string_view dir : {"/var/lib/rpm", "/usr/lib/sysimage/rpm"}) {
    if (auto st = fs.stat(dir); st.ok() && st->type == vfs::FileType::directory) {
      warnings.push_back(fmt::format(
          "an rpm package database directory ({}) is present, but strata does not read rpm "
          "databases yet: rpm packages are not listed or matched",
          dir));
      break;
    }
  }
}

}  // namespace

bool wants_path(std::string_view path) {
  if (path.empty() || path.front() != '/' || path.find("//") != std::string_view::npos) {
    auto normalised = vfs::normalize(path);
    return wants_path(normalised);
  }
  if (path == k_etc_os_release || path == k_usr_os_release || path == k_alpine_release ||
      path == k_debian_version) {
    return true;
  }
  return database_kind(path) != DbKind::none;
}

model::OsInfo detect_os(const vfs::Filesystem& fs, std::vector<std::string>& warnings) {
  std::string debian_version;
  if (auto dv = read_optional(fs, k_debian_version, k_small_file_max, warnings)) {
    debian_version = first_line(*dv);
  }
  for (auto path : {k_etc_os_release, k_usr_os_release}) {
    auto content = read_optional(fs, path, k_small_file_max, warnings);
    if (!content) {
      continue;
    }
    auto fields = parse_os_release(*content);
    if (fields.count("ID") != 0 && !util::trim(fields["ID"]).empty()) {
      return os_from_release(fields, debian_version, warnings);
    }
    warnings.push_back(fmt::format("{}: no ID field, ignored", path));
  }
  if (auto alpine = read_optional(fs, k_alpine_release, k_small_file_max, warnings)) {
    auto version = first_line(*alpine);
    if (!version.empty()) {
      return os_from_release({{"ID", "alpine"}, {"VERSION_ID", version}}, "", warnings);
    }
  }
  if (!debian_version.empty()) {
    return os_from_release({{"ID", "debian"}}, debian_version, warnings);
  }
  return {};
}

std::vector<model::Package> detect_packages(const vfs::Filesystem& fs, const model::OsInfo& os,
                                            std::vector<std::string>& warnings) {
  std::vector<model::Package> out;
  add_dpkg_packages(fs, os, out, warnings);
  add_apk_packages(fs, os, out, warnings);
  warn_rpm_databases(fs, warnings);
  if (!out.empty() && os.ecosystem.empty()) {
    warnings.push_back(fmt::format(
        "{} packages found but the OS ({}) has no known vulnerability ecosystem: they cannot be "
        "matched",
        out.size(), os.family.empty() ? "not detected" : os.family));
  }
  return out;
}

std::vector<model::Package> parse_database_file(std::string_view path, std::string_view content,
                                                const model::OsInfo& os,
                                                std::vector<std::string>& warnings) {
  auto normalised = vfs::normalize(path);
  switch (database_kind(normalised)) {
    case DbKind::dpkg:
      return parse_dpkg_status(content, normalised, os, warnings);
    case DbKind::apk:
      return parse_apk_installed(content, normalised, os, warnings);
    case DbKind::none:
      break;
  }
  return {};
}

}  // namespace strata::detect
