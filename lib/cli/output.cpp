#include "cli/output.hpp"

#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <set>
#include <sstream>

#include "cli/commands.hpp"
#include "config/settings.hpp"
#include "util/file.hpp"

namespace strata::cli {

namespace {

bool known_format(std::string_view name) {
  return std::find(std::begin(k_formats), std::end(k_formats), name) != std::end(k_formats);
}

std::string format_list() {
  std::string out;
  for (auto f : k_formats) {
    out += out.empty() ? std::string(f) : ", " + std::string(f);
  }
  return out;
}

}  // namespace

util::Result<FormatArgs> parse_format_args(const std::vector<std::string>& args) {
  FormatArgs parsed;
  std::set<std::string> paths;
  for (const auto& a : args) {
    auto eq = a.find('=');
    std::string name = a.substr(0, eq);
    if (!known_format(name)) {
      return util::make_error(util::ErrorCategory::usage, "--format {}: unknown format (use {})", a,
                              format_list());
    }
    if (eq == std::string::npos) {
      if (!parsed.format.empty() && parsed.format != name) {
        return util::make_error(util::ErrorCategory::usage,
                                "--format {} and --format {}: one format for the standard "
                                "output (or -o); write more with --format FMT=PATH",
                                parsed.format, name);
      }
      parsed.format = name;
      continue;
    }
    std::string path = a.substr(eq + 1);
    if (path.empty()) {
      return util::make_error(util::ErrorCategory::usage, "--format {}: no file name after '='", a);
    }
    if (!paths.insert(path).second) {
      return util::make_error(util::ErrorCategory::usage, "--format: two reports to {}", path);
    }
    parsed.files.push_back(ReportFile{name, path});
  }
  return parsed;
}

void add_output_options(CLI::App& sub, OutputOptions& options, const config::Environment& env) {
  options.source_date_epoch = config::source_date_epoch(env);
  sub.add_option_function<std::vector<std::string>>(
         "-f,--format",
         [&options](const std::vector<std::string>& args) {
           auto parsed = parse_format_args(args);
           if (!parsed) {
             throw CLI::ValidationError(parsed.error().message);
           }
           options.format = parsed->format;
           options.files = parsed->files;
         },
         "Report format: table (default on a terminal), json (default otherwise), sarif, "
         "cyclonedx, spdx, junit or neuvector (the NeuVector scanner's scan_result.json "
         "envelope). FMT=PATH writes that report to PATH; repeat for several reports of one "
         "scan")
      ->type_name("FMT[=PATH]")
      ->allow_extra_args(false)
      ->envname("STRATA_FORMAT");
  sub.add_option("-o,--output", options.output, "Write the report to FILE instead of stdout")
      ->envname("STRATA_OUTPUT");
  sub.add_option("--fail-on", options.fail_on,
                 "Exit with code 1 when a finding has this severity or higher: "
                 "critical, high, medium, low, unknown")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "unknown", "CRITICAL", "HIGH",
                             "MEDIUM", "LOW", "UNKNOWN"}))
      ->envname("STRATA_FAIL_ON");
  sub.add_option("--fail-on-secret", options.fail_on_secret,
                 "Exit with code 1 when a secret of this severity or higher is found: "
                 "critical, high, medium, low")
      ->check(
          CLI::IsMember({"critical", "high", "medium", "low", "CRITICAL", "HIGH", "MEDIUM", "LOW"}))
      ->envname("STRATA_FAIL_ON_SECRET");
  sub.add_flag("--scan-layers", options.scan_layers,
               "Add per-layer results: the packages and vulnerabilities each layer introduced")
      ->envname("STRATA_SCAN_LAYERS");
  sub.add_flag("--cap-critical", options.cap_critical,
               "Keep the Critical severity in the neuvector format (NeuVector reports it as "
               "High unless CAP_CRITICAL is set)")
      ->envname("STRATA_CAP_CRITICAL");
}

report::DocumentInfo document_info(const OutputOptions& options) {
  report::DocumentInfo doc;
  doc.tool_version = STRATA_VERSION;
  doc.timestamp =
      options.source_date_epoch.value_or(std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
  return doc;
}

util::Status write_report(const model::ScanResult& result, const OutputOptions& options,
                          const std::string& format, const std::string& output,
                          const report::NeuVectorOptions& neuvector,
                          const report::DocumentInfo& doc) {
  bool to_terminal = output.empty() && ::isatty(STDOUT_FILENO);
  std::string chosen = format.empty() ? (to_terminal ? "table" : "json") : format;
  std::ostringstream out;
  if (chosen == "table") {
    report::write_table(result, out, to_terminal, options.hide_base);
    if (options.scan_layers) {
      report::write_layer_table(result, out);
    }
  } else if (chosen == "neuvector") {
    report::NeuVectorOptions nv = neuvector;
    nv.cap_critical = options.cap_critical;
    nv.scan_layers = options.scan_layers;
    report::write_neuvector(result, nv, out);
  } else if (chosen == "sarif") {
    report::write_sarif(result, doc, out);
  } else if (chosen == "cyclonedx") {
    report::write_cyclonedx(result, doc, out);
  } else if (chosen == "spdx") {
    report::write_spdx(result, doc, out);
  } else if (chosen == "junit") {
    std::optional<model::Severity> fail_on;
    if (!options.fail_on.empty()) {
      fail_on = model::parse_severity(options.fail_on);
    }
    report::write_junit(result, doc, fail_on, out);
  } else {
    report::write_json(result, out, options.scan_layers);
  }
  if (output.empty()) {
    std::cout << out.str() << std::flush;
    return {};
  }
  return util::write_file_atomic(output, out.str());
}

util::Status write_report_files(const model::ScanResult& result, const OutputOptions& options,
                                const report::NeuVectorOptions& neuvector,
                                const report::DocumentInfo& doc) {
  util::Status first;
  for (const auto& f : options.files) {
    if (auto st = write_report(result, options, f.format, f.path, neuvector, doc); !st && first) {
      first = st;
    }
  }
  return first;
}

int findings_exit_code(const model::ScanResult& result, const OutputOptions& options) {
  if (!options.fail_on.empty()) {
    auto threshold = model::parse_severity(options.fail_on);
    if (threshold && report::has_findings_at_or_above(result, *threshold)) {
      return k_exit_findings;
    }
  }
  if (!options.fail_on_secret.empty()) {
    auto threshold = model::parse_severity(options.fail_on_secret);
    for (const auto& s : result.secrets) {
      auto severity = model::parse_severity(s.severity);
      if (threshold && severity && *severity >= *threshold) {
        return k_exit_findings;
      }
    }
  }
  return k_exit_ok;
}

int write_scan_output(const model::ScanResult& result, const OutputOptions& options,
                      const report::NeuVectorOptions& neuvector) {
  const report::DocumentInfo doc = document_info(options);
  util::Status status = write_report_files(result, options, neuvector, doc);
  if (!options.format.empty() || !options.output.empty() || options.files.empty()) {
    if (auto st = write_report(result, options, options.format, options.output, neuvector, doc);
        !st && status) {
      status = st;
    }
  }
  if (!status) {
    return report_error(status.error());
  }
  return findings_exit_code(result, options);
}

}  // namespace strata::cli
