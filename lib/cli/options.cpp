#include "cli/options.hpp"

#include <CLI/CLI.hpp>

namespace strata::cli {

void add_match_options(CLI::App& sub, MatchFlags& flags) {
  sub.add_option("--db-dir", flags.db_dir,
                 "Vulnerability database directory (default: $XDG_CACHE_HOME/strata/db)")
      ->envname("STRATA_DB_DIR");
  sub.add_flag("--packages-only", flags.packages_only,
               "List packages without matching vulnerabilities (no database needed)")
      ->envname("STRATA_PACKAGES_ONLY");
  sub.add_flag("--ignore-unfixed", flags.ignore_unfixed,
               "Do not report vulnerabilities that have no fixed version yet")
      ->envname("STRATA_IGNORE_UNFIXED");
  sub.add_option("--pkg-types", flags.pkg_types,
                 "Package types to report, comma-separated: os (dpkg, apk, rpm), library "
                 "(language packages); the others are neither matched nor listed")
      ->capture_default_str()
      ->envname("STRATA_PKG_TYPES");
  add_db_policy_options(sub, flags.db_policy);
}

}  // namespace strata::cli
