#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "util/decode.hpp"

namespace strata::cli {

Command add_version_command(CLI::App& app, const GlobalOptions&) {
  auto* sub = app.add_subcommand("version", "Print the strata version");
  return {sub, [] {
            fmt::print("strata {}\n", STRATA_VERSION);
            // Which gzip decoder this build has (ISA-L, or zlib where the platform lacks it).
            fmt::print("gzip decoder: {}\n", util::gzip_decoder_name(util::GzipDecoder::automatic));
            return k_exit_ok;
          }};
}

}  // namespace strata::cli
