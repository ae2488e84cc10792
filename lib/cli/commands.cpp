#include "cli/commands.hpp"

#include <CLI/CLI.hpp>

#include "util/log.hpp"
#include "util/strings.hpp"

namespace strata::cli {

void add_global_options(CLI::App& app, GlobalOptions& globals) {
  app.add_option("--log-level", globals.log_level,
                 "Log level: trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "warning", "error", "off"}))
      ->envname("STRATA_LOG_LEVEL")
      ->capture_default_str();
  app.add_option("--log-file", globals.log_file, "Write log lines to FILE instead of stderr");
  app.add_flag("-q,--quiet", globals.quiet, "Only print errors (no warnings, no progress)");
  app.set_version_flag("--version", std::string("strata ") + STRATA_VERSION);
}

void apply_global_options(const GlobalOptions& globals) {
  util::log::Level level = util::log::Level::warn;
  util::log::parse_level(globals.log_level, level);
  if (globals.quiet && level < util::log::Level::error) {
    level = util::log::Level::error;
  }
  util::log::set_level(level);
  if (!globals.log_file.empty()) {
    std::FILE* f = std::fopen(globals.log_file.c_str(), "ae");
    if (f != nullptr) {
      util::log::set_sink(f);  // kept open until exit
    }
  }
}

std::vector<Command> make_commands(CLI::App& app, const GlobalOptions& globals) {
  std::vector<Command> commands;
  commands.push_back(add_image_command(app, globals));
  commands.push_back(add_registry_command(app, globals));
  commands.push_back(add_merge_command(app, globals));
  commands.push_back(add_host_command(app, globals));
  commands.push_back(add_rootfs_command(app, globals));
  commands.push_back(add_db_command(app, globals));
  commands.push_back(add_cache_command(app, globals));
  commands.push_back(add_vercmp_command(app, globals));
  commands.push_back(add_version_command(app, globals));
  return commands;
}

int report_error(const util::Error& error) {
  fmt::print(stderr, "strata: error: {}\n", util::printable(error.message, 4096));
  switch (error.category) {
    case util::ErrorCategory::usage:
      return k_exit_usage;
    case util::ErrorCategory::input:
    case util::ErrorCategory::network:
      return k_exit_input;
    case util::ErrorCategory::internal:
      break;
  }
  return k_exit_internal;
}

int run_default(CLI::App& app, const GlobalOptions&) {
  fmt::print(stderr, "{}", app.help());
  return k_exit_usage;
}

}  // namespace strata::cli
