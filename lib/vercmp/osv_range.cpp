#include "vercmp/osv_range.hpp"

#include <optional>

namespace strata::vercmp {
namespace {

using Kind = OsvEvent::Kind;

struct RangeResult {
  bool affected = false;
  const OsvEvent* fix = nullptr;  // the fixed event closing the range containing the version
};

bool is_zero_introduced(const OsvEvent& e) {
  return e.kind == Kind::introduced && e.version == "0";
}
bool is_infinite_limit(const OsvEvent& e) {
  return e.kind == Kind::limit && e.version == "*";
}

// The installed version as a SEMVER range sees it: Go modules are written "v1.2.3" but OSV's
// SEMVER events carry no "v".
std::string_view semver_form(std::string_view version) {
  if (!validate(SchemeId::semver, version).ok() && version.size() > 1 && version[0] == 'v' &&
      validate(SchemeId::semver, version.substr(1)).ok()) {
    return version.substr(1);
  }
  return version;
}

void count_invalid(RangeStats* stats) {
  if (stats != nullptr) {
    ++stats->invalid_versions;
  }
}

// An event whose version parsed, with compare(installed version, event version).
struct Seen {
  const OsvEvent* event;
  int vs_installed;
};

// The range's events that can be placed relative to `version` (introduced "0" below it, limit
// "*" above it, the others compared under `scheme`); the others are counted as invalid.
std::vector<Seen> usable_events(const OsvRange& range, SchemeId scheme, std::string_view version,
                                RangeStats* stats) {
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
      count_invalid(stats);
      if (stats != nullptr) {
        // The installed version parsed (evaluate() checks it first): the event's is the bad one.
        auto why = validate(scheme, e.version);
        stats->invalid_bounds.push_back(
            {e.kind, e.version, why.ok() ? c.error().message : why.error().message});
      }
      continue;
    }
    usable.push_back({&e, *c});
  }
  return usable;
}

// BeforeLimits: with limit events present, the version must lie below at least one of them.
bool within_limits(const std::vector<Seen>& usable) {
  bool has_limit = false;
  bool below_a_limit = false;
  for (const auto& s : usable) {
    if (s.event->kind == Kind::limit) {
      has_limit = true;
      below_a_limit = below_a_limit || s.vs_installed < 0;
    }
  }
  return !has_limit || below_a_limit;
}

// Orders two usable events by version; introduced "0" is below everything.
int order_events(const OsvEvent& a, const OsvEvent& b, SchemeId scheme) {
  bool za = is_zero_introduced(a);
  bool zb = is_zero_introduced(b);
  if (za || zb) {
    return za && zb ? 0 : (za ? -1 : 1);
  }
  auto c = compare(scheme, a.version, b.version);
  return c.ok() ? *c : 0;  // both parsed in usable_events, so this holds
}

// The greatest event (ties: the later listed) at or below the version (last_affected: strictly
// below); nullptr when there is none.
const OsvEvent* greatest_triggered(const std::vector<Seen>& usable, SchemeId scheme) {
  const OsvEvent* last = nullptr;
  for (const auto& s : usable) {
    const OsvEvent& e = *s.event;
    bool triggered = (e.kind == Kind::introduced && s.vs_installed >= 0) ||
                     (e.kind == Kind::fixed && s.vs_installed >= 0) ||
                     (e.kind == Kind::last_affected && s.vs_installed > 0);
    if (triggered && (last == nullptr || order_events(e, *last, scheme) >= 0)) {
      last = &e;
    }
  }
  return last;
}

// The nearest fixed/last_affected event above the version (a fixed event wins a tie), nullptr
// when the range is open above it.
const OsvEvent* nearest_closing(const std::vector<Seen>& usable, SchemeId scheme) {
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
    int c = order_events(e, *closing, scheme);
    if (c < 0 || (c == 0 && e.kind == Kind::fixed)) {
      closing = &e;
    }
  }
  return closing;
}

// Evaluates one ECOSYSTEM/SEMVER range as the OSV schema's IncludedInRange/BeforeLimits, without
// sorting: after a sorted walk the verdict is set by the greatest event (in version order, ties in
// listed order) whose condition holds, so only those events need ordering among themselves. This
// also keeps a scheme with an inconsistent order from ever feeding std::sort a bad comparator.
RangeResult evaluate_range(const OsvRange& range, SchemeId scheme, std::string_view version,
                           RangeStats* stats) {
  std::vector<Seen> usable = usable_events(range, scheme, version, stats);
  if (!within_limits(usable)) {
    return {};
  }
  const OsvEvent* last = greatest_triggered(usable, scheme);
  if (last == nullptr || last->kind != Kind::introduced) {
    return {};
  }
  // Affected: report the event closing the range when it is a fix.
  RangeResult out{true, nullptr};
  const OsvEvent* closing = nearest_closing(usable, scheme);
  if (closing != nullptr && closing->kind == Kind::fixed) {
    out.fix = closing;
  }
  return out;
}

// How a range reads the installed version: under which scheme, in which form.
struct RangeReading {
  SchemeId scheme;
  std::string_view version;
};

// ECOSYSTEM ranges read `version` under `scheme`, SEMVER ranges read semver_form(version) under
// SchemeId::semver (an error when that is no SemVer). nullopt for a range to pass over: GIT
// (counted) or a type the schema does not define.
util::Result<std::optional<RangeReading>> range_reading(const OsvRange& range, SchemeId scheme,
                                                        std::string_view version,
                                                        RangeStats* stats) {
  if (range.type == "GIT") {
    if (stats != nullptr) {
      ++stats->git_ranges_skipped;
    }
    return std::optional<RangeReading>{};
  }
  if (range.type == "SEMVER") {
    std::string_view v = semver_form(version);
    if (auto st = validate(SchemeId::semver, v); !st.ok()) {
      count_invalid(stats);
      return std::move(st).error().wrap("SEMVER range");
    }
    return std::optional<RangeReading>{RangeReading{SchemeId::semver, v}};
  }
  if (range.type != "ECOSYSTEM") {
    return std::optional<RangeReading>{};  // nothing in the schema tells how to read it
  }
  return std::optional<RangeReading>{RangeReading{scheme, version}};
}

// Without an order only "introduced 0 and nothing else" (every version) has a meaning.
bool affects_every_version(const OsvRange& range) {
  bool all_from_zero = !range.events.empty();
  for (const auto& e : range.events) {
    all_from_zero = all_from_zero && e.kind == Kind::introduced;
  }
  bool has_zero = false;
  for (const auto& e : range.events) {
    has_zero = has_zero || is_zero_introduced(e);
  }
  return all_from_zero && has_zero;
}

// The lowest fix among the affected ranges; fixes read under different schemes do not compare,
// so the first one found stays.
class LowestFix {
 public:
  explicit LowestFix(SchemeId scheme) : m_scheme(scheme) {}

  void offer(const OsvEvent* fix, SchemeId scheme) {
    if (fix == nullptr) {
      return;
    }
    bool lower = m_fix == nullptr;
    if (!lower && m_scheme == scheme) {
      auto c = compare(scheme, fix->version, m_fix->version);
      lower = c.ok() && *c < 0;
    }
    if (lower) {
      m_fix = fix;
      m_scheme = scheme;
    }
  }
  std::string version() const { return m_fix != nullptr ? m_fix->version : std::string(); }

 private:
  const OsvEvent* m_fix = nullptr;
  SchemeId m_scheme;
};

bool listed_verbatim(const std::vector<std::string>& versions, std::string_view version) {
  for (const auto& listed : versions) {
    if (listed == version) {
      return true;
    }
  }
  return false;
}

// The `versions` list: an exact string match, or (with an ordered scheme) compare() == 0.
bool listed_as_affected(const std::vector<std::string>& versions, SchemeId scheme,
                        std::string_view version) {
  for (const auto& listed : versions) {
    if (listed == version) {
      return true;
    }
    auto c = compare(scheme, version, listed);
    if (c.ok() && *c == 0 && scheme != SchemeId::exact) {
      return true;
    }
  }
  return false;
}

}  // namespace

const char* event_kind_name(OsvEvent::Kind kind) {
  switch (kind) {
    case Kind::introduced:
      return "introduced";
    case Kind::fixed:
      return "fixed";
    case Kind::last_affected:
      return "last_affected";
    case Kind::limit:
      return "limit";
  }
  return "?";
}

util::Result<AffectedVerdict> evaluate(const OsvAffected& affected, SchemeId scheme,
                                       std::string_view version, RangeStats* stats) {
  if (auto st = validate(scheme, version); !st.ok()) {
    // Outside the scheme (e.g. a pre-PEP 440 "0.3.2d"): no range can place it, but an advisory
    // may still list it verbatim.
    if (listed_verbatim(affected.versions, version)) {
      return AffectedVerdict{true, {}};
    }
    count_invalid(stats);
    return std::move(st).error();
  }
  AffectedVerdict verdict;
  LowestFix fix(scheme);
  for (const auto& range : affected.ranges) {
    TRY_ASSIGN(std::optional<RangeReading> reading, range_reading(range, scheme, version, stats));
    if (!reading) {
      continue;
    }
    if (reading->scheme == SchemeId::exact) {
      verdict.affected = verdict.affected || affects_every_version(range);
      continue;
    }
    RangeResult r = evaluate_range(range, reading->scheme, reading->version, stats);
    if (r.affected) {
      verdict.affected = true;
      fix.offer(r.fix, reading->scheme);
    }
  }
  if (verdict.affected) {
    verdict.fixed_version = fix.version();
    return verdict;
  }
  verdict.affected = listed_as_affected(affected.versions, scheme, version);
  return verdict;
}

}  // namespace strata::vercmp
