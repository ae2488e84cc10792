// `strata cache stats|data|prune|clear`: look at and trim the layer cache (cache/layer_cache.hpp).
// None of them creates a cache directory that does not exist.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <optional>

#include "cache/layer_cache.hpp"
#include "cli/commands.hpp"
#include "config/settings.hpp"
#include "util/file.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

namespace strata::cli {
namespace {

struct CacheCommandOptions {
  std::string cache_dir;
  std::optional<std::uint64_t> max_mb;
  std::string older_than;
  std::string layer_dir;  // resolved from cache_dir before the subcommand runs
};

// "9.1 KiB"; with_bytes adds " (9288 bytes)".
std::string size_text(std::uint64_t bytes, bool with_bytes = false) {
  std::string exact = with_bytes ? fmt::format(" ({} bytes)", bytes) : "";
  if (bytes >= (1u << 20)) {
    return fmt::format("{:.1f} MiB{}", static_cast<double>(bytes) / (1 << 20), exact);
  }
  if (bytes >= (1u << 10)) {
    return fmt::format("{:.1f} KiB{}", static_cast<double>(bytes) / (1 << 10), exact);
  }
  return fmt::format("{} bytes", bytes);
}

// "7d", "12h", "30m", "45s", "2w", or a sum like "1d12h" (util::parse_duration).
util::Result<std::chrono::seconds> parse_duration(std::string_view text) {
  auto seconds = util::parse_duration(text);
  if (!seconds) {
    return util::make_error(util::ErrorCategory::usage,
                            "--older-than: '{}' is not a duration (e.g. 7d, 12h, 30m, 1d12h)",
                            text);
  }
  return std::chrono::seconds(*seconds);
}

const std::string& cache_dir_of(const CacheCommandOptions& opts) {
  return opts.layer_dir;
}

// Opens an existing cache (never creates one); nullopt if the directory does not exist.
util::Result<std::optional<cache::LayerCache>> open_existing(const CacheCommandOptions& opts) {
  const std::string dir = cache_dir_of(opts);
  if (!util::is_directory(dir)) {
    return std::optional<cache::LayerCache>();
  }
  cache::CacheOptions co;
  co.dir = dir;
  TRY_ASSIGN(cache::LayerCache c, cache::LayerCache::open(co));
  for (const auto& w : c.take_warnings()) {
    LOG_WARN("{}", w);
  }
  return std::optional<cache::LayerCache>(std::move(c));
}

int run_stats(const CacheCommandOptions& opts) {
  auto c = open_existing(opts);
  if (!c) {
    return report_error(c.error());
  }
  cache::Stats s;
  s.dir = cache_dir_of(opts);
  if (c->has_value()) {
    auto got = (*c)->stats();
    if (!got) {
      return report_error(got.error());
    }
    s = *got;
  }
  fmt::print("cache:      {}{}\n", s.dir,
             !c->has_value() ? " (does not exist: empty)"
                             : (s.bypassed ? " (newer format: not read)" : ""));
  fmt::print("hits:       {}\n", s.cache_hits);
  fmt::print("misses:     {}\n", s.cache_misses);
  const std::uint64_t lookups = s.cache_hits + s.cache_misses;
  fmt::print("hit ratio:  {}\n",
             lookups == 0 ? std::string("-")
                          : fmt::format("{:.1f}%", 100.0 * static_cast<double>(s.cache_hits) /
                                                       static_cast<double>(lookups)));
  fmt::print("records:    {}\n", s.record_count);
  fmt::print("total size: {}\n", size_text(s.record_total_size, true));
  fmt::print("cap:        {}\n", s.max_size == 0 ? std::string("unknown (set by the scans)")
                                                 : size_text(s.max_size, true));
  return k_exit_ok;
}

int run_data(const CacheCommandOptions& opts) {
  auto c = open_existing(opts);
  if (!c) {
    return report_error(c.error());
  }
  cache::CacheData d;
  if (c->has_value()) {
    // NeuVector's cacher.json is generated here, not kept up to date by every lookup; a cache
    // that cannot be written to still prints its data.
    if (auto written = (*c)->write_cacher_json(); !written) {
      LOG_WARN("{}", written.error().message);
    } else {
      LOG_DEBUG("wrote {}", *written);
    }
    auto got = (*c)->data();
    if (!got) {
      return report_error(got.error());
    }
    d = std::move(*got);
  }
  nlohmann::json records = nlohmann::json::array();
  for (const auto& r : d.records) {
    records.push_back({{"layer_id", r.layer_id},
                       {"size", r.size},
                       {"reference_count", r.reference_count},
                       {"last_referred", cache::format_time(r.last_referred)}});
  }
  nlohmann::json j{{"cache_hits", d.cache_hits},
                   {"cache_misses", d.cache_misses},
                   {"cache_records", std::move(records)},
                   {"record_total_size", d.record_total_size}};
  fmt::print("{}\n", j.dump(2));
  return k_exit_ok;
}

void print_removed(const cache::PruneResult& r) {
  fmt::print("removed {} records ({}); {} in use by running scans kept; {} records ({}) remain\n",
             r.removed, size_text(r.removed_bytes), r.kept_in_use, r.remaining,
             size_text(r.remaining_bytes));
}

// Opens the cache (a missing one has nothing to remove), runs `remove`, prints what it did.
template <typename Remove>
int remove_records(const CacheCommandOptions& opts, Remove remove) {
  auto c = open_existing(opts);
  if (!c) {
    return report_error(c.error());
  }
  cache::PruneResult result;
  if (c->has_value()) {
    auto r = remove(**c);
    if (!r) {
      return report_error(r.error());
    }
    result = *r;
  }
  print_removed(result);
  return k_exit_ok;
}

int run_prune(const CacheCommandOptions& opts) {
  if (!opts.max_mb && opts.older_than.empty()) {
    return report_error(util::make_error(util::ErrorCategory::usage,
                                         "cache prune: give --max-mb and/or --older-than"));
  }
  std::optional<std::chrono::seconds> older_than;
  if (!opts.older_than.empty()) {
    auto d = parse_duration(opts.older_than);
    if (!d) {
      return report_error(d.error());
    }
    older_than = *d;
  }
  std::optional<std::uint64_t> max_bytes;
  if (opts.max_mb) {
    max_bytes = *opts.max_mb << 20;
  }
  return remove_records(opts, [&](cache::LayerCache& c) { return c.prune(max_bytes, older_than); });
}

int run_clear(const CacheCommandOptions& opts) {
  return remove_records(opts, [](cache::LayerCache& c) { return c.clear(); });
}

void add_cache_dir_option(CLI::App* sub, CacheCommandOptions& opts) {
  sub->add_option(
         "--cache-dir", opts.cache_dir,
         "Cache directory; the layer cache is its layers/ (default: $XDG_CACHE_HOME/strata)")
      ->envname("STRATA_CACHE_DIR");
}

}  // namespace

Command add_cache_command(CLI::App& app, const GlobalOptions& globals) {
  auto* cache = app.add_subcommand("cache", "Show or trim the layer cache");
  cache->require_subcommand(1);
  // One options struct per subcommand: CLI11 applies STRATA_CACHE_DIR to every subcommand's
  // --cache-dir, so a shared variable would take the environment over the flag.
  auto stats_opts = std::make_shared<CacheCommandOptions>();
  auto data_opts = std::make_shared<CacheCommandOptions>();
  auto prune_opts = std::make_shared<CacheCommandOptions>();
  auto clear_opts = std::make_shared<CacheCommandOptions>();

  auto* stats = cache->add_subcommand("stats", "Show hits, misses, hit ratio, records, size, cap");
  add_cache_dir_option(stats, *stats_opts);
  auto* data = cache->add_subcommand(
      "data",
      "Print every record as JSON (the shape of NeuVector's show scan cache-data) and write "
      "NeuVector's cacher.json from the index");
  add_cache_dir_option(data, *data_opts);
  auto* prune = cache->add_subcommand(
      "prune", "Remove records not used by a running scan: older ones, then least recently used");
  add_cache_dir_option(prune, *prune_opts);
  prune->add_option("--max-mb", prune_opts->max_mb,
                    "Remove least recently referred records until the total is at most N MiB");
  prune->add_option("--older-than", prune_opts->older_than,
                    "Remove records last referred longer ago than DURATION (7d, 12h, 30m, 1d12h)");
  auto* clear = cache->add_subcommand(
      "clear", "Remove every record not used by a running scan and reset the counters");
  add_cache_dir_option(clear, *clear_opts);

  return {cache, [=, &globals] {
            for (const auto& o : {stats_opts, data_opts, prune_opts, clear_opts}) {
              o->layer_dir =
                  config::logged_value("layer cache directory",
                                       config::layer_cache_dir(o->cache_dir, false, globals.env));
            }
            if (stats->parsed()) {
              return run_stats(*stats_opts);
            }
            if (data->parsed()) {
              return run_data(*data_opts);
            }
            if (prune->parsed()) {
              return run_prune(*prune_opts);
            }
            if (clear->parsed()) {
              return run_clear(*clear_opts);
            }
            return k_exit_usage;
          }};
}

}  // namespace strata::cli
