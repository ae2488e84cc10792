#pragma once
// Report output options shared by the scanning subcommands: format, destination, --fail-on.

#include <string>

#include "model/types.hpp"

namespace CLI {
class App;
}

namespace strata::cli {

struct OutputOptions {
  std::string format;   // "table" or "json"; empty = table on a terminal, json elsewhere
  std::string output;   // file path; empty = stdout
  std::string fail_on;  // severity name; empty = never fail on findings
};

void add_output_options(CLI::App& sub, OutputOptions& options);

// Writes the report (to stdout, or atomically to the output file) and returns the exit code:
// 1 when a finding is at or above --fail-on, else 0; 3 when the output file cannot be written.
int write_scan_output(const model::ScanResult& result, const OutputOptions& options);

}  // namespace strata::cli
