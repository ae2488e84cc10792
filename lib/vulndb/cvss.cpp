#include "vulndb/cvss.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "util/strings.hpp"

namespace strata::vulndb {

namespace {

struct MetricValue {
  char code;
  double weight;
};

// Weights from the CVSS v3.1 specification, section 7.4.
constexpr std::array<MetricValue, 4> k_attack_vector{
    {{'N', 0.85}, {'A', 0.62}, {'L', 0.55}, {'P', 0.2}}};
constexpr std::array<MetricValue, 2> k_attack_complexity{{{'L', 0.77}, {'H', 0.44}}};
constexpr std::array<MetricValue, 2> k_user_interaction{{{'N', 0.85}, {'R', 0.62}}};
constexpr std::array<MetricValue, 3> k_cia{{{'H', 0.56}, {'L', 0.22}, {'N', 0.0}}};

// The eight base metrics and their values, in the order of BaseMetrics' fields.
struct Metric {
  std::string_view key;
  std::string_view values;  // one letter each
};
constexpr std::array<Metric, 8> k_base_metrics{{
    {"AV", "NALP"},
    {"AC", "LH"},
    {"PR", "NLH"},
    {"UI", "NR"},
    {"S", "UC"},
    {"C", "HLN"},
    {"I", "HLN"},
    {"A", "HLN"},
}};

// The value letter of each base metric, in k_base_metrics order.
using BaseMetrics = std::array<char, k_base_metrics.size()>;

template <std::size_t N>
double weight(const std::array<MetricValue, N>& table, char code) {
  for (const auto& m : table) {
    if (m.code == code) {
      return m.weight;
    }
  }
  return 0;  // not reached: parse_base_metrics() checked the letter
}

// Section 7.1 on checked metrics.
double base_score(const BaseMetrics& m) {
  const double av = weight(k_attack_vector, m[0]);
  const double ac = weight(k_attack_complexity, m[1]);
  const double ui = weight(k_user_interaction, m[3]);
  const bool changed = m[4] == 'C';
  const double c = weight(k_cia, m[5]);
  const double i = weight(k_cia, m[6]);
  const double a = weight(k_cia, m[7]);
  // Privileges Required depends on Scope (section 7.4).
  double pr = 0.85;
  if (m[2] == 'L') {
    pr = changed ? 0.68 : 0.62;
  } else if (m[2] == 'H') {
    pr = changed ? 0.5 : 0.27;
  }
  const double iss = 1.0 - ((1.0 - c) * (1.0 - i) * (1.0 - a));
  const double impact =
      changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  const double exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) {
    return 0.0;
  }
  if (changed) {
    return cvss3_roundup(std::min(1.08 * (impact + exploitability), 10.0));
  }
  return cvss3_roundup(std::min(impact + exploitability, 10.0));
}

// The base metrics of `vector`, each present once with a defined value; temporal and
// environmental metrics are skipped.
util::Result<BaseMetrics> parse_base_metrics(std::string_view vector) {
  auto bad = [&](std::string_view why) {
    return util::input_error("invalid CVSS v3 vector '{}': {}", vector, why);
  };
  auto parts = util::split(vector, '/');
  if (parts.empty() || (parts[0] != "CVSS:3.1" && parts[0] != "CVSS:3.0")) {
    return bad("does not start with CVSS:3.0/ or CVSS:3.1/");
  }
  BaseMetrics metrics{};  // 0: not seen yet
  for (std::size_t k = 1; k < parts.size(); ++k) {
    std::string_view part = parts[k];
    auto colon = part.find(':');
    if (colon == std::string_view::npos) {
      return bad(fmt::format("metric '{}' has no value", part));
    }
    std::string_view key = part.substr(0, colon);
    std::string_view value = part.substr(colon + 1);
    auto metric = std::find_if(k_base_metrics.begin(), k_base_metrics.end(),
                               [&](const Metric& m) { return m.key == key; });
    if (metric == k_base_metrics.end()) {
      continue;  // temporal / environmental metrics: not part of the base score
    }
    if (value.size() != 1 || metric->values.find(value[0]) == std::string_view::npos) {
      return bad(fmt::format("unknown value '{}' for {}", value, key));
    }
    char& slot = metrics[static_cast<std::size_t>(metric - k_base_metrics.begin())];
    if (slot != 0) {
      return bad(fmt::format("metric {} given twice", key));
    }
    slot = value[0];
  }
  if (std::find(metrics.begin(), metrics.end(), 0) != metrics.end()) {
    return bad("missing base metrics");
  }
  return metrics;
}

}  // namespace

double cvss3_roundup(double value) {
  // Appendix A: int_input = round_to_nearest_integer(input * 100000);
  // if int_input % 10000 == 0 return int_input / 100000.0
  // else return (floor(int_input / 10000) + 1) / 10.0
  auto int_input = static_cast<long long>(std::llround(value * 100000.0));
  if (int_input % 10000 == 0) {
    return static_cast<double>(int_input) / 100000.0;
  }
  return static_cast<double>(int_input / 10000 + 1) / 10.0;
}

util::Result<double> cvss3_base_score(std::string_view vector) {
  TRY_ASSIGN(const BaseMetrics metrics, parse_base_metrics(vector));
  return base_score(metrics);
}

}  // namespace strata::vulndb
