#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "report/document.hpp"
#include "report/report.hpp"
#include "util/strings.hpp"

namespace strata::report {

namespace {

constexpr const char* k_reset = "\033[0m";

const char* severity_color(model::Severity s) {
  switch (s) {
    case model::Severity::critical:
      return "\033[1;31m";  // bold red
    case model::Severity::high:
      return "\033[31m";  // red
    case model::Severity::medium:
      return "\033[33m";  // yellow
    case model::Severity::low:
      return "\033[34m";  // blue
    case model::Severity::unknown:
      break;
  }
  return "";
}

// Display width of a cell: UTF-8 code points (no control characters expected).
// Every string from the image (package names, versions, paths, layer steps) is shown through
// this: escape sequences and newlines in them must not reach the terminal.
std::string cell(std::string_view s) {
  return util::printable(s, 256);
}

std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) {
      ++n;
    }
  }
  return n;
}

std::string os_text(const model::OsInfo& os) {
  if (os.empty()) {
    return "OS: unknown";
  }
  std::string text = os.version.empty() ? os.family : fmt::format("{} {}", os.family, os.version);
  return text;
}

std::string total_line(const SeverityCounts& c) {
  return fmt::format("Total: {} (CRITICAL: {}, HIGH: {}, MEDIUM: {}, LOW: {}, UNKNOWN: {})\n",
                     c.total, c.critical, c.high, c.medium, c.low, c.unknown);
}

// One section of the table: a title ("alpine 3.10.9 (apk)", "/app/package-lock.json (npm)")
// and its findings, in sorted_findings order.
struct Section {
  std::string title;
  std::vector<model::Finding> findings;
};

// The findings grouped by target: OS packages first, then one section per language file (by
// path). A finding belongs to a language file when its path is the location of a package of a
// library type; every other finding (no path, a package database) is an OS package's.
std::vector<Section> sections(const model::ScanResult& result) {
  std::map<std::string, std::set<std::string>> library_types;  // location -> types
  std::set<std::string> os_types;
  for (const auto& p : result.packages) {
    if (model::is_os_package_type(p.type)) {
      os_types.insert(p.type);
    } else if (!p.location.empty()) {
      library_types[p.location].insert(p.type);
    }
  }
  Section os;
  std::map<std::string, Section> files;
  for (auto& f : sorted_findings(result.findings)) {
    if (f.suppressed) {
      continue;  // accepted by a policy: in the JSON report only
    }
    auto it = f.path.empty() ? library_types.end() : library_types.find(f.path);
    if (it == library_types.end()) {
      os.findings.push_back(std::move(f));
      continue;
    }
    Section& s = files[f.path];
    if (s.title.empty()) {
      s.title = fmt::format("{} ({})", cell(f.path), cell(detail::join(it->second)));
    }
    s.findings.push_back(std::move(f));
  }
  std::vector<Section> out;
  if (!os.findings.empty()) {
    os.title = cell(detail::os_section_title(result.target.os, os_types));
    out.push_back(std::move(os));
  }
  for (auto& [path, s] : files) {
    out.push_back(std::move(s));
  }
  return out;
}

// The aligned columns PACKAGE, INSTALLED, FIXED, VULNERABILITY, SEVERITY of `findings`.
void write_rows(const std::vector<model::Finding>& findings, std::ostream& out, bool color) {
  constexpr std::size_t k_cols = 5;
  std::vector<std::array<std::string, k_cols>> rows;
  std::vector<model::Severity> severities;
  rows.push_back({"PACKAGE", "INSTALLED", "FIXED", "VULNERABILITY", "SEVERITY"});
  severities.push_back(model::Severity::unknown);
  for (const auto& f : findings) {
    rows.push_back({cell(f.package), cell(f.installed_version),
                    f.fixed_version.empty() ? "-" : cell(f.fixed_version), cell(f.id),
                    model::severity_name(f.severity)});
    severities.push_back(f.severity);
  }
  std::array<std::size_t, k_cols> widths{};
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < k_cols; ++i) {
      widths[i] = std::max(widths[i], width(row[i]));
    }
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t i = 0; i + 1 < k_cols; ++i) {
      line += rows[r][i];
      line.append(widths[i] - width(rows[r][i]) + 2, ' ');
    }
    const char* c = (color && r > 0) ? severity_color(severities[r]) : "";
    if (*c != '\0') {
      line += fmt::format("{}{}{}", c, rows[r][k_cols - 1], k_reset);
    } else {
      line += rows[r][k_cols - 1];
    }
    out << line << '\n';
  }
}

// Plain aligned columns (the first row is the header), two spaces apart.
template <std::size_t N>
void write_columns(const std::vector<std::array<std::string, N>>& rows, std::ostream& out) {
  std::array<std::size_t, N> widths{};
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < N; ++i) {
      widths[i] = std::max(widths[i], width(row[i]));
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < N; ++i) {
      line += row[i];
      if (i + 1 < N) {
        line.append(widths[i] - width(row[i]) + 2, ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    out << line << '\n';
  }
}

void write_title(const std::string& title, std::ostream& out) {
  out << '\n' << title << '\n' << std::string(width(title), '=') << '\n';
}

// The secrets and set-id files found (sections only when there are some), after the
// vulnerabilities.
void write_beyond_packages(const model::ScanResult& result, std::ostream& out) {
  if (!result.secrets.empty()) {
    write_title(fmt::format("Secrets: {}", result.secrets.size()), out);
    std::vector<std::array<std::string, 5>> rows{{"SEVERITY", "RULE", "FILE", "MATCH", "NOTE"}};
    for (const auto& x : result.secrets) {
      rows.push_back({x.severity, x.rule_id,
                      x.line > 0 ? fmt::format("{}:{}", cell(x.path), x.line) : cell(x.path),
                      cell(x.match),
                      x.deleted ? "deleted by a later layer: still in the image's blobs" : ""});
    }
    write_columns(rows, out);
  }
  if (!result.setid.empty()) {
    write_title(fmt::format("Set-id files: {}", result.setid.size()), out);
    std::vector<std::array<std::string, 4>> rows{{"FILE", "MODE", "KIND", "OWNER"}};
    for (const auto& f : result.setid) {
      rows.push_back(
          {cell(f.path), fmt::format("{:04o}", f.mode), model::setid_kind(f.mode), cell(f.owner)});
    }
    write_columns(rows, out);
  }
}

// The table of `result`; `hidden_base` findings of the base image were left out of it
// (--hide-base), which a line after the sections says.
void write_shown_table(const model::ScanResult& result, std::size_t hidden_base, std::ostream& out,
                       bool color) {
  const auto& t = result.target;
  out << fmt::format("{} ({}), {} package{}\n", t.name.empty() ? "(unnamed target)" : cell(t.name),
                     cell(os_text(t.os)), result.packages.size(),
                     result.packages.size() == 1 ? "" : "s");

  const std::size_t suppressed = count_suppressed(result);
  if (result.findings.size() == suppressed) {
    out << '\n';
    if (result.warnings.empty()) {
      out << "No vulnerabilities found\n";
    } else {
      out << fmt::format("No vulnerabilities found, but read the {} warning{} below\n",
                         result.warnings.size(), result.warnings.size() == 1 ? "" : "s");
    }
  }
  for (const auto& s : sections(result)) {
    out << '\n' << s.title << '\n' << std::string(width(s.title), '=') << '\n';
    out << total_line(count_by_severity(s.findings)) << '\n';
    write_rows(s.findings, out, color);
  }
  if (hidden_base > 0) {
    out << fmt::format("\n{} finding{} of the base image not shown (--hide-base)\n", hidden_base,
                       hidden_base == 1 ? "" : "s");
  }
  if (suppressed > 0) {
    out << fmt::format(
        "\n{} suppressed finding{} (ignore file, VEX) not shown: see the JSON report\n", suppressed,
        suppressed == 1 ? "" : "s");
  }
  write_beyond_packages(result, out);

  if (!result.warnings.empty()) {
    out << '\n';
    const char* on = color ? "\033[1;33m" : "";
    const char* off = color ? k_reset : "";
    out << fmt::format("{}WARNINGS ({}):{}\n", on, result.warnings.size(), off);
    for (const auto& w : result.warnings) {
      out << fmt::format("  {}!{} {}\n", on, off, util::printable(w, 4096));
    }
  }

  out << '\n' << total_line(count_by_severity(result));
}

}  // namespace

void write_table(const model::ScanResult& result, std::ostream& out, bool color, bool hide_base) {
  if (!hide_base) {
    write_shown_table(result, 0, out, color);
    return;
  }
  model::ScanResult shown = result;
  // A suppressed finding of the base is counted once, as suppressed.
  std::erase_if(shown.findings,
                [](const model::Finding& f) { return f.in_base_image == true && !f.suppressed; });
  write_shown_table(shown, result.findings.size() - shown.findings.size(), out, color);
}

void write_layer_table(const model::ScanResult& result, std::ostream& out) {
  out << "\nLAYERS (top first):\n";
  for (std::size_t i = result.layers.size(); i-- > 0;) {
    const auto& l = result.layers[i];
    std::size_t pkgs = 0;
    std::size_t vulns = 0;
    for (const auto& p : result.packages) {
      pkgs += p.layer == l.diff_id ? 1 : 0;
    }
    for (const auto& f : result.findings) {
      vulns += f.layer == l.diff_id && !f.suppressed ? 1 : 0;
    }
    const std::string& digest = l.digest.empty() ? l.diff_id : l.digest;
    std::string short_digest = cell(digest.substr(0, std::min<std::size_t>(digest.size(), 19)));
    std::string step = cell(l.created_by);
    if (width(step) > 60) {
      std::size_t cut = 57;
      while (cut > 0 && (static_cast<unsigned char>(step[cut]) & 0xC0) == 0x80) {
        --cut;  // not inside a UTF-8 sequence
      }
      step = step.substr(0, cut) + "...";
    }
    out << fmt::format("  {:>2}  {}  {:>4} package{}  {:>4} vulnerabilit{}  {}  {}\n", i + 1,
                       short_digest, pkgs, pkgs == 1 ? " " : "s", vulns, vulns == 1 ? "y  " : "ies",
                       l.from_cache ? "cached" : "read  ", step);
  }
}

}  // namespace strata::report
