#include "detect/detect.hpp"

#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "detect/apk.hpp"
#include "detect/catalog.hpp"
#include "detect/dpkg.hpp"
#include "detect/lang/extract.hpp"
#include "detect/os_release.hpp"
#include "detect/rpm.hpp"
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
constexpr std::string_view k_dpkg_info = "/var/lib/dpkg/info";
constexpr std::string_view k_apk_installed[] = {"/lib/apk/db/installed",
                                                "/usr/lib/apk/db/installed"};
// rpm's database directory: /usr/lib/sysimage/rpm first (Fedora 36+, RHEL 10, SUSE: the newer
// %_dbpath, with /var/lib/rpm often a symlink to it), then /var/lib/rpm. In one directory the
// newest format present is the one rpm uses.
constexpr std::string_view k_rpm_dirs[] = {"/usr/lib/sysimage/rpm", "/var/lib/rpm"};
constexpr std::pair<std::string_view, DbKind> k_rpm_files[] = {
    {"rpmdb.sqlite", DbKind::rpm_sqlite},
    {"Packages.db", DbKind::rpm_ndb},
    {"Packages", DbKind::rpm_bdb},
};
constexpr std::uint64_t k_small_file_max = 64u << 10;  // os-release and friends
constexpr std::uint64_t k_database_max = 256u << 20;   // package databases

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

// Where `path` really is in `fs` (symlinks followed); `path` itself when it cannot be resolved.
std::string real_path_of(const vfs::Filesystem& fs, std::string_view path) {
  auto real = fs.real_path(path);
  return real.ok() ? std::move(real).value() : vfs::normalize(path);
}

std::vector<model::Package> parse_database(DbKind kind, std::string_view content,
                                           std::string_view location, const model::OsInfo& os,
                                           std::vector<std::string>& warnings) {
  switch (kind) {
    case DbKind::dpkg:
      return parse_dpkg_status(content, location, os, warnings);
    case DbKind::apk:
      return parse_apk_installed(content, location, os, warnings);
    case DbKind::rpm_sqlite:
    case DbKind::rpm_bdb:
    case DbKind::rpm_ndb:
      return parse_rpm_database(content, kind, location, os, warnings);
    case DbKind::none:
      break;
  }
  return {};
}

// Reads the database file at `path` (following symlinks) and appends its packages, located at
// the file's real path and attributed to the layer that wrote it. Returns the real path, or
// nullopt when there is no such file.
std::optional<std::string> add_database(const vfs::Filesystem& fs, std::string_view path,
                                        DbKind kind, const model::OsInfo& os,
                                        std::vector<model::Package>& out,
                                        std::vector<std::string>& warnings,
                                        std::set<std::string>* owned = nullptr) {
  auto content = read_optional(fs, path, k_database_max, warnings);
  if (!content) {
    return std::nullopt;
  }
  std::string real = real_path_of(fs, path);
  auto st = fs.stat(path);
  if (owned != nullptr && kind == DbKind::apk) {
    apk_owned_files(*content, lang::is_language_file, *owned);
  }
  // An rpm database is read from the buffer read here (SQLite without another copy of it).
  auto packages = kind == DbKind::rpm_sqlite || kind == DbKind::rpm_bdb || kind == DbKind::rpm_ndb
                      ? parse_rpm_database_in_place(*content, kind, real, os, warnings, owned)
                      : parse_database(kind, *content, real, os, warnings);
  for (auto& p : packages) {
    if (st.ok()) {
      p.layer = st->layer;
    }
    out.push_back(std::move(p));
  }
  return real;
}

// The dpkg status file, then every regular file directly in status.d (distroless images keep
// one file per package there).
void add_dpkg_packages(const vfs::Filesystem& fs, const model::OsInfo& os,
                       std::vector<model::Package>& out, std::vector<std::string>& warnings) {
  add_database(fs, k_dpkg_status, DbKind::dpkg, os, out, warnings);
  auto dir = fs.stat(k_dpkg_status_d);
  if (!dir.ok() || dir->type != vfs::FileType::directory) {
    return;
  }
  auto names = fs.list_dir(k_dpkg_status_d);
  for (const auto& name : names.ok() ? *names : std::vector<std::string>{}) {
    auto path = fmt::format("{}/{}", k_dpkg_status_d, name);
    if (canonical_database_kind(path) != DbKind::dpkg) {
      continue;  // a .md5sums file
    }
    auto entry = fs.stat(path);
    if (!entry.ok() || entry->type != vfs::FileType::regular) {
      continue;
    }
    add_database(fs, path, DbKind::dpkg, os, out, warnings);
  }
}

// The language-package files dpkg's file lists (/var/lib/dpkg/info/NAME.list) name.
void add_dpkg_owned_files(const vfs::Filesystem& fs, std::set<std::string>& owned) {
  auto names = fs.list_dir(k_dpkg_info);
  for (const auto& name : names.ok() ? *names : std::vector<std::string>{}) {
    auto path = fmt::format("{}/{}", k_dpkg_info, name);
    if (!is_dpkg_file_list(path)) {
      continue;
    }
    auto content = fs.read_file(path, k_database_max);
    if (!content) {
      continue;  // an unreadable list only means its files are not recognised as the OS's
    }
    for (auto line : util::split(*content, '\n')) {
      if (lang::is_language_file(line)) {
        owned.emplace(line);
      }
    }
  }
}

// /lib/apk/db and /usr/lib/apk/db are often the same directory (a /lib -> usr/lib link, or an
// apk-tools 3 compatibility link): a file reached again, or an identical second file, is
// skipped, and a package seen in both is reported once.
void add_apk_packages(const vfs::Filesystem& fs, const model::OsInfo& os,
                      std::vector<model::Package>& out, std::vector<std::string>& warnings,
                      std::set<std::string>* owned) {
  std::set<std::tuple<std::string, std::string, std::string>> seen_apk;
  std::set<std::string> seen_files;
  std::optional<std::string> first_apk_db;
  for (auto path : k_apk_installed) {
    if (!fs.lstat(path).ok() || !seen_files.insert(real_path_of(fs, path)).second) {
      continue;
    }
    auto content = read_optional(fs, path, k_database_max, warnings);
    if (!content || (first_apk_db && *first_apk_db == *content)) {
      continue;
    }
    std::vector<model::Package> pkgs;
    add_database(fs, path, DbKind::apk, os, pkgs, warnings, owned);
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

// The rpm database: the first database directory that holds one (a directory reached twice
// through a symlink counts once), in it the newest format present. A database left beside it,
// or in the other directory, is named in a warning and not read: rpm itself reads only one.
void add_rpm_packages(const vfs::Filesystem& fs, const model::OsInfo& os,
                      std::vector<model::Package>& out, std::vector<std::string>& warnings,
                      std::set<std::string>* owned) {
  std::set<std::string> seen_dirs;
  std::optional<std::string> used;
  for (auto dir : k_rpm_dirs) {
    auto st = fs.stat(dir);
    if (!st.ok() || st->type != vfs::FileType::directory ||
        !seen_dirs.insert(real_path_of(fs, dir)).second) {
      continue;
    }
    for (const auto& [name, kind] : k_rpm_files) {
      auto path = fmt::format("{}/{}", dir, name);
      if (!fs.lstat(path).ok()) {
        continue;
      }
      if (used) {
        warnings.push_back(
            fmt::format("{} is not read: the rpm database {} is used (rpm reads one database)",
                        real_path_of(fs, path), *used));
        continue;
      }
      used = add_database(fs, path, kind, os, out, warnings, owned);
    }
  }
  if (!used && !seen_dirs.empty()) {
    warnings.push_back(fmt::format(
        "the rpm database directory {} holds no rpm database strata reads (rpmdb.sqlite, "
        "Packages.db, Packages): no rpm package is listed or matched",
        *seen_dirs.begin()));
  }
}
}  // namespace

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
  for (auto path : k_legacy_release_files) {
    if (auto content = read_optional(fs, path, k_small_file_max, warnings)) {
      if (auto os = os_from_legacy_release(path, *content, warnings)) {
        return *os;
      }
    }
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
                                            std::vector<std::string>& warnings,
                                            std::set<std::string>* owned_language_files) {
  std::vector<model::Package> out;
  add_dpkg_packages(fs, os, out, warnings);
  if (owned_language_files != nullptr) {
    add_dpkg_owned_files(fs, *owned_language_files);
  }
  add_apk_packages(fs, os, out, warnings, owned_language_files);
  add_rpm_packages(fs, os, out, warnings, owned_language_files);
  if (!out.empty() && os.ecosystem.empty()) {
    auto reason = no_ecosystem_reason(os);
    warnings.push_back(fmt::format(
        "{} packages found but the OS ({}) has no known vulnerability ecosystem{}: they cannot be "
        "matched",
        out.size(), os.family.empty() ? "not detected" : os.family,
        reason.empty() ? "" : fmt::format(" ({})", reason)));
  }
  return out;
}

std::vector<model::Package> parse_database_file(std::string_view path, std::string_view content,
                                                const model::OsInfo& os,
                                                std::vector<std::string>& warnings) {
  auto normalised = vfs::normalize(path);
  return parse_database(database_kind_by_name(normalised), content, normalised, os, warnings);
}

}  // namespace strata::detect
