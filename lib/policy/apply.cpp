// Applying a policy to a scan's findings: --severity, ignore entries, VEX statements.

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include "policy/policy.hpp"
#include "util/strings.hpp"

namespace strata::policy {

namespace {

std::string percent_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    c = static_cast<char>(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// A package URL's parts: pkg:type/namespace/name@version?qualifiers#subpath.
struct Purl {
  std::string type;
  std::string path;  // namespace/name, decoded
  std::string version;
  bool has_version = false;
  std::map<std::string, std::string> qualifiers;
  std::string subpath;
};

std::optional<Purl> split_purl(std::string_view s) {
  if (!s.starts_with("pkg:")) {
    return std::nullopt;
  }
  s.remove_prefix(4);
  Purl p;
  if (auto hash = s.find('#'); hash != std::string_view::npos) {
    p.subpath = percent_decode(s.substr(hash + 1));
    s = s.substr(0, hash);
  }
  if (auto q = s.find('?'); q != std::string_view::npos) {
    for (auto pair : util::split(s.substr(q + 1), '&')) {
      if (pair.empty()) {
        continue;
      }
      auto eq = pair.find('=');
      std::string key = util::to_lower(pair.substr(0, eq));
      p.qualifiers[key] = eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
    }
    s = s.substr(0, q);
  }
  if (auto at = s.rfind('@'); at != std::string_view::npos && s.find('/') < at) {
    p.version = percent_decode(s.substr(at + 1));
    p.has_version = true;
    s = s.substr(0, at);
  }
  auto slash = s.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  p.type = util::to_lower(s.substr(0, slash));
  p.path = percent_decode(util::trim(s.substr(slash + 1)));
  while (!p.path.empty() && p.path.back() == '/') {
    p.path.pop_back();
  }
  return p;
}

bool id_matches(const std::string& id, const model::Finding& f) {
  if (util::iequals(id, f.id) || util::iequals(id, f.advisory_id)) {
    return true;
  }
  return std::any_of(f.aliases.begin(), f.aliases.end(),
                     [&](const std::string& a) { return util::iequals(id, a); });
}

bool package_matches(const std::string& want, const model::Finding& f) {
  if (want.starts_with("pkg:")) {
    return !f.purl.empty() && purl_matches(want, f.purl);
  }
  return want == f.package;
}

bool ignore_matches(const IgnoreEntry& e, const model::Finding& f) {
  if (!id_matches(e.id, f)) {
    return false;
  }
  return e.packages.empty() || std::any_of(e.packages.begin(), e.packages.end(),
                                           [&](const auto& p) { return package_matches(p, f); });
}

bool vex_matches(const VexStatement& s, const model::Finding& f) {
  if (f.purl.empty()) {
    return false;
  }
  bool vuln = std::any_of(s.vulnerabilities.begin(), s.vulnerabilities.end(),
                          [&](const std::string& v) { return id_matches(v, f); });
  return vuln && std::any_of(s.purls.begin(), s.purls.end(),
                             [&](const std::string& p) { return purl_matches(p, f.purl); });
}

}  // namespace

bool purl_matches(std::string_view pattern, std::string_view actual) {
  auto want = split_purl(pattern);
  auto have = split_purl(actual);
  if (!want || !have || want->type != have->type || want->path != have->path) {
    return false;
  }
  if (want->has_version && want->version != have->version) {
    return false;
  }
  if (!want->subpath.empty() && want->subpath != have->subpath) {
    return false;
  }
  for (const auto& [key, value] : want->qualifiers) {
    auto it = have->qualifiers.find(key);
    if (it == have->qualifiers.end() || it->second != value) {
      return false;
    }
  }
  return true;
}

util::Result<std::set<model::Severity>> parse_severities(std::string_view text) {
  std::set<model::Severity> out;
  for (auto word : util::split(text, ',')) {
    word = util::trim(word);
    if (word.empty()) {
      continue;
    }
    std::optional<model::Severity> s;
    for (auto candidate :
         {model::Severity::critical, model::Severity::high, model::Severity::medium,
          model::Severity::low, model::Severity::unknown}) {
      if (util::iequals(word, model::severity_name(candidate))) {
        s = candidate;
      }
    }
    if (!s) {
      return util::make_error(util::ErrorCategory::usage,
                              "--severity: unknown severity '{}' (CRITICAL, HIGH, MEDIUM, LOW, "
                              "UNKNOWN)",
                              word);
    }
    out.insert(*s);
  }
  if (out.empty()) {
    return util::make_error(util::ErrorCategory::usage,
                            "--severity: name at least one of CRITICAL, HIGH, MEDIUM, LOW, "
                            "UNKNOWN");
  }
  return out;
}

std::string date_of(std::int64_t unix_seconds) {
  using namespace std::chrono;
  year_month_day ymd{floor<days>(sys_seconds{seconds{unix_seconds}})};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

void apply(const Policy& policy, model::ScanResult& result) {
  if (!policy.severities.empty()) {
    std::erase_if(result.findings,
                  [&](const model::Finding& f) { return !policy.severities.contains(f.severity); });
  }
  std::vector<const IgnoreEntry*> active;
  for (const auto& e : policy.ignores) {
    // An entry expires at the start of its date (as Trivy's exp:): on that day it is expired.
    if (!e.expires.empty() && e.expires <= policy.today) {
      result.warnings.push_back(
          fmt::format("ignore file {}: the entry for {} expired on {} and no longer suppresses "
                      "findings",
                      e.origin, e.id, e.expires));
    } else {
      active.push_back(&e);
    }
  }
  for (auto& f : result.findings) {
    for (const auto* e : active) {
      if (ignore_matches(*e, f)) {
        f.suppressed = model::Finding::Suppression{
            "ignore", !e->reason.empty() ? e->reason : fmt::format("listed in {}", e->origin)};
        break;
      }
    }
    if (f.suppressed) {
      continue;
    }
    for (const auto& s : policy.vex) {
      if (vex_matches(s, f)) {
        f.suppressed = model::Finding::Suppression{"vex", s.justification};
        break;
      }
    }
  }
}

}  // namespace strata::policy
