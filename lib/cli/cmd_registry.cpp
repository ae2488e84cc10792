// `strata registry`: one shard of a sweep over a whole registry (fleet/sweep.hpp), with the
// image scan's registry, cache, database and policy flags.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/image_options.hpp"
#include "fleet/sweep.hpp"
#include "image/reference.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

namespace strata::cli {
namespace {

struct RegistryOptions {
  ImageOptions image;
  std::string registry;
  std::vector<std::string> repos;
  std::vector<std::string> tags;
  long long max_tags = 0;
  int page_size = 100;
  std::string shard;
  std::optional<long long> shards;
  std::string output_dir;
  std::string post_url;
};

util::Result<fleet::SweepOptions> sweep_options(RegistryOptions& o,
                                                const config::Environment& env) {
  TRY_ASSIGN(image::RegistryUrl url, image::parse_registry_url(o.registry));
  if (url.insecure) {
    o.image.insecure = true;
  }
  if (o.output_dir.empty()) {
    return util::make_error(util::ErrorCategory::usage, "--output-dir is required");
  }
  if (o.max_tags < 0) {
    return util::make_error(util::ErrorCategory::usage, "--max-tags-per-repo must be 0 or more");
  }
  for (const auto& t : o.tags) {
    if (t.empty()) {
      return util::make_error(util::ErrorCategory::usage, "--tag: an empty pattern");
    }
  }
  for (const auto& r : o.repos) {
    if (r.empty()) {
      return util::make_error(util::ErrorCategory::usage, "--repo: an empty pattern");
    }
  }
  fleet::SweepOptions s;
  TRY_ASSIGN(s.shard, fleet::choose_shard(o.shard, o.shards, env.get("JOB_COMPLETION_INDEX")));
  // The images are scanned as `strata image` scans a registry reference; the reference below
  // only resolves the registry settings (credentials for this host), each image sets its own.
  o.image.reference = url.str() + "/strata-sweep";
  o.image.image_src = "registry";
  TRY_ASSIGN(s.scan, scan_options(o.image, env));
  s.host = url.host;
  s.registry = s.scan.registry;
  s.repos = o.repos;
  s.tags = o.tags;
  s.max_tags_per_repo = static_cast<std::size_t>(o.max_tags);
  s.page_size = o.page_size;
  s.output_dir = o.output_dir;
  while (s.output_dir.size() > 1 && s.output_dir.back() == '/') {
    s.output_dir.pop_back();
  }
  s.post_url = o.post_url;
  if (!s.post_url.empty() && !s.post_url.starts_with("http://") &&
      !s.post_url.starts_with("https://")) {
    return util::make_error(util::ErrorCategory::usage,
                            "--post-url must be an http:// or https:// URL");
  }
  s.post_http = s.registry.http;
  s.post_http.ca_file.clear();  // the registry's CA is not the collector's
  if (!o.image.output.fail_on.empty()) {
    s.fail_on = model::parse_severity(util::to_lower(o.image.output.fail_on));
  }
  return s;
}

int run_registry(RegistryOptions& o, const GlobalOptions& globals) {
  auto opts = sweep_options(o, globals.env);
  if (!opts) {
    return report_error(opts.error());
  }
  const bool tty = !globals.quiet && ::isatty(STDERR_FILENO);
  opts->progress = [&](std::string_view line) {
    if (tty) {
      fmt::print(stderr, "{}\n", util::printable(line, 1000));
    } else {
      LOG_INFO("registry sweep: {}", util::printable(line, 1000));
    }
  };
  auto result = fleet::run_sweep(*opts);
  if (!result) {
    return report_error(result.error());
  }
  const std::string summary = fmt::format("{}/shard-{}.json", opts->output_dir, opts->shard.name());
  if (!globals.quiet) {
    for (const auto& w : result->warnings) {
      fmt::print(stderr, "strata: warning: {}\n", util::printable(w, 4096));
    }
  }
  std::uint64_t failed = 0;
  for (const auto& i : result->summary.images) {
    if (i.status == fleet::ImageStatus::failed) {
      ++failed;
      fmt::print(stderr, "strata: error: {}{}{}: {}\n", i.repository, i.digest.empty() ? "" : "@",
                 i.digest, util::printable(i.error, 4096));
    }
  }
  if (failed != 0) {
    fmt::print(stderr, "strata: error: {} of {} images failed (see {})\n", failed,
               result->summary.images.size(), summary);
    return k_exit_input;
  }
  return result->fail_on_hit ? k_exit_findings : k_exit_ok;
}

}  // namespace

Command add_registry_command(CLI::App& app, const GlobalOptions& globals) {
  auto o = std::make_shared<RegistryOptions>();
  auto* sub = app.add_subcommand(
      "registry",
      "Scan every image of a registry, or one shard of it (a Kubernetes Indexed Job's pod)");
  sub->add_option("registry", o->registry,
                  "The registry: host[:port] (http://host[:port] for plain HTTP)")
      ->required();
  sub->add_option("--repo", o->repos,
                  "Repository to sweep, or a glob of them (* matches across /); repeatable. "
                  "Without one, or with a glob, repositories are listed from /v2/_catalog");
  sub->add_option("--tag", o->tags, "Only tags matching this glob; repeatable");
  sub->add_option("--max-tags-per-repo", o->max_tags,
                  "Sweep at most N tags of each repository, the first the registry lists "
                  "(0: all)")
      ->capture_default_str();
  sub->add_option("--page-size", o->page_size,
                  "Names asked for per page of the catalog and of tag lists (Link pagination)")
      ->capture_default_str();
  auto* shard = sub->add_option("--shard", o->shard,
                                "Sweep shard I of N (I counted from 0): the repositories whose "
                                "xxh64 hash modulo N is I");
  auto* shards = sub->add_option("--shards", o->shards,
                                 "Sweep N shards, this one from $JOB_COMPLETION_INDEX "
                                 "(a Kubernetes Indexed Job)");
  shard->excludes(shards);
  sub->add_option("--output-dir", o->output_dir,
                  "Where the reports (DIR/images/) and the shard summary "
                  "(DIR/shard-I-of-N.json) go; shards may share it")
      ->required();
  sub->add_option("--post-url", o->post_url,
                  "Also POST each new report (JSON) to this collector URL, with retries");
  sub->add_option("--platform", o->image.platform,
                  "Platform to pick in an image index: os/arch[/variant]")
      ->capture_default_str()
      ->envname("STRATA_PLATFORM");
  sub->add_option("--fail-on", o->image.output.fail_on,
                  "Exit with code 1 when a finding of a swept image has this severity or higher "
                  "(and no image failed)")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "unknown", "CRITICAL", "HIGH",
                             "MEDIUM", "LOW", "UNKNOWN"}))
      ->envname("STRATA_FAIL_ON");
  add_match_options(*sub, o->image.match);
  add_registry_options(*sub, o->image);
  add_cache_options(*sub, o->image);
  return {sub, [o, &globals] { return run_registry(*o, globals); }};
}

}  // namespace strata::cli
