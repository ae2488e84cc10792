// Property check on real OSV data (testdata/osv-agreement): every version an advisory lists in
// `versions` must evaluate as affected from the same entry's `ranges` alone.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "vercmp/osv_range.hpp"
#include "vercmp/vercmp.hpp"

namespace {

namespace fs = std::filesystem;
using strata::vercmp::OsvAffected;
using strata::vercmp::OsvEvent;
using strata::vercmp::OsvRange;

const fs::path k_dir = fs::path(STRATA_TESTDATA_DIR) / "osv-agreement";

// Upstream data errors: (record id, package, listed version) -> why the listed version is not in
// the record's own ranges. Each entry was checked by hand against the record.
const std::map<std::tuple<std::string, std::string, std::string>, std::string> k_allowed = {
    // Two intervals flattened into one event list: introduced 0 / fixed 2.11.6 and introduced
    // 2.11 / fixed 2.11.7. Walked as the schema says, 2.11.6 is fixed; the list says affected.
    {{"PYSEC-2021-114", "wagtail", "2.11.6"}, "overlapping intervals merged into one range"},
    // ECOSYSTEM range says fixed in 23.9.0; the list was enumerated from the GIT range, whose
    // fix commit is only in later tags.
    {{"PYSEC-2023-177", "gevent", "23.9.0"},
     "versions list follows the GIT range, not fixed 23.9.0"},
    {{"PYSEC-2023-177", "gevent", "23.9.0.post1"},
     "versions list follows the GIT range, not fixed 23.9.0"},
    // introduced "3.2" / "4.2", but the list (enumerated from git tags) also names the
    // pre-releases, which PEP 440 orders below the final release.
    {{"PYSEC-2023-61", "django", "3.2a1"}, "pre-release below introduced 3.2"},
    {{"PYSEC-2023-61", "django", "3.2b1"}, "pre-release below introduced 3.2"},
    {{"PYSEC-2023-61", "django", "3.2rc1"}, "pre-release below introduced 3.2"},
    {{"PYSEC-2023-61", "django", "4.2a1"}, "pre-release below introduced 4.2"},
    {{"PYSEC-2023-61", "django", "4.2b1"}, "pre-release below introduced 4.2"},
    {{"PYSEC-2023-61", "django", "4.2rc1"}, "pre-release below introduced 4.2"},
};

OsvAffected to_affected(const nlohmann::json& j) {
  OsvAffected a;
  a.ecosystem = j.at("package").value("ecosystem", "");
  a.name = j.at("package").value("name", "");
  for (const auto& r : j.value("ranges", nlohmann::json::array())) {
    OsvRange range;
    range.type = r.value("type", "");
    for (const auto& e : r.value("events", nlohmann::json::array())) {
      for (const auto& [key, value] : e.items()) {
        OsvEvent ev;
        if (key == "introduced") {
          ev.kind = OsvEvent::Kind::introduced;
        } else if (key == "fixed") {
          ev.kind = OsvEvent::Kind::fixed;
        } else if (key == "last_affected") {
          ev.kind = OsvEvent::Kind::last_affected;
        } else if (key == "limit") {
          ev.kind = OsvEvent::Kind::limit;
        } else {
          continue;
        }
        ev.version = value.get<std::string>();
        range.events.push_back(std::move(ev));
      }
    }
    a.ranges.push_back(std::move(range));
  }
  // `versions` deliberately left empty: the ranges alone must cover every listed version.
  return a;
}

struct Tally {
  std::size_t records = 0;
  std::size_t listed = 0;
  std::size_t agree = 0;
  std::size_t allowed = 0;
  std::size_t outside_scheme = 0;  // not orderable under the scheme; matched by the list verbatim
  std::uint64_t invalid_events = 0;
  std::uint64_t git_skipped = 0;
};

}  // namespace

TEST_CASE("osv agreement: every listed version is affected according to the ranges") {
  REQUIRE(fs::is_directory(k_dir));
  std::map<std::string, Tally> by_ecosystem;
  std::size_t misses_shown = 0;
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(k_dir)) {
    if (entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() == 2629);
  for (const auto& path : files) {
    std::ifstream in(path);
    auto record = nlohmann::json::parse(in);
    std::string id = record.value("id", path.stem().string());
    std::set<std::string> seen_ecosystems;
    for (const auto& j : record.value("affected", nlohmann::json::array())) {
      if (!j.contains("ranges") || j["ranges"].empty() || !j.contains("versions") ||
          j["versions"].empty()) {
        continue;
      }
      OsvAffected a = to_affected(j);
      std::string family = a.ecosystem.substr(0, a.ecosystem.find(':'));
      auto scheme = strata::vercmp::scheme_for_ecosystem(a.ecosystem);
      Tally& t = by_ecosystem[family];
      if (seen_ecosystems.insert(family).second) {
        ++t.records;
      }
      strata::vercmp::RangeStats stats;
      for (const auto& listed : j["versions"]) {
        std::string v = listed.get<std::string>();
        ++t.listed;
        auto verdict = strata::vercmp::evaluate(a, scheme, v, &stats);
        if (verdict.ok() && verdict->affected) {
          ++t.agree;
          continue;
        }
        if (!strata::vercmp::validate(scheme, v).ok()) {
          // e.g. PyPI's pre-PEP 440 "0.3.2d": no range can place it. The real evaluation (with
          // the versions list) must still report it affected.
          OsvAffected with_list = a;
          with_list.versions = j["versions"].get<std::vector<std::string>>();
          auto full = strata::vercmp::evaluate(with_list, scheme, v);
          if (full.ok() && full->affected) {
            ++t.outside_scheme;
            continue;
          }
        }
        auto allowed = k_allowed.find({id, a.name, v});
        if (allowed != k_allowed.end()) {
          ++t.allowed;
          continue;
        }
        std::string why = verdict.ok() ? "not in ranges" : verdict.error().message;
        if (misses_shown++ < 200) {
          std::cout << "osv agreement MISS " << id << " " << a.ecosystem << "/" << a.name << " "
                    << v << ": " << why << "\n";
        }
      }
      t.invalid_events += stats.invalid_versions;
      t.git_skipped += stats.git_ranges_skipped;
    }
  }
  REQUIRE(!by_ecosystem.empty());
  std::size_t allowed_used = 0;
  for (const auto& [family, t] : by_ecosystem) {
    allowed_used += t.allowed;
  }
  CHECK(allowed_used == k_allowed.size());  // no stale allow-list entries
  for (const auto& [family, t] : by_ecosystem) {
    double rate = t.listed == 0 ? 100.0 : 100.0 * static_cast<double>(t.agree) / t.listed;
    std::cout << "osv agreement " << family << ": " << t.agree << "/" << t.listed
              << " listed versions affected by ranges (" << rate << "%); " << t.outside_scheme
              << " outside the scheme (matched by the list verbatim), " << t.allowed
              << " allow-listed upstream errors; " << t.records << " records; " << t.invalid_events
              << " unparseable versions and " << t.git_skipped
              << " GIT ranges skipped, counted per evaluation\n";
    INFO(family);
    CHECK(t.agree + t.outside_scheme + t.allowed == t.listed);
  }
}
