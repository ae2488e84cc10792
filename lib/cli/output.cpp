#include "cli/output.hpp"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "report/report.hpp"
#include "util/file.hpp"

namespace strata::cli {

void add_output_options(CLI::App& sub, OutputOptions& options) {
  sub.add_option("-f,--format", options.format,
                 "Report format: table (default on a terminal) or json (default otherwise)")
      ->check(CLI::IsMember({"table", "json"}));
  sub.add_option("-o,--output", options.output, "Write the report to FILE instead of stdout");
  sub.add_option("--fail-on", options.fail_on,
                 "Exit with code 1 when a finding has this severity or higher: "
                 "critical, high, medium, low, unknown")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "unknown", "CRITICAL", "HIGH",
                             "MEDIUM", "LOW", "UNKNOWN"}))
      ->envname("STRATA_FAIL_ON");
}

int write_scan_output(const model::ScanResult& result, const OutputOptions& options) {
  bool to_terminal = options.output.empty() && ::isatty(STDOUT_FILENO);
  std::string format = options.format.empty() ? (to_terminal ? "table" : "json") : options.format;
  std::ostringstream out;
  if (format == "table") {
    report::write_table(result, out, to_terminal);
  } else {
    report::write_json(result, out);
  }
  if (options.output.empty()) {
    std::cout << out.str() << std::flush;
  } else if (auto st = util::write_file_atomic(options.output, out.str()); !st) {
    return report_error(st.error());
  }
  if (!options.fail_on.empty()) {
    auto threshold = model::parse_severity(options.fail_on);
    if (threshold && report::has_findings_at_or_above(result, *threshold)) {
      return k_exit_findings;
    }
  }
  return k_exit_ok;
}

}  // namespace strata::cli
