#pragma once
// `strata db update`: downloads OSV's per-ecosystem exports (<source>/<Ecosystem>/all.zip) and
// builds a new database from them under DIR/lock.
//
// Design (documented in man/strata.1, DB UPDATE):
// - Every zip imported is kept as DIR/osv/<Ecosystem>.zip, and the database's meta "exports"
//   records, per ecosystem, the source, URL, ETag, Last-Modified and the zip's sha256. The next
//   run sends If-None-Match / If-Modified-Since to the same source only when the cached zip is
//   still there with that sha256. The database is rebuilt from the zips (new or cached), so it
//   holds exactly the ecosystems asked for and its build time is the time of the last successful
//   update; except when every export answered 304 for the same ecosystems as last time and the
//   current database verifies: then its blocks are kept and only its meta is rewritten.
// - Sources are tried in order for each ecosystem: a connection error, a timeout, a transfer cut
//   mid-way, or a 429/5xx once the client's own retries are spent moves on to the next source.
//   Another HTTP status (404, 403, ...) fails the run at once.
// - Downloads stream into DIR/.download-* (never the whole zip in memory) and must be zips.
// - All or nothing: when any ecosystem fails (every source failed, a corrupt or truncated zip)
//   the run fails, the database and DIR/osv/ stay exactly as they were and the temp files are
//   removed.
// - DIR/lock is held for the whole run; a second run waits (or fails with `wait` false).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "http/client.hpp"
#include "util/result.hpp"
#include "vulndb/import.hpp"

namespace strata::vulndb {

inline constexpr const char* k_default_osv_source =
    "https://osv-vulnerabilities.storage.googleapis.com";

// The OSV export directory names fetched by default: the OS distributions strata detects and the
// language ecosystems, spelled as osv.dev spells them ("Rocky Linux", "Red Hat", "crates.io").
const std::vector<std::string>& default_update_ecosystems();

// Progress, called on the updating thread.
class UpdateProgress : public ImportProgress {
 public:
  // Bytes of one download received so far.
  virtual void on_download(const std::string& /*ecosystem*/, const std::string& /*source*/,
                           std::uint64_t /*received*/) {}
};

struct UpdateOptions {
  std::string db_dir;
  std::vector<std::string> sources;     // base URLs, tried in order; empty: k_default_osv_source
  std::vector<std::string> ecosystems;  // empty: default_update_ecosystems()
  http::ClientOptions http;
  bool wait = true;  // wait for DIR/lock (else fail at once when held)
  UpdateProgress* progress = nullptr;
  BuildTime time;  // the database's "built" and each export's "checked" (vulndb/builder.hpp)
};

struct EcosystemResult {
  std::string ecosystem;
  std::string source;                // the base URL that answered
  bool downloaded = false;           // false: 304, the cached zip was re-imported
  std::uint64_t bytes = 0;           // zip size
  std::vector<std::string> skipped;  // "SOURCE: why" for each source that failed before
};

struct UpdateStats {
  std::vector<EcosystemResult> ecosystems;
  // False when every export was unchanged: the database kept its blocks and only its build time
  // and validators were refreshed (`import` then carries the database's own counts).
  bool rebuilt = true;
  ImportStats import;
  double download_seconds = 0;
};

// The URL of one export: <source>/<Ecosystem>/all.zip with the name percent-encoded
// ("Rocky Linux" -> "Rocky%20Linux").
std::string export_url(const std::string& source, const std::string& ecosystem);

// Errors: usage for a source that is not an http(s) URL or an unusable ecosystem name; network
// naming the ecosystem and every source tried when no source delivered; input naming the
// ecosystem and source for a download that is not a zip or a zip that is corrupt or truncated,
// and for a held lock when `wait` is false.
util::Result<UpdateStats> update_database(const UpdateOptions& options);

}  // namespace strata::vulndb
