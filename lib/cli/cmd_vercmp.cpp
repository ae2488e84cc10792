#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace strata::cli {

// Placeholder until the vercmp command lands (being written in parallel).
Command add_vercmp_command(CLI::App& app, const GlobalOptions&) {
  auto* sub = app.add_subcommand("vercmp", "(not yet available)");
  return {sub, [] { return report_error(util::Error{util::ErrorCategory::internal, "vercmp: not yet implemented"}); }};
}

}  // namespace strata::cli
