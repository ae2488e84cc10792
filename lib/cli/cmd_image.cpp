#include <CLI/CLI.hpp>
#include <unistd.h>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "scan/scan.hpp"
#include "vulndb/database.hpp"

namespace strata::cli {
namespace {

struct ImageOptions {
  std::string input;
  std::string reference;
  OutputOptions output;
  std::string tag;
  std::string platform = "linux/amd64";
  std::string db_dir;
  bool packages_only = false;
  bool ignore_unfixed = false;
};

int run_image(const ImageOptions& o, const GlobalOptions& globals) {
  scan::Options opts;
  if (!o.input.empty() && !o.reference.empty()) {
    return report_error({util::ErrorCategory::usage, "give either --input PATH or an image reference, not both"});
  }
  opts.input_path = !o.input.empty() ? o.input : o.reference;
  if (opts.input_path.empty()) {
    return report_error({util::ErrorCategory::usage, "no image given: use --input PATH (see strata image --help)"});
  }
  if (o.input.empty() && ::access(opts.input_path.c_str(), F_OK) != 0) {
    return report_error(util::input_error(
        "{}: no such file or directory (registry and engine references are not supported yet; "
        "give an image archive or OCI layout with --input PATH)",
        opts.input_path));
  }
  opts.tag = o.tag;
  opts.platform = o.platform;
  opts.db_dir = o.db_dir.empty() ? vulndb::default_db_dir() : o.db_dir;
  opts.packages_only = o.packages_only;
  opts.ignore_unfixed = o.ignore_unfixed;
  if (!globals.quiet && ::isatty(STDERR_FILENO)) {
    opts.progress = [](std::string_view step) { fmt::print(stderr, "\r\033[K{}", step); };
  }
  auto result = scan::scan_image(opts);
  if (opts.progress) {
    fmt::print(stderr, "\r\033[K");
  }
  if (!result) {
    return report_error(result.error());
  }
  if (!globals.quiet) {
    for (const auto& w : result->warnings) {
      fmt::print(stderr, "strata: warning: {}\n", w);
    }
  }
  return write_scan_output(*result, o.output);
}

}  // namespace

Command add_image_command(CLI::App& app, const GlobalOptions& globals) {
  auto opts = std::make_shared<ImageOptions>();
  auto* sub = app.add_subcommand("image", "Scan a container image for vulnerable packages");
  sub->add_option("--input", opts->input,
                  "Image on disk: docker save tarball, OCI layout directory or OCI archive "
                  "(optionally gzip-compressed); the format is detected from content");
  sub->add_option("reference", opts->reference, "Image to scan (a path, like --input)");
  sub->add_option("--tag", opts->tag, "Image to pick in a multi-image archive or layout");
  sub->add_option("--platform", opts->platform,
                  "Platform to pick in an image index: os/arch[/variant]")
      ->capture_default_str();
  sub->add_option("--db-dir", opts->db_dir,
                  "Vulnerability database directory (default: $XDG_CACHE_HOME/strata/db)")
      ->envname("STRATA_DB_DIR");
  sub->add_flag("--packages-only", opts->packages_only,
                "List packages without matching vulnerabilities (no database needed)");
  sub->add_flag("--ignore-unfixed", opts->ignore_unfixed,
                "Do not report vulnerabilities that have no fixed version yet");
  add_output_options(*sub, opts->output);
  return {sub, [opts, &globals] { return run_image(*opts, globals); }};
}

}  // namespace strata::cli
