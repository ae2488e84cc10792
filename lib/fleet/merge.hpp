#pragma once
// `strata merge DIR...`: the shard summaries of one or more sweep output directories added up,
// and optionally every finding of their reports as CSV rows.

#include <ostream>
#include <string>
#include <vector>

#include "fleet/summary.hpp"

namespace strata::fleet {

struct MergeResult {
  MergeTotals totals;               // the sum of the summaries read
  std::vector<std::string> errors;  // one line per summary or report that could not be read
};

// Reads every DIR/shard-I-of-N.json of `dirs`. Errors, one line each (what was read is added up
// all the same): a directory without a summary, a shard missing from a set (shard-1-of-4 when
// shard-0-of-4 is there), two sets of different shard counts in one directory (their images
// overlap). With `csv`, writes the header
// `repository,digest,tags,package,installed_version,id,severity,fixed_version` and one row per
// finding (suppressed ones left out, as in the counts) of each entry's report; tags are joined
// with spaces; fields are quoted as RFC 4180 says when they hold a comma, quote or line break.
MergeResult merge(const std::vector<std::string>& dirs, std::ostream* csv);

// {"images": N, "failed": F, "findings": {"critical", "high", "medium", "low", "unknown",
// "total"}}
std::string to_json(const MergeTotals& totals);

}  // namespace strata::fleet
