#pragma once
// CVSS scores of vector strings.
// v3.x: base scores (FIRST CVSS v3.1 specification, section 7, including the Roundup function of
// Appendix A). v3.0 vectors use the same formula; the 3.0 rounding (plain ceil to one decimal)
// differs from 3.1's Roundup only by floating-point artefacts, so 3.1's is used for both.
// v4.0: the FIRST CVSS v4.0 specification (section 8): the MacroVector (EQ1..EQ6) score table and
// the severity-distance interpolation of FIRST's reference calculator (cvss_score.js), cvss4.cpp.

#include <string_view>

#include "util/result.hpp"

namespace strata::vulndb {

// The base score of a "CVSS:3.0/..." or "CVSS:3.1/..." vector: 0.0 .. 10.0, one decimal.
// All eight base metrics (AV AC PR UI S C I A) must be present exactly once; temporal and
// environmental metrics may follow and are ignored. Anything else (a v2 or v4 vector, an unknown
// metric value, a duplicate) is an input error naming the vector.
util::Result<double> cvss3_base_score(std::string_view vector);

// The score of a "CVSS:4.0/..." vector: 0.0 .. 10.0, one decimal, as FIRST's reference calculator
// computes it. The eleven base metrics (AV AC AT PR UI VC VI VA SC SI SA) must be present; threat
// (E), environmental (CR IR AR, MAV .. MSA) and supplemental (S AU R V RE U) metrics may be.
// Threat and environmental metrics change the score as the specification says (a vector with E:U
// scores lower than the same base vector: the CVSS-BT/-BE/-BTE nomenclature); supplemental ones
// never do. The order of the metrics is not checked. An empty field, an unknown metric, a value
// not defined for its metric ("X" is not a value of a base metric), a metric given twice, a
// missing base metric or another prefix is an input error naming the vector.
util::Result<double> cvss4_base_score(std::string_view vector);

// The Roundup function of CVSS v3.1 Appendix A: the smallest number with one decimal that is
// >= `value`, computed on integers so 4.000000001 rounds to 4.1 and 4.0 stays 4.0.
double cvss3_roundup(double value);

}  // namespace strata::vulndb
