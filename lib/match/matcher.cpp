#include "match/matcher.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "util/log.hpp"
#include "vercmp/osv_range.hpp"
#include "vercmp/vercmp.hpp"

namespace strata::match {

namespace {

bool is_cve(std::string_view id) {
  if (id.rfind("CVE-", 0) != 0 || id.size() < 13 || id[8] != '-') {
    return false;
  }
  for (std::size_t i = 4; i < id.size(); ++i) {
    if (i != 8 && (id[i] < '0' || id[i] > '9')) {
      return false;
    }
  }
  return true;
}

// "UBUNTU-CVE-2021-3782", "DEBIAN-CVE-...", "ALPINE-CVE-..." name the CVE they track.
std::string embedded_cve(std::string_view id) {
  auto pos = id.find("-CVE-");
  if (pos != std::string_view::npos && is_cve(id.substr(pos + 1))) {
    return std::string(id.substr(pos + 1));
  }
  return {};
}

std::string finding_id(const vulndb::Advisory& a) {
  for (const auto* list : {&a.aliases, &a.upstream}) {
    for (const auto& id : *list) {
      if (is_cve(id)) {
        return id;
      }
    }
  }
  if (auto cve = embedded_cve(a.id); !cve.empty()) {
    return cve;
  }
  for (const auto* list : {&a.aliases, &a.upstream}) {
    for (const auto& id : *list) {
      if (auto cve = embedded_cve(id); !cve.empty()) {
        return cve;
      }
    }
  }
  return a.id;
}

bool debian_like(std::string_view ecosystem) {
  return ecosystem.rfind("Debian:", 0) == 0 || ecosystem.rfind("Ubuntu:", 0) == 0;
}

std::string lookup_name(const model::Package& p) {
  return p.source_name.empty() ? p.name : p.source_name;
}

std::string compare_version(const model::Package& p, std::string_view ecosystem) {
  if (debian_like(ecosystem) && !p.source_version.empty()) {
    return p.source_version;
  }
  return p.version;
}

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
  add_unique(f.aliases, other.advisory_id);
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

}  // namespace

MatchOutput match_packages(const std::vector<model::Package>& packages, const model::OsInfo& os,
                           const vulndb::Database& db, const MatchOptions& options) {
  MatchOutput out;
  const std::string& ecosystem = os.ecosystem;
  if (ecosystem.empty()) {
    out.warnings.push_back(
        os.family.empty()
            ? std::string("unknown operating system: findings for OS packages are not reported")
            : fmt::format("no vulnerability data source for {} {}: findings for OS packages are "
                          "not reported",
                          os.family, os.version));
    return out;
  }
  if (!db.has_ecosystem(ecosystem)) {
    auto have = db.ecosystems();
    out.warnings.push_back(fmt::format(
        "no vulnerability data for {} in the database (it has: {}): findings for OS packages "
        "are not reported",
        ecosystem, have.empty() ? std::string("nothing") : join(have)));
    return out;
  }
  out.os_data = true;
  const vercmp::SchemeId scheme = vercmp::scheme_for_ecosystem(ecosystem);

  // Several binary packages share a source package: one lookup per name.
  std::map<std::string, std::vector<vulndb::Advisory>> cache;
  std::set<std::string> failed_lookups;
  // (package name, package version, finding id) -> index in out.findings
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> index;
  vercmp::RangeStats range_stats;

  for (const auto& pkg : packages) {
    if (!pkg.ecosystem.empty() && pkg.ecosystem != ecosystem) {
      continue;  // not an OS package of this release (a language package, another distro)
    }
    const std::string name = lookup_name(pkg);
    auto cached = cache.find(name);
    if (cached == cache.end()) {
      auto advisories = db.query(ecosystem, name);
      if (!advisories) {
        if (failed_lookups.insert(name).second) {
          out.warnings.push_back(
              fmt::format("{}: vulnerability lookup failed: {}", name, advisories.error().message));
        }
        continue;
      }
      cached = cache.emplace(name, std::move(advisories).value()).first;
    }
    const std::string version = compare_version(pkg, ecosystem);
    bool version_warned = false;
    for (const auto& adv : cached->second) {
      bool affected = false;
      std::string fixed;
      for (const auto& entry : adv.affected) {
        auto verdict = vercmp::evaluate(entry, scheme, version, &range_stats);
        if (!verdict) {
          if (!version_warned) {
            out.warnings.push_back(fmt::format("{} {}: not matched: {}", pkg.name, version,
                                               verdict.error().message));
            version_warned = true;
          }
          break;
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
      if (version_warned) {
        break;
      }
      if (!affected) {
        continue;
      }
      model::Finding f;
      f.id = finding_id(adv);
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
      f.package = pkg.name;
      f.source_name = name;
      f.installed_version = pkg.version;
      f.fixed_version = fixed;
      f.status = fixed.empty() ? "affected" : "fixed";
      f.severity = adv.severity;
      f.cvss_score = adv.cvss_score;
      f.cvss_vector = adv.cvss_vector;
      f.summary = adv.summary;
      f.description = adv.details;
      f.published = adv.published;
      f.modified = adv.modified;
      f.layer = pkg.layer;
      f.links = adv.links;

      auto key = std::make_tuple(pkg.name, pkg.version, f.id);
      if (auto it = index.find(key); it != index.end()) {
        merge_into(out.findings[it->second], f, scheme);
      } else {
        index.emplace(std::move(key), out.findings.size());
        out.findings.push_back(std::move(f));
      }
    }
  }
  if (range_stats.invalid_versions > 0) {
    LOG_DEBUG("matching {}: {} advisory versions could not be parsed and were skipped", ecosystem,
              range_stats.invalid_versions);
  }
  if (options.ignore_unfixed) {
    std::erase_if(out.findings, [](const model::Finding& f) { return f.fixed_version.empty(); });
  }
  std::sort(out.findings.begin(), out.findings.end(),
            [](const model::Finding& a, const model::Finding& b) {
              return std::tie(a.package, a.installed_version, a.id) <
                     std::tie(b.package, b.installed_version, b.id);
            });
  return out;
}

}  // namespace strata::match
