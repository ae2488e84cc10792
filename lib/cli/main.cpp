#include "cli/main.hpp"

#include <CLI/CLI.hpp>

#include <exception>

#include "cli/commands.hpp"
#include "cli/neuvector_args.hpp"
#include "util/log.hpp"

namespace strata::cli {

int run(int argc, char** argv) {
  CLI::App app{"strata: container image vulnerability scanner", "strata"};
  app.require_subcommand(0, 1);
  GlobalOptions globals;
  globals.env = config::Environment::from_process();
  add_global_options(app, globals);
  std::vector<Command> commands = make_commands(app, globals);
  auto args = neuvector_args(argc, argv, globals.env);
  if (!args) {
    return report_error(args.error());
  }
  try {
    std::vector<std::string> reversed(args->rbegin(), args->rend() - 1);
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : k_exit_usage;
  }
  try {
    apply_global_options(globals);
    for (auto& c : commands) {
      if (c.app->parsed()) {
        return c.run();
      }
    }
    return run_default(app, globals);
  } catch (const std::exception& e) {
    fmt::print(stderr, "strata: internal error: {}\n", e.what());
    return k_exit_internal;
  }
}

}  // namespace strata::cli
