#include "cli/main.hpp"

#include <CLI/CLI.hpp>

#include <exception>
#include <new>

#include "cli/commands.hpp"
#include "cli/neuvector_args.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

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
  } catch (const std::bad_alloc&) {
    // The budgets (--max-kept-mb, the transient-file budget, per-file caps) bound what a scan
    // holds; running out of memory under them is the machine's limit, not a bug.
    fmt::print(stderr,
               "strata: error: out of memory (raise the memory limit, or lower --parallel and "
               "--max-kept-mb)\n");
    return k_exit_input;
  } catch (const std::exception& e) {
    fmt::print(stderr, "strata: internal error: {}\n", util::printable(e.what(), 4096));
    return k_exit_internal;
  }
}

}  // namespace strata::cli
