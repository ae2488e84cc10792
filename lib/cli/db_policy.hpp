#pragma once
// Database flags shared by the scanning subcommands: --db-max-age, --fail-on-stale-db,
// --fail-on-unsupported. The checks themselves live in scan (scan::DbPolicy).

#include <string>

#include "scan/scan.hpp"
#include "util/result.hpp"

namespace CLI {
class App;
}

namespace strata::cli {

struct DbPolicyFlags {
  std::string max_age;  // a duration ("72h", "7d"); empty = no maximum
  bool fail_on_stale = false;
  bool fail_on_unsupported = false;
};

void add_db_policy_options(CLI::App& sub, DbPolicyFlags& flags);

// Usage error for a --db-max-age that is not a duration, or --fail-on-stale-db without it.
util::Result<scan::DbPolicy> make_db_policy(const DbPolicyFlags& flags);

}  // namespace strata::cli
