// CVSS v4.0 scores: FIRST CVSS v4.0 specification section 8 ("CVSS v4.0 Scoring"), computed the
// way FIRST's reference calculator (github.com/FIRSTdotorg/cvss-v4-calculator, cvss_score.js and
// cvss_lookup.js) does:
//  1. the vector's MacroVector is its six equivalence classes EQ1..EQ6;
//  2. the MacroVector's score comes from the table the specification's experts assigned (here
//     in tenths, k_macro_scores);
//  3. the score is lowered from there by the mean, over EQ1..EQ5, of (the score gap to the next
//     lower MacroVector of that EQ) x (how far the vector is below the EQ's highest-severity
//     vectors, as a fraction of the EQ's depth);
//  4. rounded half up to one decimal.
// The arithmetic is done on integers (tenths) where the reference uses binary floating point
// plus a 1e-6 nudge before rounding; both round exact x.x5 ties up, so the results are the same.

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "util/strings.hpp"
#include "vulndb/cvss.hpp"

namespace strata::vulndb {

namespace {

// Metric ids in specification order. AV..SA and MAV..MSA are in the same order so that
// `id + k_modified_offset` is the modified metric of base metric `id`.
// clang-format off
enum Metric : int {
  AV, AC, AT, PR, UI, VC, VI, VA, SC, SI, SA,             // base
  E,                                                      // threat
  CR, IR, AR,                                             // environmental: security requirements
  MAV, MAC, MAT, MPR, MUI, MVC, MVI, MVA, MSC, MSI, MSA,  // environmental: modified base
  S, AU, R, V, RE, U,                                     // supplemental
  k_metric_count,
};
// clang-format on
constexpr int k_base_count = SA + 1;
constexpr int k_modified_offset = MAV - AV;

struct MetricDef {
  std::string_view key;
  std::array<std::string_view, 5> values;  // the defined values; "" pads
};

// Specification section 2 to 5 (metric values), as in its vector string table.
constexpr std::array<MetricDef, k_metric_count> k_metrics{{
    {"AV", {"N", "A", "L", "P"}},
    {"AC", {"L", "H"}},
    {"AT", {"N", "P"}},
    {"PR", {"N", "L", "H"}},
    {"UI", {"N", "P", "A"}},
    {"VC", {"H", "L", "N"}},
    {"VI", {"H", "L", "N"}},
    {"VA", {"H", "L", "N"}},
    {"SC", {"H", "L", "N"}},
    {"SI", {"H", "L", "N"}},
    {"SA", {"H", "L", "N"}},
    {"E", {"X", "A", "P", "U"}},
    {"CR", {"X", "H", "M", "L"}},
    {"IR", {"X", "H", "M", "L"}},
    {"AR", {"X", "H", "M", "L"}},
    {"MAV", {"X", "N", "A", "L", "P"}},
    {"MAC", {"X", "L", "H"}},
    {"MAT", {"X", "N", "P"}},
    {"MPR", {"X", "N", "L", "H"}},
    {"MUI", {"X", "N", "P", "A"}},
    {"MVC", {"X", "H", "L", "N"}},
    {"MVI", {"X", "H", "L", "N"}},
    {"MVA", {"X", "H", "L", "N"}},
    {"MSC", {"X", "H", "L", "N"}},
    {"MSI", {"X", "S", "H", "L", "N"}},
    {"MSA", {"X", "S", "H", "L", "N"}},
    {"S", {"X", "N", "P"}},
    {"AU", {"X", "N", "Y"}},
    {"R", {"X", "A", "U", "I"}},
    {"V", {"X", "D", "C"}},
    {"RE", {"X", "L", "M", "H"}},
    {"U", {"X", "Clear", "Green", "Amber", "Red"}},
}};

// MacroVector scores in tenths, from the reference calculator's cvss_lookup.js. Row: EQ1 EQ2 EQ3
// (the first three digits of the MacroVector); column: EQ4 EQ5 EQ6, EQ6 fastest
// (000 001 010 011 020 021 100 ... 221). -1: no such MacroVector (EQ3=2 implies EQ6=1).
constexpr std::array<std::array<int, 18>, 18> k_macro_scores{{
    // 000
    {100, 99, 98, 95, 95, 92, 100, 96, 93, 87, 91, 81, 93, 90, 89, 80, 81, 68},
    // 001
    {98, 95, 95, 92, 90, 84, 93, 92, 89, 81, 81, 65, 88, 80, 78, 70, 69, 48},
    // 002
    {-1, 92, -1, 82, -1, 72, -1, 79, -1, 69, -1, 50, -1, 69, -1, 55, -1, 27},
    // 010
    {99, 97, 95, 92, 92, 85, 95, 91, 90, 83, 84, 71, 92, 81, 82, 71, 72, 53},
    // 011
    {95, 93, 92, 85, 85, 73, 92, 82, 80, 72, 70, 59, 84, 70, 71, 52, 50, 30},
    // 012
    {-1, 86, -1, 75, -1, 52, -1, 71, -1, 52, -1, 29, -1, 63, -1, 29, -1, 17},
    // 100
    {98, 95, 94, 87, 91, 81, 94, 89, 86, 74, 77, 64, 87, 75, 74, 63, 63, 49},
    // 101
    {94, 89, 88, 77, 76, 67, 86, 76, 74, 58, 59, 50, 72, 57, 57, 52, 52, 25},
    // 102
    {-1, 83, -1, 70, -1, 54, -1, 65, -1, 58, -1, 26, -1, 53, -1, 21, -1, 13},
    // 110
    {95, 90, 88, 76, 76, 70, 90, 77, 75, 62, 61, 53, 77, 66, 68, 59, 52, 30},
    // 111
    {89, 78, 76, 67, 62, 58, 74, 59, 57, 57, 47, 23, 61, 52, 57, 29, 24, 16},
    // 112
    {-1, 71, -1, 59, -1, 30, -1, 58, -1, 26, -1, 15, -1, 23, -1, 13, -1, 6},
    // 200
    {93, 87, 86, 72, 75, 58, 86, 74, 74, 61, 56, 34, 70, 54, 52, 40, 40, 22},
    // 201
    {85, 75, 74, 55, 62, 51, 72, 57, 55, 41, 46, 19, 53, 36, 34, 19, 19, 8},
    // 202
    {-1, 64, -1, 51, -1, 20, -1, 47, -1, 21, -1, 11, -1, 24, -1, 9, -1, 4},
    // 210
    {88, 75, 73, 53, 60, 50, 73, 55, 59, 40, 41, 20, 54, 43, 45, 22, 20, 11},
    // 211
    {75, 55, 58, 45, 40, 21, 61, 51, 48, 18, 20, 9, 46, 18, 17, 7, 8, 2},
    // 212
    {-1, 53, -1, 24, -1, 14, -1, 24, -1, 12, -1, 5, -1, 10, -1, 3, -1, 1},
}};

struct MacroVector {
  int eq1, eq2, eq3, eq4, eq5, eq6;
};

// The score of a MacroVector in tenths, or nullopt when there is none (an EQ past its last level).
std::optional<int> macro_score(const MacroVector& mv) {
  if (mv.eq1 > 2 || mv.eq2 > 1 || mv.eq3 > 2 || mv.eq4 > 2 || mv.eq5 > 2 || mv.eq6 > 1) {
    return std::nullopt;
  }
  int score = k_macro_scores[static_cast<std::size_t>(mv.eq1 * 6 + mv.eq2 * 3 + mv.eq3)]
                            [static_cast<std::size_t>(mv.eq4 * 6 + mv.eq5 * 2 + mv.eq6)];
  if (score < 0) {
    return std::nullopt;
  }
  return score;
}

// Severity levels of metric values in steps of 0.1 (cvss_score.js: AV_levels, ...): the distance
// of a value from a more severe one is the difference of their levels. The level of the value at
// position i of `order` is `first + i`.
struct Levels {
  std::string_view order;
  int first;
};
int level(Metric id, char value) {
  static constexpr std::array<Levels, AR + 1> k_levels{{
      {"NALP", 0},  // AV
      {"LH", 0},    // AC
      {"NP", 0},    // AT
      {"NLH", 0},   // PR
      {"NPA", 0},   // UI
      {"HLN", 0},   // VC
      {"HLN", 0},   // VI
      {"HLN", 0},   // VA
      {"HLN", 1},   // SC
      {"SHLN", 0},  // SI
      {"SHLN", 0},  // SA
      {"", 0},      // E: not a distance (EQ5 counts 0)
      {"HML", 0},   // CR
      {"HML", 0},   // IR
      {"HML", 0},   // AR
  }};
  const Levels& l = k_levels[static_cast<std::size_t>(id)];
  auto pos = l.order.find(value);
  return pos == std::string_view::npos ? 0 : l.first + static_cast<int>(pos);
}

// The highest-severity vectors of each EQ level (the reference calculator's max_composed table):
// for each level the candidates, in the reference's order, each one character per metric of the
// EQ in the order of k_eq*_metrics.
constexpr std::array<Metric, 3> k_eq1_metrics{AV, PR, UI};
constexpr std::array<Metric, 2> k_eq2_metrics{AC, AT};
constexpr std::array<Metric, 6> k_eq3eq6_metrics{VC, VI, VA, CR, IR, AR};
constexpr std::array<Metric, 3> k_eq4_metrics{SC, SI, SA};

std::vector<std::string_view> eq1_maxes(int eq1) {
  switch (eq1) {
    case 0:
      return {"NNN"};
    case 1:
      return {"ANN", "NLN", "NNP"};
    default:
      return {"PNN", "ALP"};
  }
}
std::vector<std::string_view> eq2_maxes(int eq2) {
  return eq2 == 0 ? std::vector<std::string_view>{"LN"} : std::vector<std::string_view>{"HN", "LP"};
}
std::vector<std::string_view> eq3eq6_maxes(int eq3, int eq6) {
  if (eq3 == 0) {
    return eq6 == 0 ? std::vector<std::string_view>{"HHHHHH"}
                    : std::vector<std::string_view>{"HHLMMH", "HHHMMM"};
  }
  if (eq3 == 1) {
    return eq6 == 0
               ? std::vector<std::string_view>{"LHHHHH", "HLHHHH"}
               : std::vector<std::string_view>{"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"};
  }
  return {"LLLHHH"};
}
std::vector<std::string_view> eq4_maxes(int eq4) {
  switch (eq4) {
    case 0:
      return {"HSS"};
    case 1:
      return {"HHH"};
    default:
      return {"LLL"};
  }
}

// Depth of each EQ level in 0.1 steps (the reference's maxSeverity), the denominator of the
// "proportion of distance".
constexpr std::array<int, 3> k_eq1_depth{1, 4, 5};
constexpr std::array<int, 2> k_eq2_depth{1, 2};
// [EQ3][EQ6]; EQ3=2 comes only with EQ6=1, the (2,0) entry is never used.
constexpr std::array<std::array<int, 2>, 3> k_eq3eq6_depth{{{7, 6}, {8, 8}, {10, 10}}};
constexpr std::array<int, 3> k_eq4_depth{6, 5, 4};

class Vector {
 public:
  // Value as given, '\0' when absent ("Clear" etc. of U keep their first letter).
  std::array<char, k_metric_count> given{};

  // The value the score uses (the reference's m()): a modified metric overrides its base metric
  // unless it is X; an absent or X E counts as A (Attacked), an absent or X CR/IR/AR as H.
  char get(Metric id) const {
    const char v = given[static_cast<std::size_t>(id)];
    if (id == E && (v == '\0' || v == 'X')) {
      return 'A';
    }
    if ((id == CR || id == IR || id == AR) && (v == '\0' || v == 'X')) {
      return 'H';
    }
    if (id < k_base_count) {
      const char modified = given[static_cast<std::size_t>(id + k_modified_offset)];
      if (modified != '\0' && modified != 'X') {
        return modified;
      }
    }
    return v;
  }
  bool is(Metric id, char value) const { return get(id) == value; }

  MacroVector macro_vector() const {
    MacroVector mv{};
    // EQ1: 0 AV:N and PR:N and UI:N; 1 (AV:N or PR:N or UI:N) and not all three and not AV:P;
    // 2 AV:P or none of the three.
    const bool av_n = is(AV, 'N'), pr_n = is(PR, 'N'), ui_n = is(UI, 'N');
    if (av_n && pr_n && ui_n) {
      mv.eq1 = 0;
    } else if ((av_n || pr_n || ui_n) && !is(AV, 'P')) {
      mv.eq1 = 1;
    } else {
      mv.eq1 = 2;
    }
    // EQ2: 0 AC:L and AT:N; 1 otherwise.
    mv.eq2 = is(AC, 'L') && is(AT, 'N') ? 0 : 1;
    // EQ3: 0 VC:H and VI:H; 1 not that but one of VC VI VA H; 2 none of them H.
    if (is(VC, 'H') && is(VI, 'H')) {
      mv.eq3 = 0;
    } else if (is(VC, 'H') || is(VI, 'H') || is(VA, 'H')) {
      mv.eq3 = 1;
    } else {
      mv.eq3 = 2;
    }
    // EQ4: 0 MSI:S or MSA:S; 1 not that but SC, SI or SA H; 2 otherwise.
    if (is(MSI, 'S') || is(MSA, 'S')) {
      mv.eq4 = 0;
    } else if (is(SC, 'H') || is(SI, 'H') || is(SA, 'H')) {
      mv.eq4 = 1;
    } else {
      mv.eq4 = 2;
    }
    // EQ5: 0 E:A, 1 E:P, 2 E:U.
    mv.eq5 = is(E, 'A') ? 0 : is(E, 'P') ? 1 : 2;
    // EQ6: 0 (CR:H and VC:H) or (IR:H and VI:H) or (AR:H and VA:H); 1 otherwise.
    mv.eq6 =
        (is(CR, 'H') && is(VC, 'H')) || (is(IR, 'H') && is(VI, 'H')) || (is(AR, 'H') && is(VA, 'H'))
            ? 0
            : 1;
    return mv;
  }
};

// Severity distances (in 0.1 steps) of `v` from one candidate highest-severity vector, summed per
// EQ; `fits` is false when some metric of `v` is more severe than the candidate's.
struct Distances {
  int eq1 = 0, eq2 = 0, eq3eq6 = 0, eq4 = 0;
  bool fits = true;
};

template <std::size_t N>
int distance(const Vector& v, const std::array<Metric, N>& metrics, std::string_view max,
             bool& fits) {
  int sum = 0;
  for (std::size_t i = 0; i < N; ++i) {
    int d = level(metrics[i], v.get(metrics[i])) - level(metrics[i], max[i]);
    if (d < 0) {
      fits = false;
    }
    sum += d;
  }
  return sum;
}

// Specification section 8.2 / cvss_score.js: the first combination of the EQs' highest-severity
// vectors that the vector does not exceed in any metric; if none (not reachable with a valid
// vector), the last one, as the reference does.
Distances severity_distances(const Vector& v, const MacroVector& mv) {
  Distances d;
  for (auto m1 : eq1_maxes(mv.eq1)) {
    for (auto m2 : eq2_maxes(mv.eq2)) {
      for (auto m3 : eq3eq6_maxes(mv.eq3, mv.eq6)) {
        for (auto m4 : eq4_maxes(mv.eq4)) {
          d = Distances{};
          d.eq1 = distance(v, k_eq1_metrics, m1, d.fits);
          d.eq2 = distance(v, k_eq2_metrics, m2, d.fits);
          d.eq3eq6 = distance(v, k_eq3eq6_metrics, m3, d.fits);
          d.eq4 = distance(v, k_eq4_metrics, m4, d.fits);
          if (d.fits) {
            return d;
          }
        }
      }
    }
  }
  return d;
}

double score(const Vector& v) {
  // No impact on the vulnerable or a subsequent system: 0.
  if (v.is(VC, 'N') && v.is(VI, 'N') && v.is(VA, 'N') && v.is(SC, 'N') && v.is(SI, 'N') &&
      v.is(SA, 'N')) {
    return 0.0;
  }
  const MacroVector mv = v.macro_vector();
  const std::optional<int> value = macro_score(mv);
  if (!value) {
    return 0.0;  // not reachable: every MacroVector a valid vector maps to has a score
  }

  // Scores of the next lower MacroVector of each EQ. EQ3 and EQ6 move together: 00 has two
  // next lower ones (01 and 10) and the higher scoring one is taken; 01 -> 11, 10 -> 11, 11 -> 21;
  // 21 has none.
  auto lower = [&](int d1, int d2, int d3, int d4, int d5, int d6) {
    return macro_score(
        {mv.eq1 + d1, mv.eq2 + d2, mv.eq3 + d3, mv.eq4 + d4, mv.eq5 + d5, mv.eq6 + d6});
  };
  std::optional<int> lower_eq3eq6;
  if (mv.eq3 == 0 && mv.eq6 == 0) {
    auto left = lower(0, 0, 0, 0, 0, 1);
    auto right = lower(0, 0, 1, 0, 0, 0);
    lower_eq3eq6 = left && right ? std::max(*left, *right) : left ? left : right;
  } else if (mv.eq3 == 1 && mv.eq6 == 0) {
    lower_eq3eq6 = lower(0, 0, 0, 0, 0, 1);
  } else if (mv.eq6 == 1 && mv.eq3 < 2) {
    lower_eq3eq6 = lower(0, 0, 1, 0, 0, 0);
  }
  const std::array<std::optional<int>, 5> lower_score{
      lower(1, 0, 0, 0, 0, 0), lower(0, 1, 0, 0, 0, 0), lower_eq3eq6, lower(0, 0, 0, 1, 0, 0),
      lower(0, 0, 0, 0, 1, 0)};

  const Distances d = severity_distances(v, mv);
  // Distance as a proportion of the EQ's depth; EQ5 always counts 0 (E is not a distance).
  const std::array<double, 5> proportion{
      static_cast<double>(d.eq1) / k_eq1_depth[static_cast<std::size_t>(mv.eq1)],
      static_cast<double>(d.eq2) / k_eq2_depth[static_cast<std::size_t>(mv.eq2)],
      static_cast<double>(d.eq3eq6) /
          k_eq3eq6_depth[static_cast<std::size_t>(mv.eq3)][static_cast<std::size_t>(mv.eq6)],
      static_cast<double>(d.eq4) / k_eq4_depth[static_cast<std::size_t>(mv.eq4)],
      0.0,
  };

  // The mean, over the EQs that have a next lower MacroVector, of score gap x proportion.
  double sum = 0;
  int existing = 0;
  for (std::size_t i = 0; i < lower_score.size(); ++i) {
    if (lower_score[i]) {
      ++existing;
      sum += (*value - *lower_score[i]) * proportion[i];
    }
  }
  double tenths = *value - (existing == 0 ? 0.0 : sum / existing);
  tenths = std::clamp(tenths, 0.0, 100.0);
  // Round half up to a tenth. The exact value is a multiple of 1/4200 tenth (depths divide 840,
  // at most 5 terms are averaged), so a value that is not an exact x.x5 tie is at least 1e-4
  // tenth away from one, and the 1e-6 margin only absorbs floating-point error at a tie.
  return std::floor(tenths + 0.5 + 1e-6) / 10.0;
}

// The vector as it may appear in a one-line error: printable ASCII, at most 200 characters.
std::string printable(std::string_view s) {
  constexpr std::size_t k_max = 200;
  std::string out;
  for (char c : s.substr(0, k_max)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (s.size() > k_max) {
    out += "...";
  }
  return out;
}

}  // namespace

util::Result<double> cvss4_base_score(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return util::input_error("invalid CVSS v4 vector '{}': {}", printable(text), why);
  };
  constexpr std::string_view k_prefix = "CVSS:4.0/";
  if (text.substr(0, k_prefix.size()) != k_prefix) {
    return bad("does not start with CVSS:4.0/");
  }
  Vector v;
  for (std::string_view part : util::split(text.substr(k_prefix.size()), '/')) {
    if (part.empty()) {
      return bad("empty metric");
    }
    auto colon = part.find(':');
    if (colon == std::string_view::npos) {
      return bad(fmt::format("metric '{}' has no value", printable(part)));
    }
    std::string_view key = part.substr(0, colon);
    std::string_view value = part.substr(colon + 1);
    auto def = std::find_if(k_metrics.begin(), k_metrics.end(),
                            [&](const MetricDef& m) { return m.key == key; });
    if (def == k_metrics.end()) {
      return bad(fmt::format("unknown metric '{}'", printable(key)));
    }
    if (value.empty() ||
        std::find(def->values.begin(), def->values.end(), value) == def->values.end()) {
      return bad(fmt::format("unknown value '{}' for {}", printable(value), key));
    }
    char& slot = v.given[static_cast<std::size_t>(def - k_metrics.begin())];
    if (slot != '\0') {
      return bad(fmt::format("metric {} given twice", key));
    }
    slot = value[0];
  }
  std::string missing;
  for (int id = 0; id < k_base_count; ++id) {
    if (v.given[static_cast<std::size_t>(id)] == '\0') {
      missing += missing.empty() ? "" : " ";
      missing += k_metrics[static_cast<std::size_t>(id)].key;
    }
  }
  if (!missing.empty()) {
    return bad(fmt::format("missing base metrics {}", missing));
  }
  return score(v);
}

}  // namespace strata::vulndb
