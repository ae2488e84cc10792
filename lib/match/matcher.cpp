#include "match/matcher.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <unordered_map>

#include "match/ids.hpp"
#include "match/rules.hpp"
#include "util/log.hpp"
#include "util/parallel.hpp"
#include "vercmp/osv_range.hpp"
#include "vercmp/vercmp.hpp"

namespace strata::match {

namespace {

// Fewer jobs than this are matched on the calling thread alone.
constexpr std::size_t k_min_parallel_jobs = 64;
constexpr unsigned k_max_match_threads = 4;
constexpr std::size_t k_match_chunk = 16;
// Warnings about advisory bounds that could not be compared: at most this many, then one line
// that counts the others (all of them are logged at debug level).
constexpr std::size_t k_max_bound_warnings = 20;

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (!item.empty() && std::find(list.begin(), list.end(), item) == list.end()) {
    list.push_back(item);
  }
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    out += out.empty() ? s : ", " + s;
  }
  return out;
}

// Keeps the lowest fixed version ("" = no fix yet loses to any fix).
void merge_fixed(std::string& current, const std::string& candidate, vercmp::SchemeId scheme) {
  if (candidate.empty() || current == candidate) {
    return;
  }
  if (current.empty()) {
    current = candidate;
    return;
  }
  auto cmp = vercmp::compare(scheme, candidate, current);
  if (cmp && *cmp < 0) {
    current = candidate;
  }
}

void merge_into(model::Finding& f, const model::Finding& other, vercmp::SchemeId scheme) {
  if (other.advisory_id != f.id && other.advisory_id != f.advisory_id) {
    add_unique(f.aliases, other.advisory_id);
  }
  for (const auto& a : other.aliases) {
    if (a != f.id && a != f.advisory_id) {
      add_unique(f.aliases, a);
    }
  }
  f.severity = std::max(f.severity, other.severity);
  if (other.cvss_score && (!f.cvss_score || *other.cvss_score > *f.cvss_score)) {
    f.cvss_score = other.cvss_score;
    f.cvss_vector = other.cvss_vector;
  }
  merge_fixed(f.fixed_version, other.fixed_version, scheme);
  f.status = f.fixed_version.empty() ? "affected" : "fixed";
  for (const auto& l : other.links) {
    add_unique(f.links, l);
  }
  if (f.summary.empty()) {
    f.summary = other.summary;
  }
  if (f.description.empty()) {
    f.description = other.description;
  }
  if (f.published.empty() || (!other.published.empty() && other.published < f.published)) {
    f.published = other.published;  // the earliest publication of any of the advisories
  }
  if (other.modified > f.modified) {
    f.modified = other.modified;
  }
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Whether two findings of one package are the same vulnerability although their ids differ: one
// has no CVE and its id is an advisory id or alias of the other.
bool linked(const model::Finding& a, const model::Finding& b) {
  auto names = [](const model::Finding& f, const std::string& id) {
    return f.advisory_id == id || contains(f.aliases, id);
  };
  return (!is_cve(b.id) && names(a, b.id)) || (!is_cve(a.id) && names(b, a.id));
}

// What matching one package gave: its findings (not merged yet) and warnings; bound_warnings
// name the advisory bounds that could not be compared (capped when merged).
struct PackageResult {
  std::vector<model::Finding> findings;
  std::vector<std::string> warnings;
  std::vector<std::string> bound_warnings;
};

class Matcher {
 public:
  Matcher(const vulndb::Database& db, MatchOutput& out) : m_db(db), m_out(out) {}

  // Matches one package against `ecosystem`'s advisories into `result`. Touches only this
  // matcher's lookup cache: several matchers run this on threads of their own.
  void match(const model::Package& pkg, const std::string& ecosystem, PackageResult& result) {
    const vercmp::SchemeId scheme = vercmp::scheme_for_ecosystem(ecosystem);
    std::set<std::string> seen;  // advisories found under an earlier lookup of this package
    for (const auto& lookup : lookups_for(pkg, ecosystem)) {
      const auto* advisories = query(ecosystem, lookup.name, result.warnings);
      if (advisories == nullptr) {
        continue;
      }
      for (const auto& adv : *advisories) {
        if (!seen.insert(adv.id).second) {
          continue;
        }
        bool affected = false;
        std::string fixed;
        for (const auto& entry : adv.affected) {
          auto verdict = vercmp::evaluate(entry, scheme, lookup.version, &m_range_stats);
          take_invalid_bounds(adv.id, pkg.name, result);
          if (!verdict) {
            result.warnings.push_back(fmt::format("{} {}: not matched: {}", pkg.name,
                                                  lookup.version, verdict.error().message));
            return;
          }
          if (verdict->affected) {
            if (!affected) {
              fixed = verdict->fixed_version;
            } else {
              merge_fixed(fixed, verdict->fixed_version, scheme);
            }
            affected = true;
          }
        }
        if (!affected) {
          continue;
        }
        // The advisory's text is read only now, for a finding (see vulndb::Database::query),
        // into a copy that the finding takes over: the cached lookups stay small.
        vulndb::Advisory text;
        text.id = adv.id;
        text.body = adv.body;
        if (auto st = m_db.load_details(text); !st) {
          result.warnings.push_back(
              fmt::format("{}: vulnerability lookup failed: {}", pkg.name, st.error().message));
          continue;
        }
        result.findings.push_back(make_finding(pkg, lookup.name, std::move(text), fixed, scheme));
      }
    }
  }

  // Merges findings of one package linked through a non-CVE id (see linked()).
  void merge_linked() {
    std::map<std::tuple<std::string, std::string, std::string, std::string>,
             std::vector<std::size_t>>
        groups;
    for (std::size_t i = 0; i < m_out.findings.size(); ++i) {
      const auto& f = m_out.findings[i];
      groups[{m_meta[i].ecosystem, f.package, f.installed_version, f.path}].push_back(i);
    }
    std::vector<bool> dropped(m_out.findings.size(), false);
    std::vector<bool> cve(m_out.findings.size());
    for (std::size_t i = 0; i < m_out.findings.size(); ++i) {
      cve[i] = is_cve(m_out.findings[i].id);
    }
    for (const auto& [key, members] : groups) {
      if (std::all_of(members.begin(), members.end(), [&](std::size_t i) { return cve[i]; })) {
        continue;  // linked() needs a finding without a CVE id
      }
      for (bool changed = true; changed;) {
        changed = false;
        for (std::size_t a : members) {
          for (std::size_t b : members) {
            auto& fa = m_out.findings[a];
            auto& fb = m_out.findings[b];
            if (a == b || dropped[a] || dropped[b] || (cve[a] && cve[b]) || !linked(fa, fb)) {
              continue;
            }
            bool keep_a = is_cve(fa.id) || (!is_cve(fb.id) && fa.id < fb.id);
            auto& keep = keep_a ? fa : fb;
            auto& drop = keep_a ? fb : fa;
            merge_into(keep, drop, m_meta[a].scheme);
            std::erase(keep.aliases, keep.id);
            cve[a] = is_cve(fa.id);
            cve[b] = is_cve(fb.id);
            dropped[keep_a ? b : a] = true;
            changed = true;
          }
        }
      }
    }
    std::size_t i = 0;
    std::erase_if(m_out.findings, [&](const model::Finding&) { return dropped[i++]; });
  }

  const vercmp::RangeStats& range_stats() const { return m_range_stats; }

  // The bounds the last evaluate() skipped, as warnings: "ADV: package NAME: cannot compare
  // fixed version 'V': why".
  void take_invalid_bounds(const std::string& advisory, const std::string& package,
                           PackageResult& result) {
    for (const auto& bad : m_range_stats.invalid_bounds) {
      result.bound_warnings.push_back(
          fmt::format("{}: package {}: cannot compare {} version '{}': {}", advisory, package,
                      vercmp::event_kind_name(bad.kind), bad.version, bad.reason));
    }
    m_range_stats.invalid_bounds.clear();
  }

  void add(model::Finding f, const std::string& ecosystem, vercmp::SchemeId scheme) {
    std::string key;
    key.reserve(ecosystem.size() + f.package.size() + f.installed_version.size() + f.id.size() +
                f.path.size() + 5);
    for (std::string_view part : {std::string_view(ecosystem), std::string_view(f.package),
                                  std::string_view(f.installed_version), std::string_view(f.id),
                                  std::string_view(f.path)}) {
      key += part;
      key += '\0';
    }
    auto [it, inserted] = m_index.try_emplace(std::move(key), m_out.findings.size());
    if (!inserted) {
      merge_into(m_out.findings[it->second], f, scheme);
      return;
    }
    m_out.findings.push_back(std::move(f));
    m_meta.push_back({ecosystem, scheme});
  }

 private:
  struct Meta {
    std::string ecosystem;
    vercmp::SchemeId scheme;
  };

  // The advisories for (ecosystem, name), looked up once, without their text; nullptr after a
  // failed lookup (warned about once).
  const std::vector<vulndb::Advisory>* query(const std::string& ecosystem, const std::string& name,
                                             std::vector<std::string>& warnings) {
    auto key = std::make_pair(ecosystem, name);
    if (auto it = m_cache.find(key); it != m_cache.end()) {
      return &it->second;
    }
    if (m_failed.count(key) != 0) {
      return nullptr;
    }
    auto advisories = m_db.query(ecosystem, name, vulndb::Database::Details::none);
    if (!advisories) {
      m_failed.insert(key);
      warnings.push_back(
          fmt::format("{}: vulnerability lookup failed: {}", name, advisories.error().message));
      return nullptr;
    }
    return &m_cache.emplace(std::move(key), std::move(advisories).value()).first->second;
  }

  static model::Finding make_finding(const model::Package& pkg, const std::string& name,
                                     vulndb::Advisory&& adv, const std::string& fixed,
                                     vercmp::SchemeId scheme) {
    // rpm errata list the CVEs they fix under `related` (see finding_id()).
    const bool related_cves = scheme == vercmp::SchemeId::rpm;
    model::Finding f;
    f.id = finding_id(adv, related_cves);
    f.advisory_id = adv.id;
    if (f.id != adv.id) {
      f.aliases.push_back(adv.id);
    }
    for (const auto* list : {&adv.aliases, &adv.upstream}) {
      for (const auto& a : *list) {
        if (a != f.id) {
          add_unique(f.aliases, a);
        }
      }
    }
    if (related_cves) {
      for (const auto& a : adv.related) {
        if (a != f.id && is_cve(a)) {
          add_unique(f.aliases, a);
        }
      }
    }
    f.package = pkg.name;
    f.source_name = name;
    f.installed_version = pkg.version;
    f.fixed_version = fixed;
    f.status = fixed.empty() ? "affected" : "fixed";
    f.severity = adv.severity;
    f.cvss_score = adv.cvss_score;
    f.cvss_vector = std::move(adv.cvss_vector);
    f.summary = std::move(adv.summary);
    f.description = std::move(adv.details);
    f.published = std::move(adv.published);
    f.modified = std::move(adv.modified);
    f.layer = pkg.layer;
    f.links = std::move(adv.links);
    f.ecosystem = pkg.ecosystem;
    f.purl = pkg.purl;
    f.path = pkg.location;
    return f;
  }

  const vulndb::Database& m_db;
  MatchOutput& m_out;
  // Several binary packages share a source package: one lookup per (ecosystem, name).
  std::map<std::pair<std::string, std::string>, std::vector<vulndb::Advisory>> m_cache;
  std::set<std::pair<std::string, std::string>> m_failed;
  // "ecosystem\0package\0version\0finding id\0" -> index in m_out.findings
  std::unordered_map<std::string, std::size_t> m_index;
  std::vector<Meta> m_meta;  // parallel to m_out.findings
  vercmp::RangeStats m_range_stats;
};

std::string no_data_warning(const vulndb::Database& db, const std::string& ecosystem,
                            const std::string& what) {
  auto have = db.ecosystems();
  return fmt::format("no vulnerability data for {} in the database (it has: {}): {}", ecosystem,
                     have.empty() ? std::string("nothing") : join(have), what);
}

// One package to match, against one ecosystem's advisories.
struct Job {
  const model::Package* pkg;
  const std::string* ecosystem;  // os.ecosystem or pkg->ecosystem: outlives the job
};

// OS packages (see matcher.hpp), when the database has data for the OS; else a warning.
void add_os_jobs(const std::vector<model::Package>& packages, const model::OsInfo& os,
                 const vulndb::Database& db, std::vector<Job>& jobs, MatchOutput& out) {
  if (os.ecosystem.empty()) {
    out.warnings.push_back(
        os.family.empty()
            ? std::string("unknown operating system: findings for OS packages are not reported")
            : fmt::format("no vulnerability data source for {} {}: findings for OS packages are "
                          "not reported",
                          os.family, os.version));
    return;
  }
  if (!db.has_ecosystem(os.ecosystem)) {
    out.warnings.push_back(
        no_data_warning(db, os.ecosystem, "findings for OS packages are not reported"));
    return;
  }
  out.os_data = true;
  for (const auto& pkg : packages) {
    if (pkg.ecosystem.empty() || pkg.ecosystem == os.ecosystem) {
      jobs.push_back(Job{&pkg, &os.ecosystem});
    }  // else a language package, or an OS package of another release or distribution
  }
}

// Language packages by ecosystem (sorted), for the ecosystems the database has data for; a
// warning for each other one.
void add_language_jobs(const std::vector<model::Package>& packages, const model::OsInfo& os,
                       const vulndb::Database& db, std::vector<Job>& jobs, MatchOutput& out) {
  std::map<std::string, std::vector<const model::Package*>> by_ecosystem;
  for (const auto& pkg : packages) {
    if (!pkg.ecosystem.empty() && pkg.ecosystem != os.ecosystem &&
        is_language_ecosystem(pkg.ecosystem)) {
      by_ecosystem[pkg.ecosystem].push_back(&pkg);
    }
  }
  for (const auto& [ecosystem, members] : by_ecosystem) {
    if (!db.has_ecosystem(ecosystem)) {
      out.warnings.push_back(
          no_data_warning(db, ecosystem,
                          fmt::format("findings for {} {} package{} are not reported",
                                      members.size(), ecosystem, members.size() == 1 ? "" : "s")));
      out.unsupported_ecosystems.push_back(ecosystem);
      continue;
    }
    for (const auto* pkg : members) {
      jobs.push_back(Job{pkg, &pkg->ecosystem});
    }
  }
}

// Matches every job on up to k_max_match_threads threads, each with a matcher (and lookup cache)
// of its own; `matcher` is worker 0's. Results in job order.
std::vector<PackageResult> run_jobs(const std::vector<Job>& jobs, const vulndb::Database& db,
                                    Matcher& matcher, MatchOutput& out,
                                    std::vector<std::unique_ptr<Matcher>>& helpers) {
  std::vector<PackageResult> results(jobs.size());
  const unsigned threads =
      jobs.size() < k_min_parallel_jobs ? 1u : util::worker_count(k_max_match_threads);
  for (unsigned t = 1; t < threads; ++t) {
    helpers.push_back(std::make_unique<Matcher>(db, out));
  }
  auto st = util::parallel_for(
      jobs.size(), threads,
      [&](unsigned worker, std::size_t i) -> util::Status {
        Matcher& m = worker == 0 ? matcher : *helpers[worker - 1];
        m.match(*jobs[i].pkg, *jobs[i].ecosystem, results[i]);
        return {};
      },
      k_match_chunk);
  if (!st) {  // only an exception gets here: match() reports failures as warnings
    out.warnings.push_back(fmt::format("matching failed: {}", st.error().message));
  }
  return results;
}

// Findings by (package, installed version, id), through an index (findings are large: each is
// moved once, not log n times).
void sort_findings(std::vector<model::Finding>& findings) {
  std::vector<std::size_t> order(findings.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& fa = findings[a];
    const auto& fb = findings[b];
    return std::tie(fa.package, fa.installed_version, fa.id, fa.path) <
           std::tie(fb.package, fb.installed_version, fb.id, fb.path);
  });
  std::vector<model::Finding> sorted;
  sorted.reserve(order.size());
  for (std::size_t i : order) {
    sorted.push_back(std::move(findings[i]));
  }
  findings = std::move(sorted);
}

// The first k_max_bound_warnings bound warnings (in package order), then one that counts the
// rest; every one is logged at debug level.
void add_bound_warnings(std::vector<std::string> warnings, MatchOutput& out) {
  for (std::size_t i = 0; i < warnings.size(); ++i) {
    LOG_DEBUG("matching: {}", warnings[i]);
    if (i < k_max_bound_warnings) {
      out.warnings.push_back(std::move(warnings[i]));
    }
  }
  if (warnings.size() > k_max_bound_warnings) {
    out.warnings.push_back(
        fmt::format("... and {} more advisory versions that could not be compared (those bounds "
                    "were skipped; --log-level debug lists them)",
                    warnings.size() - k_max_bound_warnings));
  }
}

}  // namespace

MatchOutput match_packages(const std::vector<model::Package>& packages, const model::OsInfo& os,
                           const vulndb::Database& db, const MatchOptions& options) {
  MatchOutput out;
  std::vector<Job> jobs;
  if (options.os_packages) {
    add_os_jobs(packages, os, db, jobs, out);
  }
  add_language_jobs(packages, os, db, jobs, out);

  // Lookups, version comparisons and advisory texts on several cores; the findings are then
  // merged here in package order, so the result does not depend on the threads.
  Matcher matcher(db, out);
  std::vector<std::unique_ptr<Matcher>> helpers;
  std::vector<PackageResult> results = run_jobs(jobs, db, matcher, out, helpers);
  std::set<std::string> warned;
  std::vector<std::string> bound_warnings;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    for (auto& w : results[j].warnings) {
      if (warned.insert(w).second) {
        out.warnings.push_back(std::move(w));
      }
    }
    for (auto& w : results[j].bound_warnings) {
      if (warned.insert(w).second) {
        bound_warnings.push_back(std::move(w));
      }
    }
    const vercmp::SchemeId scheme = vercmp::scheme_for_ecosystem(*jobs[j].ecosystem);
    for (auto& f : results[j].findings) {
      matcher.add(std::move(f), *jobs[j].ecosystem, scheme);
    }
  }
  results.clear();
  matcher.merge_linked();

  std::uint64_t invalid = matcher.range_stats().invalid_versions;
  for (const auto& h : helpers) {
    invalid += h->range_stats().invalid_versions;
  }
  if (invalid > 0) {
    LOG_DEBUG("matching: {} advisory versions could not be parsed and were skipped", invalid);
  }
  add_bound_warnings(std::move(bound_warnings), out);
  if (options.ignore_unfixed) {
    std::erase_if(out.findings, [](const model::Finding& f) { return f.fixed_version.empty(); });
  }
  sort_findings(out.findings);
  return out;
}

}  // namespace strata::match
