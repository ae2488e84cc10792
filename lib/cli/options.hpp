#pragma once
// Flags shared by the scanning subcommands (`strata image`, `host`, `rootfs`), registered once:
// the database directory, --packages-only, --ignore-unfixed, --pkg-types and the database policy.

#include <string>

#include "cli/db_policy.hpp"
#include "config/environment.hpp"
#include "config/settings.hpp"
#include "scan/package_types.hpp"
#include "util/result.hpp"

namespace CLI {
class App;
}

namespace strata::cli {

struct MatchFlags {
  std::string db_dir;
  bool packages_only = false;
  bool ignore_unfixed = false;
  std::string pkg_types = "os,library";
  DbPolicyFlags db_policy;
};

// --db-dir, --packages-only, --ignore-unfixed, --pkg-types (and their STRATA_ variables), then
// the database policy flags (add_db_policy_options).
void add_match_options(CLI::App& sub, MatchFlags& flags);

// Sets db_dir (config::db_dir), packages_only, ignore_unfixed, pkg_types and db_policy of
// scan::Options or scan::RootfsOptions. Errors (usage): those of scan::parse_package_types and
// make_db_policy.
template <typename ScanOptions>
util::Status apply_match_flags(const MatchFlags& flags, const config::Environment& env,
                               ScanOptions& opts) {
  opts.db_dir = config::logged_value("database directory", config::db_dir(flags.db_dir, env));
  opts.packages_only = flags.packages_only;
  opts.ignore_unfixed = flags.ignore_unfixed;
  TRY_ASSIGN(opts.pkg_types, scan::parse_package_types(flags.pkg_types));
  TRY_ASSIGN(opts.db_policy, make_db_policy(flags.db_policy));
  return {};
}

}  // namespace strata::cli
