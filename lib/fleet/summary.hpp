#pragma once
// The shard summary of a registry sweep, DIR/shard-I-of-N.json, and what `strata merge` makes of
// several. The document, as written (keys in this order):
//
//   {"shard": I, "shards": N,
//    "images": [{"repository": "team/app", "digest": "sha256:...", "tags": ["1.0", "latest"],
//                "status": "scanned" | "failed" | "skipped",
//                "error": "..."                        (failed only)
//                "report": "images/team_app@sha256_<hex>.json"   (not when failed)
//                "post_error": "..."                   (--post-url, when the post failed)}],
//    "totals": {"scanned": S, "failed": F, "skipped": K, "post_failed": P,
//               "findings": {"critical", "high", "medium", "low", "unknown", "total"}}}
//
// `totals.findings` adds up the reports' "summary" objects (suppressed findings are not in them),
// those of skipped images included. An entry without a digest is a repository or tag that could
// not be listed or resolved.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fleet/shard.hpp"
#include "util/result.hpp"

namespace strata::fleet {

struct FindingCounts {
  std::uint64_t critical = 0;
  std::uint64_t high = 0;
  std::uint64_t medium = 0;
  std::uint64_t low = 0;
  std::uint64_t unknown = 0;
  std::uint64_t total = 0;

  FindingCounts& operator+=(const FindingCounts& o);
  bool operator==(const FindingCounts&) const = default;
};

enum class ImageStatus { scanned, failed, skipped };

struct ImageEntry {
  std::string repository;
  std::string digest;             // "" when the tag could not be resolved
  std::vector<std::string> tags;  // bare tags, sorted
  ImageStatus status = ImageStatus::scanned;
  std::string error;   // failed only
  std::string report;  // "images/<name>" relative to the output directory; "" when failed
  std::string post_error;
  FindingCounts findings;  // of the report (not written in the entry)
};

struct ShardSummary {
  Shard shard;
  std::vector<ImageEntry> images;

  std::uint64_t count(ImageStatus status) const;
  std::uint64_t post_failed() const;
  FindingCounts findings() const;
};

std::string to_json(const ShardSummary& summary);

// "images/<repository with / as _>@sha256_<hex>.json" for `repository` and `digest`.
std::string report_name(const std::string& repository, const std::string& digest);

// What `strata merge` prints: the sum over the shard summaries read.
struct MergeTotals {
  std::uint64_t images = 0;  // every entry, failed ones included
  std::uint64_t failed = 0;
  FindingCounts findings;
};

// One shard summary as merge reads it: the totals it states and its entries' reports.
struct ReadSummary {
  std::string path;
  Shard shard;
  MergeTotals totals;
  struct Entry {
    std::string repository;
    std::string digest;
    std::vector<std::string> tags;
    std::string report;        // relative to the summary's directory; "" when none
    bool post_failed = false;  // the entry has a post_error
  };
  std::vector<Entry> entries;
};

// Parses DIR/shard-I-of-N.json. Errors (input): unreadable, not JSON, fields missing or of the
// wrong type, a report path that leaves the directory; one line naming the file.
util::Result<ReadSummary> read_summary(const std::string& path);

// What a resumed sweep needs of an existing JSON report: its target's name, the database build
// it was made with and its "summary" counts. Errors (input): unreadable, not JSON, no summary
// counts; one line naming the file.
struct ReportHead {
  std::string name;      // target.name ("" when missing)
  std::string db_built;  // db.built ("" when missing)
  FindingCounts counts;
};
util::Result<ReportHead> read_report_head(const std::string& path);

}  // namespace strata::fleet
