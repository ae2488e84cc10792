// strata's rpm database readers against the independent oracle: Debian's own rpm 4.18
// (`rpm --dbpath DIR -qa`), on copies of every fixture its backends read (SQLite and BerkeleyDB;
// Debian's rpm is built without NDB). rpm writes -shm/-wal files beside a database it opens, so
// it only ever sees a copy in a temp directory. scripts/install-deps.sh --test installs rpm.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "detect/rpmdb_bdb.hpp"
#include "detect/rpmdb_sqlite.hpp"
#include "support/temp_dir.hpp"
#include "util/process.hpp"

using namespace strata;

namespace {

const std::string k_rpm_dir = std::string(STRATA_TESTDATA_DIR) + "/pkgdb/rpm/";

// One line per package, as rpm's --qf below prints it.
std::string line_of(const detect::RpmHeader& h) {
  std::string epoch = h.epoch ? std::to_string(*h.epoch) + ":" : "";
  return h.name + "\t" + epoch + h.version + "-" + h.release + "\t" + h.arch + "\t" + h.source_rpm +
         "\t" + h.license + "\t" + h.vendor;
}

// What Debian's rpm lists for the database file `file` (copied into a temp dir) with `backend`.
std::multiset<std::string> rpm_lists(const std::string& file, const std::string& backend) {
  auto rpm = util::find_on_path("rpm", "/usr/bin:/bin");
  INFO("Debian's rpm is not installed: scripts/install-deps.sh --test installs it");
  REQUIRE(rpm);
  test_support::TempDir tmp("strata-rpm-oracle");
  const std::string name = std::filesystem::path(file).filename();
  std::filesystem::copy_file(file, tmp.sub(name));
  auto r = util::run_process(
      {*rpm, "--dbpath", tmp.path, "--define", "_db_backend " + backend, "-qa", "--qf",
       "%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%|SOURCERPM?{%{"
       "SOURCERPM}}:"
       "{}|\\t%|LICENSE?{%{LICENSE}}:{}|\\t%|VENDOR?{%{VENDOR}}:{}|\\n"},
      "", util::ProcessOptions{std::chrono::seconds(60), 16u << 20});
  REQUIRE(r);
  INFO(r->err);
  REQUIRE(r->exit_code == 0);
  std::multiset<std::string> out;
  std::istringstream lines(r->out);
  for (std::string line; std::getline(lines, line);) {
    out.insert(line);
  }
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

template <typename Reader>
std::multiset<std::string> strata_lists(const std::string& file, Reader read) {
  auto entries = read(slurp(file));
  REQUIRE(entries);
  std::multiset<std::string> out;
  for (const auto& e : *entries) {
    REQUIRE(e.header);
    out.insert(line_of(*e.header));
  }
  return out;
}

}  // namespace

TEST_CASE("rpm oracle: the SQLite database reads as Debian's rpm lists it") {
  const std::string db = k_rpm_dir + "go-rpmdb-cbl-mariner2-sqlite/rpmdb.sqlite";
  auto want = rpm_lists(db, "sqlite");
  CHECK(want.size() == 129);
  CHECK(strata_lists(db, detect::read_rpmdb_sqlite) == want);
}

TEST_CASE("rpm oracle: the BerkeleyDB databases read as Debian's rpm lists them") {
  for (const auto* dir : {"go-rpmdb-libuuid-bdb", "syft-dive-bdb", "scalibr-epoch-bdb"}) {
    INFO(dir);
    const std::string db = k_rpm_dir + dir + "/Packages";
    auto want = rpm_lists(db, "bdb_ro");
    CHECK(want.size() == 1);
    CHECK(strata_lists(db, detect::read_rpmdb_bdb) == want);
  }
}
