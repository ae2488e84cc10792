#pragma once
// The output side of `strata image|host --on-demand` (NeuVector's forms, cli/neuvector_args.hpp):
// the NeuVector result file plus strata's own JSON in the result directory, and the report on
// stdout.

#include <string>
#include <string_view>

#include "cli/output.hpp"
#include "model/types.hpp"
#include "report/report.hpp"
#include "util/result.hpp"

namespace strata::cli {

// The result directory is config::result_dir (SCANNER_RESULT_DIR, default /var/neuvector).
class OnDemandOutput {
 public:
  explicit OnDemandOutput(std::string dir);
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
