#pragma once
// Flags shared by the scanning subcommands (`strata image`, `host`, `rootfs`), registered once:
// the database directory, --packages-only, --ignore-unfixed, --pkg-types, the database policy and
// the findings policy (--severity, --only-fixed, --ignore-file, --vex).

#include <string>
#include <string_view>
#include <vector>

#include "cli/db_policy.hpp"
#include "config/environment.hpp"
#include "config/settings.hpp"
#include "policy/policy.hpp"
#include "scan/package_types.hpp"
#include "scan/secret_hooks.hpp"
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
  std::string scanners = "vuln,secret";  // --scanners
  std::string secret_config;             // --secret-config FILE
  DbPolicyFlags db_policy;
  std::string severity;          // --severity LIST ("" = every severity)
  bool only_fixed = false;       // --only-fixed: the same as --ignore-unfixed
  std::string ignore_file;       // --ignore-file PATH ("" = ./.strataignore when present)
  std::vector<std::string> vex;  // --vex PATH, repeatable
};

// The findings policy of --severity, --ignore-file (else ./.strataignore when it is a regular
// file) and --vex, with `today` the date of SOURCE_DATE_EPOCH when set, else of the clock.
// Errors: (usage) a bad --severity; (input) an ignore or VEX file that is missing, unreadable or
// malformed: one line naming the file and the problem.
util::Result<policy::Policy> make_policy(const MatchFlags& flags, const config::Environment& env);

// What --scanners selects: "vuln" (packages matched against the database) and "secret".
struct Scanners {
  bool vuln = true;
  bool secret = true;
};
// Parses "vuln,secret" (either or both, comma-separated). Errors (usage) name an unknown word or
// an empty list.
util::Result<Scanners> parse_scanners(std::string_view text);

// The secret scanner of --secret-config (built-in rules, then the file's), as the scan calls it.
// Errors (input): the rule file cannot be read or is invalid (one line naming it and the rule).
// The rule set's warnings are logged.
util::Result<scan::SecretHooks> make_secret_hooks(const std::string& config_path);

// --db-dir, --packages-only, --ignore-unfixed, --pkg-types, --scanners, --secret-config,
// --severity, --only-fixed, --ignore-file, --vex (and their STRATA_ variables), then the database
// policy flags (add_db_policy_options).
void add_match_options(CLI::App& sub, MatchFlags& flags);

// Sets db_dir (config::db_dir), packages_only, ignore_unfixed (--ignore-unfixed or --only-fixed),
// pkg_types, db_policy, policy and secrets of scan::Options or scan::RootfsOptions (--scanners
// without vuln sets packages_only). The policy files are read here, before any image. Errors
// (usage): those of scan::parse_package_types, make_db_policy, parse_scanners and make_policy;
// (input) those of make_policy and make_secret_hooks.
template <typename ScanOptions>
util::Status apply_match_flags(const MatchFlags& flags, const config::Environment& env,
                               ScanOptions& opts) {
  opts.db_dir = config::logged_value("database directory", config::db_dir(flags.db_dir, env));
  opts.packages_only = flags.packages_only;
  opts.ignore_unfixed = flags.ignore_unfixed || flags.only_fixed;
  TRY_ASSIGN(opts.pkg_types, scan::parse_package_types(flags.pkg_types));
  TRY_ASSIGN(opts.db_policy, make_db_policy(flags.db_policy));
  TRY_ASSIGN(Scanners scanners, parse_scanners(flags.scanners));
  TRY_ASSIGN(opts.policy, make_policy(flags, env));
  if (!scanners.vuln) {
    opts.packages_only = true;  // --scanners secret: no matching, no database needed
  }
  if (scanners.secret) {
    TRY_ASSIGN(opts.secrets, make_secret_hooks(flags.secret_config));
  } else if (!flags.secret_config.empty()) {
    return util::make_error(util::ErrorCategory::usage,
                            "--secret-config needs the secret scanner (--scanners secret)");
  }
  return {};
}

}  // namespace strata::cli
