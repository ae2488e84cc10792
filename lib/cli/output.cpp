#include "cli/output.hpp"

#include <unistd.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "util/file.hpp"

namespace strata::cli {

void add_output_options(CLI::App& sub, OutputOptions& options) {
  sub.add_option("-f,--format", options.format,
                 "Report format: table (default on a terminal), json (default otherwise), or "
                 "neuvector (the NeuVector scanner's scan_result.json envelope)")
      ->check(CLI::IsMember({"table", "json", "neuvector"}))
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

util::Status write_report(const model::ScanResult& result, const OutputOptions& options,
                          const std::string& format, const std::string& output,
                          const report::NeuVectorOptions& neuvector) {
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
  } else {
    report::write_json(result, out, options.scan_layers);
  }
  if (output.empty()) {
    std::cout << out.str() << std::flush;
    return {};
  }
  return util::write_file_atomic(output, out.str());
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
  if (auto st = write_report(result, options, options.format, options.output, neuvector); !st) {
    return report_error(st.error());
  }
  return findings_exit_code(result, options);
}

}  // namespace strata::cli
