// strata's rpm database readers on databases Debian's rpm 4.18 writes itself, from packages built
// here: a few generated specs (dashes, plus signs and underscores in names; epochs absent, 0, 1
// and 7; versions with ~ and ^; releases like 1.el9_2; subpackages by `%package devel` and
// `%package -n other`; noarch, BuildArch set to the host arch and no BuildArch at all) go through
// `rpmbuild -bb`, then `rpm --root R --initdb` and `rpm --root R -i --justdb --nodeps`, and what
// strata reads is compared with `rpm --root R -qa --qf` (the fields of rpm_oracle_test.cpp and the
// header number).
//
// Which formats Debian's rpm can write (the first test checks it on the installed rpm):
//   SQLite      written and read by rpm itself, before and after an install and an erase.
//   BerkeleyDB  read only (bdb_ro): the Packages file is made with db5.3_load from the headers rpm
//               exports (`rpmdb --exportdb`), as rpm's BerkeleyDB backend lays it out (key 0 the
//               next header number, keys 1.. the header blobs, 4-byte keys in the file's byte
//               order), little- and big-endian, with page sizes that put some or all headers on
//               overflow pages; rpm bdb_ro lists it.
//   NDB         not built into Debian's rpm: no database to compare (rpm_test.cpp reads a real
//               SLE fixture).
// Nothing here reaches the network; rpmbuild and rpm write only under the test's temp directory
// (and rpm's own short-lived temp files in /tmp), never to ~/.rpmdb or ~/rpmbuild.
// scripts/install-deps.sh --test installs rpm (rpm, rpmbuild, rpmdb) and db5.3-util.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "detect/rpmdb_bdb.hpp"
#include "detect/rpmdb_sqlite.hpp"
#include "rpm_oracle.hpp"
#include "support/temp_dir.hpp"

using namespace strata;
using namespace strata::detect::test;
namespace fs = std::filesystem;

namespace {

// One spec file: a package and its subpackages.
struct Spec {
  std::string name, version, release;
  std::string epoch{};       // "" for no Epoch: tag
  std::string build_arch{};  // "" for none (the host arch), "noarch", k_host_arch
  std::string license{};
  std::string vendor{};                    // "" for no Vendor: tag
  std::vector<std::string> subpackages{};  // "devel" or "-n othername"
  int files = 0;                           // files under /usr/share/NAME
  int description_lines = 1;
};

const std::string k_host_arch = "%{_arch}";  // replaced by `rpm --eval %{_arch}`

// The packages: all but the last installed first, then the last installed and some erased.
const std::vector<Spec> k_specs = {
    {.name = "strata-foo+bar",
     .version = "1.2~rc1",
     .release = "1.el9_2",
     .epoch = "7",
     .build_arch = "noarch",
     .license = "MIT and (BSD-3-Clause or GPL-2.0-or-later)",
     .vendor = "Strata Test Vendor",
     .subpackages = {"devel", "-n libfoo++3"}},
    {.name = "strata-zero-epoch",
     .version = "2.0^git20240101.abc123",
     .release = "3",
     .epoch = "0",
     .build_arch = "noarch",
     .license = "GPL-2.0-only"},
    {.name = "strata-no-epoch",
     .version = "0.9.8.7",
     .release = "0.1.rc2.fc39",
     .build_arch = k_host_arch,
     .license = "ASL 2.0",
     .vendor = "Strätä Vendor, Inc.",
     .subpackages = {"libs"}},
    {.name = "strata_host-arch",
     .version = "10.0.0~beta2^post1",
     .release = "12.module+el8.9.0+1234+abcd",
     .epoch = "1",
     .license = "BSD",
     .vendor = "Strata",
     .subpackages = {"-n python3-strata-host"}},
    // A header of ~86 KiB (200 files, a long description): larger than any BerkeleyDB page, so
    // always on a chain of several overflow pages.
    {.name = "strata-big",
     .version = "3.0",
     .release = "1",
     .epoch = "1",
     .build_arch = "noarch",
     .license = "MIT",
     .vendor = "Strata",
     .files = 200,
     .description_lines = 700},
    {.name = "strata-late",
     .version = "0.1",
     .release = "1",
     .build_arch = "noarch",
     .license = "Unlicense",
     .vendor = "Late Vendor",
     .subpackages = {"doc"}},
};

std::string spec_text(const Spec& s, const std::string& host_arch) {
  std::string t = "Name: " + s.name + "\nVersion: " + s.version + "\nRelease: " + s.release +
                  "\nSummary: strata rpmdb test package\nLicense: " + s.license + "\n";
  if (!s.epoch.empty()) {
    t += "Epoch: " + s.epoch + "\n";
  }
  if (!s.vendor.empty()) {
    t += "Vendor: " + s.vendor + "\n";
  }
  if (!s.build_arch.empty()) {
    t += "BuildArch: " + (s.build_arch == k_host_arch ? host_arch : s.build_arch) + "\n";
  }
  t += "%global debug_package %{nil}\n\n%description\n";
  for (int i = 1; i <= s.description_lines; ++i) {
    t += "Line " + std::to_string(i) + " of the description of " + s.name +
         ", long enough for a BerkeleyDB overflow page.\n";
  }
  for (const auto& sub : s.subpackages) {
    t += "\n%package " + sub + "\nSummary: " + sub + "\n%description " + sub + "\n" + sub + "\n";
  }
  t += "\n%install\n";
  if (s.files > 0) {
    t += "mkdir -p %{buildroot}/usr/share/" + s.name + "\nfor i in $(seq " +
         std::to_string(s.files) + "); do echo $i > %{buildroot}/usr/share/" + s.name +
         "/file-$i; done\n";
  }
  t += "\n%files\n";
  if (s.files > 0) {
    t += "/usr/share/" + s.name + "\n";
  }
  for (const auto& sub : s.subpackages) {
    t += "%files " + sub + "\n";
  }
  return t;
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  REQUIRE(out.good());
}

// The rpms of every spec, built once per run: rpms[i] are the files of k_specs[i].
struct Built {
  test_support::TempDir dir{"strata-rpm-built"};
  std::string rpm = require_tool("rpm", "rpm");
  std::vector<std::vector<std::string>> rpms;

  Built() {
    const std::string rpmbuild = require_tool("rpmbuild", "rpm");
    std::string host_arch = run_ok({rpm, "--eval", "%{_arch}"}).out;
    host_arch.erase(host_arch.find_last_not_of('\n') + 1);
    const std::string top = dir.sub("top");
    fs::create_directories(top + "/SPECS");
    for (const auto& s : k_specs) {
      const std::string spec = top + "/SPECS/" + s.name + ".spec";
      const std::string out = dir.sub("rpms/" + s.name);
      write_file(spec, spec_text(s, host_arch));
      // --nodeps: no build-dependency check, which would open (and create) ~/.rpmdb.
      run_ok({rpmbuild, "-bb", "--nodeps", "--define", "_topdir " + top, "--define",
              "_rpmdir " + out, "--define", "_tmppath " + top + "/tmp", spec});
      std::vector<std::string> files;
      for (const auto& f : fs::recursive_directory_iterator(out)) {
        if (f.path().extension() == ".rpm") {
          files.push_back(f.path());
        }
      }
      REQUIRE(files.size() == 1 + s.subpackages.size());
      std::sort(files.begin(), files.end());
      rpms.push_back(std::move(files));
    }
  }
};

const Built& built() {
  static const Built b;
  return b;
}

// rpm on the database under root `r` (at /var/lib/rpm, where RHEL images have it: Debian's rpm
// defaults %_dbpath to ~/.rpmdb) with `args`.
util::ProcessResult rpm_at(const std::string& r, std::vector<std::string> args) {
  std::vector<std::string> argv = {
      built().rpm, "--root", r, "--dbpath", "/var/lib/rpm", "--define", "_db_backend sqlite"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_ok(argv);
}

// A root with an SQLite database holding every package but the last spec's.
std::string installed_root(const test_support::TempDir& tmp) {
  const std::string r = tmp.sub("root");
  rpm_at(r, {"--initdb"});
  std::vector<std::string> install = {"-i", "--justdb", "--nodeps", "--noscripts"};
  for (std::size_t i = 0; i + 1 < k_specs.size(); ++i) {
    install.insert(install.end(), built().rpms[i].begin(), built().rpms[i].end());
  }
  rpm_at(r, install);
  return r;
}

// Installs the last spec's packages into `r`, then erases `erased` (leaving gaps in the header
// numbers, and freed rows and pages in the database).
void install_and_erase(const std::string& r, const std::vector<std::string>& erased) {
  std::vector<std::string> install = {"-i", "--justdb", "--nodeps", "--noscripts"};
  install.insert(install.end(), built().rpms.back().begin(), built().rpms.back().end());
  rpm_at(r, install);
  std::vector<std::string> erase = {"-e", "--justdb", "--nodeps", "--noscripts"};
  erase.insert(erase.end(), erased.begin(), erased.end());
  rpm_at(r, erase);
}

// The main file of the SQLite database, the only file strata's reader is given (as an image
// layer holds it). rpm keeps the database in WAL mode, and when it closes the database SQLite
// checkpoints the write-ahead log into the main file and leaves the -wal empty (rpm 4.18 on
// Debian 12, checked here after every rpm that writes). So the main file alone is the list rpm
// prints; a -wal with frames would hold changes the main file lacks, which strata would not see,
// as it would not in an image built while rpm had the database open.
std::string sqlite_bytes(const std::string& r) {
  const std::string db = r + "/var/lib/rpm/rpmdb.sqlite";
  const std::string wal = db + "-wal";
  INFO(wal);
  CHECK((!fs::exists(wal) || fs::file_size(wal) == 0));
  std::string bytes = slurp(db);
  CHECK(bytes.substr(18, 2) == std::string("\x02\x02", 2));  // file format: WAL
  return bytes;
}

std::uint32_t be32(const std::string& bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    v = v << 8 | static_cast<unsigned char>(bytes.at(at + i));
  }
  return v;
}

std::string hex(std::string_view bytes) {
  static const char* k_digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(k_digits[c >> 4]);
    out.push_back(k_digits[c & 15]);
  }
  return out;
}

std::string key(std::uint32_t v, bool big_endian) {
  std::string k(4, '\0');
  for (std::size_t i = 0; i < 4; ++i) {
    k[big_endian ? 3 - i : i] = static_cast<char>((v >> (8 * i)) & 0xff);
  }
  return k;
}

// The header blobs of `rpmdb --exportdb` (each: magic 8eade801 00000000, il, dl, index, data).
std::vector<std::string> split_export(const std::string& out) {
  std::vector<std::string> blobs;
  for (std::size_t at = 0; at < out.size();) {
    REQUIRE(out.size() - at >= 16);
    REQUIRE(hex(std::string_view(out).substr(at, 8)) == "8eade80100000000");
    const std::size_t size = 8 + 16 * std::size_t{be32(out, at + 8)} + be32(out, at + 12);
    REQUIRE(out.size() - at - 8 >= size);
    blobs.push_back(out.substr(at + 8, size));
    at += 8 + size;
  }
  return blobs;
}

// A db5.3_load input (db_dump -p format, bytevalue) of rpm's Packages hash database: record 0
// the next header number, then each header under its number.
std::string packages_dump(const std::vector<std::uint32_t>& hnums,
                          const std::vector<std::string>& blobs, bool big_endian,
                          std::uint32_t page_size) {
  std::string d = "VERSION=3\nformat=bytevalue\ntype=hash\n";
  d += big_endian ? "db_lorder=4321\n" : "db_lorder=1234\n";
  d += "db_pagesize=" + std::to_string(page_size) + "\nHEADER=END\n";
  std::uint32_t next = 1;
  for (auto h : hnums) {
    next = std::max(next, h + 1);
  }
  // One append per piece: `" " + hex(...)` trips GCC 12's -Wrestrict at -O3 (a false positive).
  const auto line = [&d](const std::string& bytes) {
    d += ' ';
    d += hex(bytes);
    d += '\n';
  };
  line(key(0, big_endian));
  line(key(next, big_endian));
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    line(key(hnums[i], big_endian));
    line(blobs[i]);
  }
  return d + "DATA=END\n";
}

// What `db5.3_stat -d` prints for the database on the line ending in `label`.
std::string db_stat(const std::string& tool, const std::string& db, const std::string& label) {
  const std::string out = run_ok({tool, "-d", db}).out;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const auto tab = line.find('\t');
    if (tab != std::string::npos && line.substr(tab + 1) == label) {
      return line.substr(0, tab);
    }
  }
  FAIL("db5.3_stat -d prints no \"" << label << "\":\n" << out);
  return "";
}

}  // namespace

TEST_CASE("rpm built: Debian's rpm writes SQLite only (BerkeleyDB read-only, no NDB)") {
  const std::string out = run_ok({require_tool("rpm", "rpm"), "--showrc"}).out;
  const auto at = out.find("available backends");
  REQUIRE(at != std::string::npos);
  // If this changes, rpm can write another format: build it with rpm below instead.
  CHECK(out.substr(at, out.find('\n', at) - at) == "available backends    : sqlite bdb_ro dummy");
}

TEST_CASE("rpm built: the SQLite database rpm writes reads as rpm lists it") {
  test_support::TempDir tmp("strata-rpm-built-sqlite");
  const std::string r = installed_root(tmp);
  auto bytes = sqlite_bytes(r);
  auto want = lines_of(rpm_at(r, {"-qa", "--qf", k_rpm_qf_hnum}).out);
  CHECK(want.size() == 9);
  CHECK(strata_lists(bytes, detect::read_rpmdb_sqlite, true) == want);

  SECTION("after one more install and an erase: new rows, freed rows and pages") {
    install_and_erase(r, {"strata-big", "strata-foo+bar-devel"});  // the big one: freed pages
    bytes = sqlite_bytes(r);
    CHECK(be32(bytes, 36) > 0);  // the SQLite header's count of freelist pages
    auto after = lines_of(rpm_at(r, {"-qa", "--qf", k_rpm_qf_hnum}).out);
    CHECK(after.size() == 9);
    CHECK(after != want);
    CHECK(strata_lists(bytes, detect::read_rpmdb_sqlite, true) == after);
  }
}

TEST_CASE("rpm built: BerkeleyDB Packages files of rpm's headers read as rpm bdb_ro lists them") {
  const std::string load = require_tool("db5.3_load", "db5.3-util");
  const std::string stat = require_tool("db5.3_stat", "db5.3-util");
  test_support::TempDir tmp("strata-rpm-built-bdb");
  const std::string r = installed_root(tmp);
  install_and_erase(r, {"strata-foo+bar-devel"});  // a gap in the numbers; the big one stays
  const auto blobs =
      split_export(run_ok({require_tool("rpmdb", "rpm"), "--root", r, "--dbpath", "/var/lib/rpm",
                           "--define", "_db_backend sqlite", "--exportdb"})
                       .out);
  // --exportdb and -qa both walk the Packages table in header-number order.
  std::vector<std::uint32_t> hnums;
  std::istringstream numbers(rpm_at(r, {"-qa", "--qf", "%{DBINSTANCE}\\n"}).out);
  for (std::uint32_t h = 0; numbers >> h;) {
    hnums.push_back(h);
  }
  REQUIRE(blobs.size() == 10);
  REQUIRE(hnums.size() == blobs.size());
  std::vector<std::size_t> sizes;
  for (const auto& b : blobs) {
    sizes.push_back(b.size());
  }
  std::sort(sizes.begin(), sizes.end());
  INFO("header sizes " << sizes.front() << " to " << sizes.back() << " bytes");

  // BerkeleyDB puts an item over a quarter page on overflow pages: 512 and 4096 bytes put every
  // header there, 16 KiB and 64 KiB only the big one (the others stay on the hash pages, inline).
  struct Layout {
    bool big_endian;
    std::uint32_t page_size;
  };
  for (const Layout l :
       {Layout{false, 4096}, Layout{false, 16384}, Layout{true, 512}, Layout{true, 65536}}) {
    INFO((l.big_endian ? "big-endian, " : "little-endian, ") << l.page_size << "-byte pages");
    const std::string d =
        tmp.sub("bdb-" + std::to_string(l.big_endian) + "-" + std::to_string(l.page_size));
    fs::create_directories(d);
    write_file(d + "/Packages.dump", packages_dump(hnums, blobs, l.big_endian, l.page_size));
    run_ok({load, "-f", d + "/Packages.dump", d + "/Packages"});
    CHECK(db_stat(stat, d + "/Packages", "Byte order") ==
          (l.big_endian ? "Big-endian" : "Little-endian"));
    CHECK(db_stat(stat, d + "/Packages", "Underlying database page size") ==
          std::to_string(l.page_size));
    CHECK(std::stol(db_stat(stat, d + "/Packages", "Number of overflow pages")) > 0);
    const auto on_overflow_pages =
        std::count_if(sizes.begin(), sizes.end(), [&](auto n) { return n > l.page_size / 4; });
    CHECK(on_overflow_pages == (l.page_size > 4096 ? 1 : 10));
    const std::string bytes = slurp(d + "/Packages");
    fs::remove(d + "/Packages.dump");
    auto want = lines_of(run_ok({built().rpm, "--dbpath", d, "--define", "_db_backend bdb_ro",
                                 "-qa", "--qf", k_rpm_qf_hnum})
                             .out);
    CHECK(want.size() == 10);
    CHECK(strata_lists(bytes, detect::read_rpmdb_bdb, true) == want);
  }
}
