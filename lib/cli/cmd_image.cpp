#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace strata::cli {

// Placeholder until the image command lands (being written in parallel).
Command add_image_command(CLI::App& app, const GlobalOptions&) {
  auto* sub = app.add_subcommand("image", "(not yet available)");
  return {sub, [] { return report_error(util::Error{util::ErrorCategory::internal, "image: not yet implemented"}); }};
}

}  // namespace strata::cli
