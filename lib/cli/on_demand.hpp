#pragma once
// strata as a drop-in for the NeuVector scanner (`docker run ... neuvector/scanner`):
// - SCANNER_ON_DEMAND mode: `strata` with no arguments and SCANNER_ON_DEMAND=true takes the
//   job from the environment (SCANNER_REGISTRY, SCANNER_REPOSITORY, SCANNER_TAG, ...);
// - `strata -i REF [image options]`: NeuVector's image form;
// - `strata -n`: NeuVector's host form.
// The first two become `strata image --on-demand REF ...`, whose output (OnDemandOutput) is the
// NeuVector result file plus strata's own JSON in the result directory, and the table on stdout.
// Variables are parsed strictly: a boolean is true/false, 1/0, yes/no or on/off (any case;
// unset or empty = false), never "set means true" as NeuVector does.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/output.hpp"
#include "model/types.hpp"
#include "report/report.hpp"
#include "util/result.hpp"

namespace strata::cli {

// The arguments to parse (program name first): `argv` itself unless one of the forms above
// applies. Errors (usage category) name the variable or option at fault, and are also written to
// the result file.
util::Result<std::vector<std::string>> neuvector_args(int argc, char** argv);

// The output side of --on-demand. The result directory is SCANNER_RESULT_DIR, default
// /var/neuvector.
class OnDemandOutput {
 public:
  OnDemandOutput();
  const std::string& dir() const { return m_dir; }
  // Creates the result directory (before the scan, so that a finished scan is never lost to it).
  util::Status prepare() const;
  // A failed scan: scan_result.json gets {"error_message": ..., "report": null}, a
  // scan_result.strata.json left by an earlier run is removed; then the error on stderr.
  // Returns the error's exit code.
  int fail(const util::Error& error) const;
  // The result files of a failed scan, without printing.
  void write_error(std::string_view message) const;
  // scan_result.json (neuvector format), scan_result.strata.json (json), the report on stdout
  // (table unless --format), and -o FILE when given. Returns the exit code (--fail-on).
  int succeed(const model::ScanResult& result, const OutputOptions& options,
              const report::NeuVectorOptions& neuvector) const;

 private:
  std::string m_dir;
};

}  // namespace strata::cli
