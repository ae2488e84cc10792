#include <algorithm>
#include <tuple>

#include "report/report.hpp"

namespace strata::report {

SeverityCounts count_by_severity(const model::ScanResult& result) {
  return count_by_severity(result.findings);
}

SeverityCounts count_by_severity(const std::vector<model::Finding>& findings) {
  SeverityCounts c;
  for (const auto& f : findings) {
    if (f.suppressed) {
      continue;
    }
    switch (f.severity) {
      case model::Severity::critical:
        ++c.critical;
        break;
      case model::Severity::high:
        ++c.high;
        break;
      case model::Severity::medium:
        ++c.medium;
        break;
      case model::Severity::low:
        ++c.low;
        break;
      case model::Severity::unknown:
        ++c.unknown;
        break;
    }
    ++c.total;
  }
  return c;
}

std::optional<model::Severity> highest_severity(const model::ScanResult& result) {
  std::optional<model::Severity> best;
  for (const auto& f : result.findings) {
    if (!f.suppressed && (!best || f.severity > *best)) {
      best = f.severity;
    }
  }
  return best;
}

bool has_findings_at_or_above(const model::ScanResult& result, model::Severity threshold) {
  auto best = highest_severity(result);
  return best && *best >= threshold;
}

std::size_t count_suppressed(const model::ScanResult& result) {
  return static_cast<std::size_t>(std::count_if(result.findings.begin(), result.findings.end(),
                                                [](const auto& f) { return f.suppressed; }));
}

std::vector<model::Package> sorted_packages(const std::vector<model::Package>& packages) {
  std::vector<model::Package> out = packages;
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.name, a.version, a.type, a.arch, a.location) <
           std::tie(b.name, b.version, b.type, b.arch, b.location);
  });
  return out;
}

std::vector<model::Finding> sorted_findings(const std::vector<model::Finding>& findings) {
  std::vector<model::Finding> out = findings;
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.severity != b.severity) {
      return a.severity > b.severity;
    }
    return std::tie(a.package, a.id, a.installed_version, a.advisory_id) <
           std::tie(b.package, b.id, b.installed_version, b.advisory_id);
  });
  return out;
}

}  // namespace strata::report
