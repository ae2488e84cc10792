#include "detect/rpm.hpp"

#include <fmt/format.h>

#include "detect/catalog.hpp"
#include "detect/lang/extract.hpp"
#include "detect/purl.hpp"
#include "detect/rpmdb_bdb.hpp"
#include "detect/rpmdb_ndb.hpp"
#include "detect/rpmdb_sqlite.hpp"
#include "util/warnings.hpp"

namespace strata::detect {

namespace {

constexpr std::string_view k_format_names[] = {"", "", "", "SQLite", "BerkeleyDB", "NDB"};

util::Result<std::vector<RpmdbEntry>> read_entries(std::string_view content, DbKind kind) {
  switch (kind) {
    case DbKind::rpm_sqlite:
      return read_rpmdb_sqlite(content);
    case DbKind::rpm_bdb:
      return read_rpmdb_bdb(content);
    case DbKind::rpm_ndb:
      return read_rpmdb_ndb(content);
    default:
      break;
  }
  return util::make_error(util::ErrorCategory::internal, "not an rpm database kind");
}

// The packages of a database's entries (see parse_rpm_database).
std::vector<model::Package> packages_of(util::Result<std::vector<RpmdbEntry>> entries, DbKind kind,
                                        std::string_view location, const model::OsInfo& os,
                                        std::vector<std::string>& warnings,
                                        std::set<std::string>* owned_language_files) {
  std::vector<model::Package> out;
  if (!entries) {
    warnings.push_back(fmt::format("{}: cannot read the rpm {} database: {}", location,
                                   k_format_names[static_cast<int>(kind)],
                                   entries.error().message));
    return out;
  }
  util::FileWarnings capped(warnings, std::string(location));
  for (auto& entry : *entries) {
    if (!entry.header) {
      capped.add("{}: skipped rpm package #{}: malformed header: {}", location, entry.hnum,
                 entry.header.error().message);
      continue;
    }
    if (entry.header->name == "gpg-pubkey") {
      continue;
    }
    if (owned_language_files != nullptr) {
      for (auto& f : entry.header->files) {
        if (lang::is_language_file(f)) {
          owned_language_files->insert(std::move(f));
        }
      }
    }
    if (out.size() >= k_max_packages_per_database) {
      capped.add("{}: more than {} packages: the rest are ignored", location,
                 k_max_packages_per_database);
      break;
    }
    auto pkg = rpm_package(*entry.header, os);
    pkg.location = std::string(location);
    out.push_back(std::move(pkg));
  }
  return out;
}

}  // namespace

std::pair<std::string, std::string> split_source_rpm(std::string_view source_rpm) {
  for (std::string_view suffix : {".src.rpm", ".nosrc.rpm"}) {
    if (!source_rpm.ends_with(suffix)) {
      continue;
    }
    auto nvr = source_rpm.substr(0, source_rpm.size() - suffix.size());
    auto release_dash = nvr.rfind('-');
    if (release_dash == std::string_view::npos || release_dash == 0) {
      break;
    }
    auto version_dash = nvr.rfind('-', release_dash - 1);
    if (version_dash == std::string_view::npos || version_dash == 0 ||
        version_dash + 1 == release_dash || release_dash + 1 == nvr.size()) {
      break;
    }
    return {std::string(nvr.substr(0, version_dash)), std::string(nvr.substr(version_dash + 1))};
  }
  return {};
}

model::Package rpm_package(const RpmHeader& header, const model::OsInfo& os) {
  model::Package pkg;
  pkg.type = "rpm";
  pkg.name = header.name;
  std::string version_release =
      header.release.empty() ? header.version : header.version + "-" + header.release;
  const std::uint32_t epoch = header.epoch.value_or(0);
  pkg.version = epoch != 0 ? fmt::format("{}:{}", epoch, version_release) : version_release;
  pkg.arch = header.arch;
  pkg.ecosystem = os.ecosystem;
  auto [source_name, source_version] = split_source_rpm(header.source_rpm);
  pkg.source_name = source_name.empty() ? header.name : std::move(source_name);
  pkg.source_version = source_version.empty() ? version_release : std::move(source_version);
  pkg.modularity_label = header.modularity_label;
  pkg.license = header.license;
  pkg.purl = rpm_purl(header.name, version_release, epoch, header.arch, os);
  return pkg;
}

std::vector<model::Package> parse_rpm_database(std::string_view content, DbKind kind,
                                               std::string_view location, const model::OsInfo& os,
                                               std::vector<std::string>& warnings,
                                               std::set<std::string>* owned_language_files) {
  return packages_of(read_entries(content, kind), kind, location, os, warnings,
                     owned_language_files);
}

std::vector<model::Package> parse_rpm_database_in_place(
    std::string& content, DbKind kind, std::string_view location, const model::OsInfo& os,
    std::vector<std::string>& warnings, std::set<std::string>* owned_language_files) {
  return packages_of(kind == DbKind::rpm_sqlite ? read_rpmdb_sqlite_in_place(content)
                                                : read_entries(content, kind),
                     kind, location, os, warnings, owned_language_files);
}

}  // namespace strata::detect
