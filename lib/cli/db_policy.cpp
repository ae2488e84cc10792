#include "cli/db_policy.hpp"

#include <CLI/CLI.hpp>

#include "util/time.hpp"

namespace strata::cli {

void add_db_policy_options(CLI::App& sub, DbPolicyFlags& flags) {
  sub.add_option("--db-max-age", flags.max_age,
                 "Warn when the vulnerability database was built longer ago than this "
                 "(e.g. 72h, 7d, 1d12h)")
      ->envname("STRATA_DB_MAX_AGE");
  sub.add_flag("--fail-on-stale-db", flags.fail_on_stale,
               "Exit 3 instead of warning when the database is older than --db-max-age")
      ->envname("STRATA_FAIL_ON_STALE_DB");
  sub.add_flag("--fail-on-unsupported", flags.fail_on_unsupported,
               "Exit 3 when the database has no data for the detected OS")
      ->envname("STRATA_FAIL_ON_UNSUPPORTED");
}

util::Result<scan::DbPolicy> make_db_policy(const DbPolicyFlags& flags) {
  scan::DbPolicy policy;
  if (!flags.max_age.empty()) {
    policy.max_age_seconds = util::parse_duration(flags.max_age);
    if (!policy.max_age_seconds) {
      return util::make_error(util::ErrorCategory::usage,
                              "--db-max-age: '{}' is not a duration (like 90m, 72h, 7d, 1d12h)",
                              flags.max_age);
    }
  } else if (flags.fail_on_stale) {
    return util::make_error(util::ErrorCategory::usage, "--fail-on-stale-db needs --db-max-age");
  }
  policy.fail_on_stale = flags.fail_on_stale;
  policy.fail_on_unsupported = flags.fail_on_unsupported;
  return policy;
}

}  // namespace strata::cli
