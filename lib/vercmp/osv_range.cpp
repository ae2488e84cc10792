#include "vercmp/osv_range.hpp"

#include <optional>

namespace strata::vercmp {
namespace {

using Kind = OsvEvent::Kind;

struct RangeResult {
  bool affected = false;
  const OsvEvent* fix = nullptr;  // the fixed event closing the range containing the version
};

bool is_zero_introduced(const OsvEvent& e) { return e.kind == Kind::introduced && e.version == "0"; }
bool is_infinite_limit(const OsvEvent& e) { return e.kind == Kind::limit && e.version == "*"; }

// The installed version as a SEMVER range sees it: Go modules are written "v1.2.3" but OSV's
// SEMVER events carry no "v".
std::string_view semver_form(std::string_view version) {
  if (!validate(SchemeId::semver, version).ok() && version.size() > 1 && version[0] == 'v' &&
      validate(SchemeId::semver, version.substr(1)).ok()) {
    return version.substr(1);
  }
  return version;
}

// Evaluates one ECOSYSTEM/SEMVER range as the OSV schema's IncludedInRange/BeforeLimits, without
// sorting: after a sorted walk the verdict is set by the greatest event (in version order, ties in
// listed order) whose condition holds, so only those events need ordering among themselves. This
// also keeps a scheme with an inconsistent order from ever feeding std::sort a bad comparator.
RangeResult evaluate_range(const OsvRange& range, SchemeId scheme, std::string_view version,
                           RangeStats* stats) {
  struct Seen {
    const OsvEvent* event;
    int vs_installed;  // compare(version, event.version)
  };
  std::vector<Seen> usable;
  usable.reserve(range.events.size());
  for (const auto& e : range.events) {
    if (is_zero_introduced(e)) {
      usable.push_back({&e, 1});
      continue;
    }
    if (is_infinite_limit(e)) {
      usable.push_back({&e, -1});
      continue;
    }
    auto c = compare(scheme, version, e.version);
    if (!c.ok()) {
      if (stats != nullptr) {
        ++stats->invalid_versions;
      }
      continue;
    }
    usable.push_back({&e, *c});
  }

  // BeforeLimits: with limit events present, the version must lie below at least one of them.
  bool has_limit = false;
  bool below_a_limit = false;
  for (const auto& s : usable) {
    if (s.event->kind == Kind::limit) {
      has_limit = true;
      below_a_limit = below_a_limit || s.vs_installed < 0;
    }
  }
  if (has_limit && !below_a_limit) {
    return {};
  }

  // Orders two events by version; introduced "0" is below everything.
  auto order = [&](const OsvEvent& a, const OsvEvent& b) -> int {
    bool za = is_zero_introduced(a);
    bool zb = is_zero_introduced(b);
    if (za || zb) {
      return za && zb ? 0 : (za ? -1 : 1);
    }
    auto c = compare(scheme, a.version, b.version);
    return c.ok() ? *c : 0;  // both parsed above, so this holds
  };

  const OsvEvent* last = nullptr;  // greatest triggered event
  for (const auto& s : usable) {
    const OsvEvent& e = *s.event;
    bool triggered = (e.kind == Kind::introduced && s.vs_installed >= 0) ||
                     (e.kind == Kind::fixed && s.vs_installed >= 0) ||
                     (e.kind == Kind::last_affected && s.vs_installed > 0);
    if (triggered && (last == nullptr || order(e, *last) >= 0)) {
      last = &e;
    }
  }
  if (last == nullptr || last->kind != Kind::introduced) {
    return {};
  }

  // Affected: the range is closed by the nearest fixed/last_affected above the version (a fixed
  // event wins a tie); report it when it is a fix.
  RangeResult out{true, nullptr};
  const OsvEvent* closing = nullptr;
  for (const auto& s : usable) {
    const OsvEvent& e = *s.event;
    bool closes = (e.kind == Kind::fixed && s.vs_installed < 0) ||
                  (e.kind == Kind::last_affected && s.vs_installed <= 0);
    if (!closes) {
      continue;
    }
    if (closing == nullptr) {
      closing = &e;
      continue;
    }
    int c = order(e, *closing);
    if (c < 0 || (c == 0 && e.kind == Kind::fixed)) {
      closing = &e;
    }
  }
  if (closing != nullptr && closing->kind == Kind::fixed) {
    out.fix = closing;
  }
  return out;
}

}  // namespace

util::Result<AffectedVerdict> evaluate(const OsvAffected& affected, SchemeId scheme,
                                       std::string_view version, RangeStats* stats) {
  if (auto st = validate(scheme, version); !st.ok()) {
    // Outside the scheme (e.g. a pre-PEP 440 "0.3.2d"): no range can place it, but an advisory
    // may still list it verbatim.
    for (const auto& listed : affected.versions) {
      if (listed == version) {
        return AffectedVerdict{true, {}};
      }
    }
    if (stats != nullptr) {
      ++stats->invalid_versions;
    }
    return std::move(st).error();
  }
  AffectedVerdict verdict;
  const OsvEvent* best_fix = nullptr;
  SchemeId best_fix_scheme = scheme;
  for (const auto& range : affected.ranges) {
    SchemeId range_scheme = scheme;
    std::string_view v = version;
    if (range.type == "GIT") {
      if (stats != nullptr) {
        ++stats->git_ranges_skipped;
      }
      continue;
    }
    if (range.type == "SEMVER") {
      range_scheme = SchemeId::semver;
      v = semver_form(version);
      if (auto st = validate(SchemeId::semver, v); !st.ok()) {
        if (stats != nullptr) {
          ++stats->invalid_versions;
        }
        return std::move(st).error().wrap("SEMVER range");
      }
    } else if (range.type != "ECOSYSTEM") {
      continue;  // unknown range type: nothing in the schema tells how to read it
    }
    if (range_scheme == SchemeId::exact) {
      // Without an order only "introduced 0 and nothing else" (every version) has a meaning.
      bool all_from_zero = !range.events.empty();
      for (const auto& e : range.events) {
        all_from_zero = all_from_zero && e.kind == OsvEvent::Kind::introduced;
      }
      bool has_zero = false;
      for (const auto& e : range.events) {
        has_zero = has_zero || is_zero_introduced(e);
      }
      verdict.affected = verdict.affected || (all_from_zero && has_zero);
      continue;
    }
    RangeResult r = evaluate_range(range, range_scheme, v, stats);
    if (!r.affected) {
      continue;
    }
    verdict.affected = true;
    if (r.fix != nullptr) {
      bool lower = best_fix == nullptr;
      if (!lower && best_fix_scheme == range_scheme) {
        auto c = compare(range_scheme, r.fix->version, best_fix->version);
        lower = c.ok() && *c < 0;
      }
      if (lower) {
        best_fix = r.fix;
        best_fix_scheme = range_scheme;
      }
    }
  }
  if (verdict.affected) {
    if (best_fix != nullptr) {
      verdict.fixed_version = best_fix->version;
    }
    return verdict;
  }
  for (const auto& listed : affected.versions) {
    if (listed == version) {
      verdict.affected = true;
      break;
    }
    auto c = compare(scheme, version, listed);
    if (c.ok() && *c == 0 && scheme != SchemeId::exact) {
      verdict.affected = true;
      break;
    }
  }
  return verdict;
}

}  // namespace strata::vercmp
