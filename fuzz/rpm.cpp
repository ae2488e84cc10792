// rpm package databases (detect/rpm_header.hpp, rpmdb_bdb.hpp, rpmdb_ndb.hpp,
// rpmdb_sqlite.hpp, rpm.hpp):
//   '0' one header blob    '1' BerkeleyDB Packages    '2' NDB Packages.db
//   '3' rpmdb.sqlite (read from a copy)    '4' rpmdb.sqlite read in place
// Databases go through parse_rpm_database, which decodes every header and lists owned files.
#include <set>
#include <string>
#include <vector>

#include "common.hpp"
#include "detect/catalog.hpp"
#include "detect/rpm.hpp"
#include "detect/rpm_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace strata::detect;
  auto [which, in] = strata::fuzz::select(strata::fuzz::bytes(data, size), 5);
  const strata::model::OsInfo os{"rhel", "9", "Red Hat:9", "Red Hat Enterprise Linux 9"};
  std::vector<std::string> warnings;
  std::set<std::string> owned;
  switch (which) {
    case 0:
      if (auto header = parse_rpm_header(in); header.ok()) {
        (void)rpm_package(*header, os);
        (void)split_source_rpm(header->source_rpm);
      }
      break;
    case 1:
      (void)parse_rpm_database(in, DbKind::rpm_bdb, "/var/lib/rpm/Packages", os, warnings, &owned);
      break;
    case 2:
      (void)parse_rpm_database(in, DbKind::rpm_ndb, "/var/lib/rpm/Packages.db", os, warnings,
                               &owned);
      break;
    case 3:
      (void)parse_rpm_database(in, DbKind::rpm_sqlite, "/var/lib/rpm/rpmdb.sqlite", os, warnings,
                               &owned);
      break;
    default: {
      std::string copy(in);
      (void)parse_rpm_database_in_place(copy, DbKind::rpm_sqlite, "/var/lib/rpm/rpmdb.sqlite", os,
                                        warnings, &owned);
      if (copy != in) {
        __builtin_trap();  // the in-place reader must restore what it changed
      }
      break;
    }
  }
  return 0;
}
