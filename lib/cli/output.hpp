#pragma once
// Report output options shared by the scanning subcommands: format, destination, --fail-on.

#include <string>

#include "model/types.hpp"
#include "report/report.hpp"
#include "util/result.hpp"

namespace CLI {
class App;
}

namespace strata::cli {

struct OutputOptions {
  std::string format;   // "table", "json" or "neuvector"; empty = table on a terminal, else json
  std::string output;   // file path; empty = stdout
  std::string fail_on;  // severity name; empty = never fail on findings
  std::string fail_on_secret;  // severity name; empty = never fail on secrets
  bool scan_layers = false;    // per-layer results in every format
  bool cap_critical = false;   // keep "Critical" in the neuvector format
  bool hide_base = false;      // --hide-base: the table leaves out findings in_base_image
};

void add_output_options(CLI::App& sub, OutputOptions& options);

// Writes the report (to stdout, or atomically to the output file) in `format` (empty = the
// default for the destination). `neuvector` names the target for the neuvector format.
// Returns an error only when the output file cannot be written.
util::Status write_report(const model::ScanResult& result, const OutputOptions& options,
                          const std::string& format, const std::string& output,
                          const report::NeuVectorOptions& neuvector);

// The exit code for a written report: 1 when a finding is at or above --fail-on, or a secret at
// or above --fail-on-secret (deleted ones too: they are in the image's blobs), else 0.
int findings_exit_code(const model::ScanResult& result, const OutputOptions& options);

// write_report to the options' destination, then findings_exit_code (3 when the output file
// cannot be written).
int write_scan_output(const model::ScanResult& result, const OutputOptions& options,
                      const report::NeuVectorOptions& neuvector);

}  // namespace strata::cli
