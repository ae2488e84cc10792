#include "detect/dpkg.hpp"

#include <fmt/format.h>

#include <utility>

#include "detect/catalog.hpp"
#include "detect/purl.hpp"
#include "detect/stanzas.hpp"
#include "util/strings.hpp"
#include "util/warnings.hpp"

namespace strata::detect {

namespace {

struct Paragraph {
  std::size_t line = 0;  // 1-based line of the first field
  std::string package, version, architecture, source, status;
  bool has_status = false;
};

// The fields strata reads; `name` lower-cased.
void set_field(Paragraph& p, std::string_view name, std::string value) {
  if (name == "package") {
    p.package = std::move(value);
  } else if (name == "version") {
    p.version = std::move(value);
  } else if (name == "architecture") {
    p.architecture = std::move(value);
  } else if (name == "source") {
    p.source = std::move(value);
  } else if (name == "status") {
    p.status = std::move(value);
    p.has_status = true;
  }
}

void finish(const Paragraph& p, std::string_view location, const model::OsInfo& os,
            std::vector<model::Package>& out, util::FileWarnings& warnings) {
  if (p.has_status && !dpkg_status_installed(p.status)) {
    return;
  }
  if (p.package.empty() || p.version.empty()) {
    warnings.add("{}: skipped a dpkg entry at line {} without {}{}", location, p.line,
                 p.package.empty() ? "Package" : "Version",
                 p.package.empty() ? "" : fmt::format(" (package {})", p.package));
    return;
  }
  model::Package pkg;
  pkg.name = p.package;
  pkg.version = p.version;
  pkg.type = "dpkg";
  pkg.ecosystem = os.ecosystem;
  pkg.arch = p.architecture;
  pkg.location = std::string(location);
  auto src = util::trim(p.source);
  if (src.empty()) {
    pkg.source_name = pkg.name;
    pkg.source_version = pkg.version;
  } else {
    auto paren = src.find('(');
    pkg.source_name = std::string(util::trim(src.substr(0, paren)));
    if (paren != std::string_view::npos) {
      auto close = src.find(')', paren);
      pkg.source_version = std::string(
          util::trim(src.substr(paren + 1, close == std::string_view::npos ? std::string_view::npos
                                                                           : close - paren - 1)));
    }
    if (pkg.source_name.empty()) {
      pkg.source_name = pkg.name;
    }
    if (pkg.source_version.empty()) {
      pkg.source_version = pkg.version;
    }
  }
  pkg.purl = deb_purl(pkg, os);
  out.push_back(std::move(pkg));
}

}  // namespace

bool dpkg_status_installed(std::string_view status) {
  std::vector<std::string_view> words;
  for (auto w : util::split(util::trim(status), ' ')) {
    if (!w.empty()) {
      words.push_back(w);
    }
  }
  if (words.size() != 3) {
    return false;
  }
  auto flag = words[1];
  auto state = words[2];
  if (flag != "ok" && flag != "reinstreq") {
    return false;
  }
  return state == "installed" || state == "triggers-pending" || state == "triggers-awaited" ||
         state == "half-configured";
}

std::vector<model::Package> parse_dpkg_status(std::string_view content, std::string_view location,
                                              const model::OsInfo& os,
                                              std::vector<std::string>& all_warnings) {
  std::vector<model::Package> out;
  util::FileWarnings warnings(all_warnings, std::string(location));
  auto read_line = [&](Paragraph& p, std::string_view line, std::size_t line_no) {
    if (line.front() == ' ' || line.front() == '\t') {
      return false;  // continuation of a multi-line field (Description, Conffiles, ...)
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      warnings.add("{}: line {}: not a 'Field: value' line, ignored", location, line_no);
      return true;
    }
    set_field(p, util::to_lower(util::trim(line.substr(0, colon))),
              std::string(util::trim(line.substr(colon + 1))));
    return true;
  };
  bool full = false;
  auto on_paragraph = [&](const Paragraph& p) {
    if (out.size() >= k_max_packages_per_database) {
      if (!std::exchange(full, true)) {
        warnings.add("{}: more than {} packages: the rest are ignored", location,
                     k_max_packages_per_database);
      }
      return;
    }
    finish(p, location, os, out, warnings);
  };
  for_each_stanza_record<Paragraph>(content, read_line, on_paragraph);
  return out;
}

}  // namespace strata::detect
