#pragma once
// The command-line entry point: parses arguments (CLI11), runs a subcommand, maps errors to the
// documented exit codes (0 ok, 1 findings at/above --fail-on, 2 usage, 3 input/scan, 4 internal).

namespace strata::cli {

int run(int argc, char** argv);

}  // namespace strata::cli
