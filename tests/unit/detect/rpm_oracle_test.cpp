// strata's rpm database readers against the independent oracle: Debian's own rpm 4.18
// (`rpm --dbpath DIR -qa`), on copies of every fixture its backends read (SQLite and BerkeleyDB;
// Debian's rpm is built without NDB). rpm writes -shm/-wal files beside a database it opens, so
// it only ever sees a copy in a temp directory. Each package is compared on its header number
// (DBINSTANCE), name, epoch, version, release, arch, source rpm, license and vendor.
// scripts/install-deps.sh --test installs rpm.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>

#include "detect/rpmdb_bdb.hpp"
#include "detect/rpmdb_sqlite.hpp"
#include "rpm_oracle.hpp"
#include "support/temp_dir.hpp"

using namespace strata;
using namespace strata::detect::test;

namespace {

const std::string k_rpm_dir = std::string(STRATA_TESTDATA_DIR) + "/pkgdb/rpm/";

// What Debian's rpm lists for the database file `file` (copied into a temp dir) with `backend`.
std::multiset<std::string> rpm_lists(const std::string& file, const std::string& backend) {
  const std::string rpm = require_tool("rpm", "rpm");
  test_support::TempDir tmp("strata-rpm-oracle");
  const std::string name = std::filesystem::path(file).filename();
  std::filesystem::copy_file(file, tmp.sub(name));
  return lines_of(run_ok({rpm, "--dbpath", tmp.path, "--define", "_db_backend " + backend, "-qa",
                          "--qf", k_rpm_qf_hnum})
                      .out);
}

}  // namespace

TEST_CASE("rpm oracle: the SQLite database reads as Debian's rpm lists it") {
  const std::string db = k_rpm_dir + "go-rpmdb-cbl-mariner2-sqlite/rpmdb.sqlite";
  auto want = rpm_lists(db, "sqlite");
  CHECK(want.size() == 129);
  CHECK(strata_lists(slurp(db), detect::read_rpmdb_sqlite, true) == want);
}

TEST_CASE("rpm oracle: the BerkeleyDB databases read as Debian's rpm lists them") {
  for (const auto* dir : {"go-rpmdb-libuuid-bdb", "syft-dive-bdb", "scalibr-epoch-bdb"}) {
    INFO(dir);
    const std::string db = k_rpm_dir + dir + "/Packages";
    auto want = rpm_lists(db, "bdb_ro");
    CHECK(want.size() == 1);
    CHECK(strata_lists(slurp(db), detect::read_rpmdb_bdb, true) == want);
  }
}
