// `strata image`: flags into scan::TargetRequest and scan::Options (settings resolved by
// lib/config), the scan, the report. What the target is, scan::resolve_target decides.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <optional>

#include "cli/commands.hpp"
#include "cli/image_options.hpp"
#include "cli/on_demand.hpp"
#include "cli/options.hpp"
#include "cli/output.hpp"
#include "config/on_demand.hpp"
#include "config/settings.hpp"
#include "scan/scan.hpp"
#include "scan/target.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

namespace strata::cli {
namespace {

int run_image(const ImageOptions& o, const GlobalOptions& globals) {
  std::optional<OnDemandOutput> on_demand;
  if (o.on_demand) {
    on_demand.emplace(config::result_dir(globals.env));
    if (auto st = on_demand->prepare(); !st) {
      return report_error(st.error());
    }
  }
  auto fail = [&](const util::Error& e) {
    return on_demand ? on_demand->fail(e) : report_error(e);
  };
  auto opts_or = scan_options(o, globals.env);
  if (!opts_or) {
    return fail(opts_or.error());
  }
  scan::Options& opts = *opts_or;
  if (!globals.quiet && ::isatty(STDERR_FILENO)) {
    opts.progress = [](std::string_view step) {
      fmt::print(stderr, "\r\033[K{}", util::printable(step, 200));
    };
  }
  auto result = scan::scan_image(opts);
  if (opts.progress) {
    fmt::print(stderr, "\r\033[K");
  }
  if (!result) {
    return fail(result.error());
  }
  if (!globals.quiet) {
    for (const auto& w : result->warnings) {
      fmt::print(stderr, "strata: warning: {}\n", util::printable(w, 4096));
    }
  }
  report::NeuVectorOptions nv = scan::neuvector_target(opts, *result);
  if (on_demand) {
    return on_demand->succeed(*result, o.output, nv);
  }
  return write_scan_output(*result, o.output, nv);
}

}  // namespace

Command add_image_command(CLI::App& app, const GlobalOptions& globals) {
  auto opts = std::make_shared<ImageOptions>();
  auto* sub = app.add_subcommand("image", "Scan a container image for vulnerable packages");
  add_image_options(*sub, *opts);
  add_match_options(*sub, opts->match);
  add_registry_options(*sub, *opts);
  add_engine_options(*sub, *opts);
  add_cache_options(*sub, *opts);
  add_output_options(*sub, opts->output, globals.env);
  sub->add_flag("--on-demand", opts->on_demand)->group("");  // set by the NeuVector forms
  return {sub, [opts, &globals] { return run_image(*opts, globals); }};
}

}  // namespace strata::cli
