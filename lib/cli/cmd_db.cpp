#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace strata::cli {

// Placeholder until the db command lands (being written in parallel).
Command add_db_command(CLI::App& app, const GlobalOptions&) {
  auto* sub = app.add_subcommand("db", "(not yet available)");
  return {sub, [] { return report_error(util::Error{util::ErrorCategory::internal, "db: not yet implemented"}); }};
}

}  // namespace strata::cli
