#pragma once
// `strata registry`: one shard of a sweep over a whole registry, without a coordinator.
//
// 1. Repositories: the --repo names as given when none is a glob, else /v2/_catalog (Link pages)
//    filtered by the globs (fnmatch, `*` crosses `/`); names that are not valid repository names
//    are left out with a warning. Only this shard's repositories (fleet/shard.hpp) go on.
// 2. Tags: /v2/<name>/tags/list (Link pages), filtered by the --tag globs, the first
//    max_tags_per_repo of them in the registry's order; each resolved to its manifest digest
//    (HEAD). Tags that resolve to one digest are one image.
// 3. Each (repository, digest), in order: skipped when DIR/images/<name> is already the report of
//    that repository and digest made with the same database build (not rewritten); else scanned
//    (as `strata image host/repo@digest`) and its JSON report written to a temp file in
//    DIR/.tmp/shard-I-of-N/ and renamed into DIR/images/, so a report is whole or absent. A
//    failure (listing, resolving, scanning, writing) makes that image `failed` and the sweep goes
//    on; its report, if an older one exists, is left as it was.
// 4. With a post URL, each new report is POSTed (and skipped ones whose post failed in the
//    previous summary of this shard); a failed post is `post_error` in the summary.
// 5. DIR/shard-I-of-N.json (fleet/summary.hpp), written the same way.
//
// A shard holds DIR/.tmp/shard-I-of-N.lock while it runs (a second copy of the same shard is an
// error) and clears its own temp directory at start: what a killed run left is removed there.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleet/shard.hpp"
#include "fleet/summary.hpp"
#include "http/client.hpp"
#include "model/types.hpp"
#include "registry/client.hpp"
#include "scan/scan.hpp"
#include "util/result.hpp"

namespace strata::fleet {

struct SweepOptions {
  std::string host;                    // "host[:port]"
  registry::RegistryOptions registry;  // transport and credentials for `host`
  std::vector<std::string> repos;      // --repo names or globs; empty: every repository
  std::vector<std::string> tags;       // --tag globs; empty: every tag
  std::size_t max_tags_per_repo = 0;   // 0: no limit
  int page_size = 100;
  Shard shard;
  std::string output_dir;
  std::string post_url;  // "" = no posting
  http::ClientOptions post_http;
  // The scan of each image: its reference and registry options are set per image.
  scan::Options scan;
  std::optional<model::Severity> fail_on;
  // Called once per image, after it, with one line ("[3/40] team/app@sha256:..: scanned").
  std::function<void(std::string_view)> progress;
};

struct SweepResult {
  ShardSummary summary;
  bool fail_on_hit = false;           // a finding at or above fail_on, skipped images included
  std::vector<std::string> warnings;  // names left out, posts that failed
};

// Errors (the sweep does not start, or stops before any image): usage (a bad page size, a --repo
// that is no repository name), input (the output directory cannot be made or written, the shard
// is already running there, the database cannot be opened), network (the catalog cannot be
// listed: the message suggests --repo).
util::Result<SweepResult> run_sweep(const SweepOptions& options);

}  // namespace strata::fleet
