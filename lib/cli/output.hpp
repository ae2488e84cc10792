#pragma once
// Report output options shared by the scanning subcommands: format, destination, --fail-on.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/environment.hpp"
#include "model/types.hpp"
#include "report/report.hpp"
#include "util/result.hpp"

namespace CLI {
class App;
}

namespace strata::cli {

// The report formats --format takes.
inline constexpr std::string_view k_formats[] = {"table", "json",  "sarif",    "cyclonedx",
                                                 "spdx",  "junit", "neuvector"};

// One --format FMT=PATH: a report written to a file of its own.
struct ReportFile {
  std::string format;
  std::string path;
  bool operator==(const ReportFile&) const = default;
};

// Splits --format arguments (in the order given): a bare FMT is the format of the standard
// output (or -o), FMT=PATH a report file. Usage errors: an unknown format, an empty PATH, two
// different bare formats, two reports to one path.
struct FormatArgs {
  std::string format;  // the bare format, "" when none
  std::vector<ReportFile> files;
};
util::Result<FormatArgs> parse_format_args(const std::vector<std::string>& args);

struct OutputOptions {
  std::string format;  // bare --format: one of k_formats; empty = table on a terminal, else json
  std::vector<ReportFile> files;  // --format FMT=PATH, in the order given
  std::string output;             // file path; empty = stdout
  std::string fail_on;            // severity name; empty = never fail on findings
  std::string fail_on_secret;     // severity name; empty = never fail on secrets
  bool scan_layers = false;       // per-layer results in every format
  bool cap_critical = false;      // keep "Critical" in the neuvector format
  bool hide_base = false;         // --hide-base: the table leaves out findings in_base_image
  // The time stamp of the document formats: SOURCE_DATE_EPOCH (config::source_date_epoch) when
  // set, else the time the reports are written.
  std::optional<std::int64_t> source_date_epoch;
};

// Binds the output flags; `env` gives SOURCE_DATE_EPOCH. --format with an unknown format, or
// the FormatArgs errors, fail the parse (a usage error, exit 2).
void add_output_options(CLI::App& sub, OutputOptions& options, const config::Environment& env);

// The DocumentInfo of reports written now: SOURCE_DATE_EPOCH or the current time.
report::DocumentInfo document_info(const OutputOptions& options);

// Writes the report (to stdout, or atomically to the output file) in `format` (empty = the
// default for the destination). `neuvector` names the target for the neuvector format; `doc`
// stamps the document formats. Returns an error only when the output file cannot be written.
util::Status write_report(const model::ScanResult& result, const OutputOptions& options,
                          const std::string& format, const std::string& output,
                          const report::NeuVectorOptions& neuvector,
                          const report::DocumentInfo& doc);

// Writes every --format FMT=PATH report; all are attempted, the first error is returned.
util::Status write_report_files(const model::ScanResult& result, const OutputOptions& options,
                                const report::NeuVectorOptions& neuvector,
                                const report::DocumentInfo& doc);

// The exit code for a written report: 1 when a finding is at or above --fail-on, or a secret at
// or above --fail-on-secret (deleted ones too: they are in the image's blobs), else 0.
int findings_exit_code(const model::ScanResult& result, const OutputOptions& options);

// Writes the report files, then the report of the bare --format to -o or stdout (unless only
// FMT=PATH forms were given and no -o), then returns findings_exit_code (3 when a report could
// not be written: the others are written all the same).
int write_scan_output(const model::ScanResult& result, const OutputOptions& options,
                      const report::NeuVectorOptions& neuvector);

}  // namespace strata::cli
