#pragma once
// CVSS v3.x base scores (FIRST CVSS v3.1 specification, section 7, including the Roundup
// function of Appendix A). v3.0 vectors use the same formula; the 3.0 rounding (plain ceil to one
// decimal) differs from 3.1's Roundup only by floating-point artefacts, so 3.1's is used for both.

#include <string_view>

#include "util/result.hpp"

namespace strata::vulndb {

// The base score of a "CVSS:3.0/..." or "CVSS:3.1/..." vector: 0.0 .. 10.0, one decimal.
// All eight base metrics (AV AC PR UI S C I A) must be present exactly once; temporal and
// environmental metrics may follow and are ignored. Anything else (a v2 or v4 vector, an unknown
// metric value, a duplicate) is an input error naming the vector.
util::Result<double> cvss3_base_score(std::string_view vector);

// The Roundup function of CVSS v3.1 Appendix A: the smallest number with one decimal that is
// >= `value`, computed on integers so 4.000000001 rounds to 4.1 and 4.0 stays 4.0.
double cvss3_roundup(double value);

}  // namespace strata::vulndb
