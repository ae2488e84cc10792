#include "detect/apk.hpp"

#include <fmt/format.h>

#include <utility>

#include "detect/catalog.hpp"
#include "detect/purl.hpp"
#include "detect/stanzas.hpp"
#include "util/strings.hpp"
#include "util/warnings.hpp"

namespace strata::detect {

namespace {

struct Entry {
  std::size_t line = 0;
  std::string name, version, arch, origin, license;
};

// The fields strata reads: P (name), V (version), A (arch), o (origin), L (license).
void set_field(Entry& e, char key, std::string value) {
  switch (key) {
    case 'P':
      e.name = std::move(value);
      break;
    case 'V':
      e.version = std::move(value);
      break;
    case 'A':
      e.arch = std::move(value);
      break;
    case 'o':
      e.origin = std::move(value);
      break;
    case 'L':
      e.license = std::move(value);
      break;
    default:
      break;
  }
}

void finish(const Entry& e, std::string_view location, const model::OsInfo& os,
            std::vector<model::Package>& out, util::FileWarnings& warnings) {
  if (e.name.empty() || e.version.empty()) {
    warnings.add("{}: skipped an apk entry at line {} without {}{}", location, e.line,
                 e.name.empty() ? "P: (name)" : "V: (version)",
                 e.name.empty() ? "" : fmt::format(" (package {})", e.name));
    return;
  }
  model::Package pkg;
  pkg.name = e.name;
  pkg.version = e.version;
  pkg.type = "apk";
  pkg.ecosystem = os.ecosystem;
  pkg.arch = e.arch;
  pkg.source_name = e.origin.empty() ? e.name : e.origin;
  pkg.source_version = e.version;
  pkg.location = std::string(location);
  pkg.license = e.license;
  pkg.purl = apk_purl(pkg, os);
  out.push_back(std::move(pkg));
}

}  // namespace

std::vector<model::Package> parse_apk_installed(std::string_view content, std::string_view location,
                                                const model::OsInfo& os,
                                                std::vector<std::string>& all_warnings) {
  std::vector<model::Package> out;
  util::FileWarnings warnings(all_warnings, std::string(location));
  bool warned_bad_line = false;
  auto read_line = [&](Entry& e, std::string_view line, std::size_t line_no) {
    if (line.size() < 2 || line[1] != ':') {
      if (!warned_bad_line) {
        warnings.add("{}: line {}: not an 'X:value' line, ignored", location, line_no);
        warned_bad_line = true;
      }
      return true;  // still part of the entry: it may be its first line
    }
    set_field(e, line[0], std::string(util::trim(line.substr(2))));
    return true;
  };
  bool full = false;
  auto on_entry = [&](const Entry& e) {
    if (out.size() >= k_max_packages_per_database) {
      if (!std::exchange(full, true)) {
        warnings.add("{}: more than {} packages: the rest are ignored", location,
                     k_max_packages_per_database);
      }
      return;
    }
    finish(e, location, os, out, warnings);
  };
  for_each_stanza_record<Entry>(content, read_line, on_entry);
  return out;
}

void apk_owned_files(std::string_view content, bool (*keep)(std::string_view path),
                     std::set<std::string>& out) {
  std::string dir;
  util::for_each_line(content, [&](std::string_view line) {
    if (line.starts_with("F:")) {
      // Not "/" + std::string(...): GCC 12 at -O3 warns about that (a false -Wrestrict, GCC bug
      // 105329), which -Werror turns into a failed Release build.
      dir.assign(1, '/');
      dir += line.substr(2);
    } else if (line.starts_with("R:")) {
      std::string path = (dir == "/" ? "" : dir) + "/" + std::string(line.substr(2));
      if (keep(path)) {
        out.insert(std::move(path));
      }
    } else if (line.empty()) {
      dir.clear();
    }
  });
}

}  // namespace strata::detect
