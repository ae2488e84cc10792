#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace strata::cli {

Command add_version_command(CLI::App& app, const GlobalOptions&) {
  auto* sub = app.add_subcommand("version", "Print the strata version");
  return {sub, [] {
            fmt::print("strata {}\n", STRATA_VERSION);
            return k_exit_ok;
          }};
}

}  // namespace strata::cli
