#pragma once
// Subcommands: one file each (cmd_<name>.cpp), each binding its flags into an options struct and
// calling a plain function of the library. Only `cli` sees CLI11.

#include <functional>
#include <string>
#include <vector>

#include "config/environment.hpp"
#include "util/result.hpp"

namespace CLI {
class App;
}

namespace strata::cli {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_findings = 1;
inline constexpr int k_exit_usage = 2;
inline constexpr int k_exit_input = 3;
inline constexpr int k_exit_internal = 4;

struct GlobalOptions {
  std::string log_level = "warn";
  std::string log_file;
  bool quiet = false;
  // The environment, read once at start (config::Environment::from_process); subcommands resolve
  // their settings from it through lib/config.
  config::Environment env;
};

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

void add_global_options(CLI::App& app, GlobalOptions& globals);
// Sets the log level and sink; throws CLI::ValidationError-free: invalid values were rejected
// by the parser already.
void apply_global_options(const GlobalOptions& globals);
std::vector<Command> make_commands(CLI::App& app, const GlobalOptions& globals);
// What `strata` with no subcommand does (SCANNER_ON_DEMAND mode, NeuVector's -i/-n forms, or
// help).
int run_default(CLI::App& app, const GlobalOptions& globals);

// Prints "strata: error: <message>" on stderr and returns the exit code for its category.
int report_error(const util::Error& error);

Command add_version_command(CLI::App& app, const GlobalOptions& globals);
Command add_vercmp_command(CLI::App& app, const GlobalOptions& globals);
Command add_db_command(CLI::App& app, const GlobalOptions& globals);
Command add_image_command(CLI::App& app, const GlobalOptions& globals);
Command add_host_command(CLI::App& app, const GlobalOptions& globals);
Command add_rootfs_command(CLI::App& app, const GlobalOptions& globals);
Command add_cache_command(CLI::App& app, const GlobalOptions& globals);
Command add_registry_command(CLI::App& app, const GlobalOptions& globals);
Command add_merge_command(CLI::App& app, const GlobalOptions& globals);

}  // namespace strata::cli
