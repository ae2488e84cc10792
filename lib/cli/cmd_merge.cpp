// `strata merge DIR... [--csv FILE]`: the shard summaries of sweeps added up (fleet/merge.hpp).
#include <CLI/CLI.hpp>

#include <sstream>

#include "cli/commands.hpp"
#include "fleet/merge.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

namespace strata::cli {
namespace {

struct MergeOptions {
  std::vector<std::string> dirs;
  std::string csv;
};

int run_merge(const MergeOptions& o) {
  std::ostringstream csv;
  fleet::MergeResult result = fleet::merge(o.dirs, o.csv.empty() ? nullptr : &csv);
  for (const auto& e : result.errors) {
    fmt::print(stderr, "strata: error: {}\n", util::printable(e, 4096));
  }
  fmt::print("{}", fleet::to_json(result.totals));
  std::fflush(stdout);
  if (!o.csv.empty()) {
    if (auto st = util::write_file_atomic(o.csv, csv.str()); !st) {
      return report_error(st.error());
    }
  }
  return result.errors.empty() ? k_exit_ok : k_exit_input;
}

}  // namespace

Command add_merge_command(CLI::App& app, const GlobalOptions&) {
  auto o = std::make_shared<MergeOptions>();
  auto* sub = app.add_subcommand(
      "merge", "Add up the shard summaries of `strata registry` output directories");
  sub->add_option("dirs", o->dirs, "Output directories of `strata registry --output-dir`")
      ->required();
  sub->add_option("--csv", o->csv,
                  "Also write every finding of the reports as CSV to FILE (header row first)");
  return {sub, [o] { return run_merge(*o); }};
}

}  // namespace strata::cli
