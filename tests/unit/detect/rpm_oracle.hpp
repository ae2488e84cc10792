#pragma once
// Helpers for the tests that hold strata's rpm database readers against Debian's rpm 4.18: the
// tools they run (a missing one fails the test, naming scripts/install-deps.sh --test), rpm's
// query format and the same line made from a header strata read.

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "detect/rpm_header.hpp"
#include "util/process.hpp"

namespace strata::detect::test {

// The path of `tool` (in /usr/bin or /bin); a failed REQUIRE when it is not installed.
inline std::string require_tool(const std::string& tool, const std::string& package) {
  auto path = util::find_on_path(tool, "/usr/bin:/bin");
  INFO(tool << " is not installed (Debian package " << package
            << "): scripts/install-deps.sh --test installs it");
  REQUIRE(path);
  return *path;
}

// Runs `argv` (argv[0] a path); a failed REQUIRE, with its stderr, unless it exits 0.
inline util::ProcessResult run_ok(const std::vector<std::string>& argv) {
  auto r = util::run_process(argv, "", util::ProcessOptions{std::chrono::seconds(60), 64u << 20});
  INFO(argv.at(0) << (argv.size() > 1 ? " " + argv[1] : std::string()) << " ...");
  REQUIRE(r);
  INFO(r->err);
  REQUIRE(r->exit_code == 0);
  return *r;
}

// rpm's --qf for one package per line, the line line_of makes: name, [epoch:]version-release,
// arch, source rpm, license, vendor (an absent tag printed as nothing).
inline const std::string k_rpm_qf =
    "%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\t"
    "%|SOURCERPM?{%{SOURCERPM}}:{}|\\t%|LICENSE?{%{LICENSE}}:{}|\\t%|VENDOR?{%{VENDOR}}:{}|\\n";

// The same, after the header number (rpm's DBINSTANCE, strata's RpmdbEntry::hnum).
inline const std::string k_rpm_qf_hnum = "%{DBINSTANCE}\\t" + k_rpm_qf;

inline std::string line_of(const RpmHeader& h) {
  std::string epoch = h.epoch ? std::to_string(*h.epoch) + ":" : "";
  return h.name + "\t" + epoch + h.version + "-" + h.release + "\t" + h.arch + "\t" + h.source_rpm +
         "\t" + h.license + "\t" + h.vendor;
}

inline std::string line_of(const RpmdbEntry& e) {
  if (!e.header) {
    FAIL("hnum " << e.hnum << ": " << e.header.error().message);
  }
  return std::to_string(e.hnum) + "\t" + line_of(*e.header);
}

// The lines of `text` (rpm's output), as a multiset.
inline std::multiset<std::string> lines_of(const std::string& text) {
  std::multiset<std::string> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    out.insert(line);
  }
  return out;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  INFO(path);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// What `read` (read_rpmdb_sqlite, _bdb, _ndb) makes of `bytes`, one line per package (with its
// header number first when `with_hnum`); every header must have decoded.
template <typename Reader>
std::multiset<std::string> strata_lists(const std::string& bytes, Reader read,
                                        bool with_hnum = false) {
  auto entries = read(bytes);
  if (!entries) {
    FAIL(entries.error().message);
  }
  std::multiset<std::string> out;
  for (const auto& e : *entries) {
    std::string line = line_of(e);
    out.insert(with_hnum ? line : line.substr(line.find('\t') + 1));
  }
  return out;
}

}  // namespace strata::detect::test
