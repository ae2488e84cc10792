#include "scan/scan.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>

#include "cache/layer_cache.hpp"
#include "detect/detect.hpp"
#include "detect/lang/extract.hpp"
#include "host/host_info.hpp"
#include "host/kernel.hpp"
#include "layer/analyze.hpp"
#include "layer/merge.hpp"
#include "match/matcher.hpp"
#include "scan/attribute.hpp"
#include "scan/image_checks.hpp"
#include "scan/language.hpp"
#include "source/engine_source.hpp"
#include "source/image_source.hpp"
#include "source/registry_source.hpp"
#include "util/log.hpp"
#include "util/parallel.hpp"
#include "util/time.hpp"
#include "util/warnings.hpp"
#include "vulndb/database.hpp"

namespace strata::scan {

namespace {

util::Status match_into(model::ScanResult& result, const vulndb::Database& db, bool ignore_unfixed,
                        const PackageTypes& types, const DbPolicy& policy) {
  auto start = std::chrono::steady_clock::now();
  match::MatchOptions match_options;
  match_options.ignore_unfixed = ignore_unfixed;
  match_options.os_packages = types.os;
  auto matched = match::match_packages(result.packages, result.target.os, db, match_options);
  LOG_INFO(
      "matched {} packages in {:.1f} ms: {} findings", result.packages.size(),
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
      matched.findings.size());
  result.findings = std::move(matched.findings);
  result.warnings.insert(result.warnings.end(), matched.warnings.begin(), matched.warnings.end());
  result.db_built = db.info().built;
  result.os_data = matched.os_data;
  const model::OsInfo& os = result.target.os;
  if (policy.fail_on_unsupported && types.os && !matched.os_data && !os.family.empty()) {
    return util::input_error(
        "the vulnerability database has no data for {} {}{} (--fail-on-unsupported)", os.family,
        os.version, os.ecosystem.empty() ? "" : fmt::format(" ({})", os.ecosystem));
  }
  if (policy.fail_on_unsupported && !matched.unsupported_ecosystems.empty()) {
    std::string names;
    for (const auto& e : matched.unsupported_ecosystems) {
      names += names.empty() ? e : ", " + e;
    }
    return util::input_error(
        "the vulnerability database has no data for the {} packages found (--fail-on-unsupported)",
        names);
  }
  return {};
}

// Opens the database and applies the age policy; a stale-database warning goes to `warnings`.
util::Result<vulndb::Database> open_db(const std::string& dir, const DbPolicy& policy,
                                       std::vector<std::string>& warnings) {
  auto start = std::chrono::steady_clock::now();
  TRY_ASSIGN(vulndb::Database db, vulndb::Database::open(dir));
  LOG_INFO(
      "opened the vulnerability database {} ({} records) in {:.1f} ms", db.info().path,
      db.info().record_count,
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  TRY_ASSIGN(auto warning, check_db_age(db.info().built, policy, now));
  if (warning) {
    warnings.push_back(std::move(*warning));
  }
  return db;
}

std::string format_age(std::int64_t seconds) {
  if (seconds >= 86400) {
    return fmt::format("{}d{}h", seconds / 86400, seconds % 86400 / 3600);
  }
  if (seconds >= 3600) {
    return fmt::format("{}h{}m", seconds / 3600, seconds % 3600 / 60);
  }
  return fmt::format("{}s", seconds);
}

std::optional<cache::LayerCache> open_layer_cache(const Options& options) {
  if (options.layer_cache_dir.empty()) {
    return std::nullopt;
  }
  cache::CacheOptions co;
  co.dir = options.layer_cache_dir;
  co.max_bytes = options.cache_max_bytes;
  co.analyzer_version =
      fmt::format("{}; max file {}", detect::k_analyzer_version, options.max_file_size);
  co.hmac_key = options.cache_key;
  auto opened = cache::LayerCache::open(co);
  if (!opened) {
    LOG_WARN("layer cache {} not used: {}", options.layer_cache_dir, opened.error().message);
    return std::nullopt;
  }
  for (const auto& w : opened->take_warnings()) {
    LOG_WARN("layer cache: {}", w);
  }
  return std::move(*opened);
}

util::Result<source::LoadedImage> load_source(const Options& options,
                                              const source::LoadOptions& load) {
  if (options.engine) {
    return source::load_engine_image(*options.engine->client, options.engine->name,
                                     options.engine->inspect, load);
  }
  if (options.reference) {
    return source::load_registry_image(*options.reference, options.registry, load);
  }
  return source::load_image(options.input_path, load);
}

// The layer cache's lookups and stores for source::LoadOptions; a failing one is a warning.
// A scan that looks for secrets reads a layer again when its cached analysis was made without
// them (or with other rules), and its record replaces that one: it holds everything the other
// did, and the secrets.
void connect_cache(cache::LayerCache& c, source::LoadOptions& load, std::string secret_rules,
                   std::shared_ptr<util::Quota> kept) {
  cache::LayerCache* cache = &c;
  load.cache.lookup = [cache, secret_rules,
                       kept](const std::string& key) -> std::optional<layer::LayerAnalysis> {
    auto hit = cache->lookup(key, [&](const layer::LayerAnalysis& a) {
      if (secret_rules.empty() || a.secret_rules == secret_rules) {
        return true;
      }
      LOG_INFO("layer cache: {} was analysed without these secret rules; reading it again", key);
      return false;
    });
    if (!hit) {
      LOG_WARN("layer cache: {}", hit.error().message);
      return std::nullopt;
    }
    // A cached analysis counts against what the image may keep, as a read of it would; past
    // the limit the layer is read, and its read reports the limit.
    if (*hit && !kept->take(layer::kept_cost(**hit))) {
      return std::nullopt;
    }
    return std::move(*hit);
  };
  load.cache.claim = [cache](const std::string& key) -> std::shared_ptr<void> {
    auto claim = cache->claim_fill(key);
    if (!claim) {
      LOG_WARN("layer cache: {}", claim.error().message);
      return nullptr;
    }
    return *claim ? std::make_shared<util::FileLock>(std::move(**claim)) : nullptr;
  };
  const bool replace = !secret_rules.empty();
  load.cache.store = [cache, replace](const layer::LayerAnalysis& analysis,
                                      const std::string& alias) {
    if (auto st = cache->store(analysis, alias, replace); !st) {
      LOG_WARN("layer cache: {}", st.error().message);
    }
  };
}

// What the layers read at once may hold together of files read to be parsed and dropped
// (layer::ReadOptions::transient_budget): one file at the largest language-file size runs
// alone, smaller ones side by side.
constexpr std::uint64_t k_transient_budget = 64u << 20;

// Reads the image's layers once each (through the layer cache when there is one).
util::Result<source::LoadedImage> read_image(const Options& options) {
  source::LoadOptions load;
  load.tag = options.tag;
  load.platform = options.platform;
  load.read.wants = detect::wants_path;
  load.read.accepts = detect::keep_content;
  load.read.size_limit = detect::kept_size_limit;
  load.read.extracts = detect::lang::is_language_file;
  load.read.extracts_head = detect::lang::is_executable_head;
  load.read.extract = detect::lang::extract_language_packages;
  load.read.max_extract_size = detect::lang::k_max_language_file;
  load.read.max_file_size = options.max_file_size;
  load.read.gzip = options.gzip;
  load.parallel = options.parallel;
  load.read.transient_budget = std::make_shared<util::ByteBudget>(k_transient_budget);
  load.read.max_layer_size = options.max_layer_size;
  load.read.max_ratio = options.max_ratio;
  load.read.kept = std::make_shared<util::Quota>(options.max_kept);
  if (options.secrets) {
    load.read.inspects = options.secrets->wants;
    load.read.inspect = options.secrets->scan;
    load.read.inspect_id = options.secrets->rules_id;
  }
  std::optional<cache::LayerCache> layer_cache = open_layer_cache(options);
  if (layer_cache) {
    connect_cache(*layer_cache, load, options.secrets ? options.secrets->rules_id : "",
                  load.read.kept);
  }
  const std::string what = options.engine      ? options.engine->name
                           : options.reference ? options.reference->str()
                                               : options.input_path;
  if (options.progress) {
    options.progress("reading image " + what);
  }
  auto loaded = load_source(options, load);
  if (layer_cache) {
    for (const auto& w : layer_cache->take_warnings()) {
      LOG_WARN("layer cache: {}", w);
    }
  }
  return loaded;
}

// The diff_ids of the base image, from its config: every layer "hits" a cache that makes up an
// empty analysis for it, so a registry, OCI layout or engine base is never read (an archive is
// read whole, as always, without keeping anything).
util::Result<std::vector<std::string>> base_diff_ids(const Options& options) {
  const Options::BaseImage& b = *options.base_image;
  Options base;
  base.input_path = b.input_path;
  base.engine = b.engine;
  base.reference = b.reference;
  base.registry = b.registry;
  base.platform = options.platform;
  source::LoadOptions load;
  load.platform = options.platform;
  load.cache.lookup = [](const std::string& key) -> std::optional<layer::LayerAnalysis> {
    layer::LayerAnalysis empty;
    empty.diff_id = key;
    return empty;
  };
  if (options.progress) {
    options.progress("reading base image " + b.name);
  }
  auto loaded = load_source(base, load);
  if (!loaded) {
    return loaded.error().wrap("base image " + b.name);
  }
  std::vector<std::string> ids;
  for (const auto& l : loaded->layers) {
    ids.push_back(l.diff_id);
  }
  return ids;
}

// Marks every package and finding in_base_image: whether its layer is one of the image's bottom
// layers that are the base image's (the same diff_ids in the same order).
void mark_base_layers(model::ScanResult& result, const std::vector<std::string>& base,
                      const std::string& name) {
  std::set<std::string> shared;
  for (std::size_t i = 0; i < base.size() && i < result.layers.size(); ++i) {
    if (result.layers[i].diff_id != base[i]) {
      break;
    }
    shared.insert(base[i]);
  }
  if (shared.empty()) {
    result.warnings.push_back(fmt::format(
        "the base image {} shares no layers with the image (its bottom layer differs): nothing "
        "is marked in_base_image",
        name));
  } else if (shared.size() < base.size()) {
    result.warnings.push_back(fmt::format(
        "the image shares only {} of the base image {}'s {} layers: the image is built on "
        "another version of it",
        shared.size(), name, base.size()));
  }
  for (auto& p : result.packages) {
    p.in_base_image = shared.count(p.layer) != 0;
  }
  for (auto& f : result.findings) {
    f.in_base_image = shared.count(f.layer) != 0;
  }
}

// The OS and packages of the merged layers, each package attributed to its layer.
void detect_into(model::ScanResult& result, const std::vector<layer::LayerAnalysis>& analyses) {
  std::vector<const layer::LayerAnalysis*> bottom_up;
  for (const auto& a : analyses) {
    bottom_up.push_back(&a);
  }
  using Ms = std::chrono::duration<double, std::milli>;
  const auto start = std::chrono::steady_clock::now();
  vfs::MemFs merged = layer::merge_layers(bottom_up);
  const auto merged_at = std::chrono::steady_clock::now();
  result.target.os = detect::detect_os(merged, result.warnings);
  std::set<std::string> os_owned;
  result.packages = detect::detect_packages(merged, result.target.os, result.warnings, &os_owned);
  attribute_layers(result.packages, analyses, result.target.os);
  auto language = language_packages(analyses);
  drop_os_owned(language, os_owned);
  result.packages.insert(result.packages.end(), std::make_move_iterator(language.begin()),
                         std::make_move_iterator(language.end()));
  LOG_INFO(
      "{}: {} packages, os {}; merged view of {} entries ({} bytes kept) in {:.1f} ms, "
      "detected in {:.1f} ms",
      result.target.name, result.packages.size(),
      result.target.os.ecosystem.empty() ? "unknown" : result.target.os.ecosystem,
      merged.entry_count(), merged.content_bytes(), Ms(merged_at - start).count(),
      Ms(std::chrono::steady_clock::now() - merged_at).count());
}

}  // namespace

util::Result<std::optional<std::string>> check_db_age(const std::string& built,
                                                      const DbPolicy& policy, std::int64_t now) {
  if (!policy.max_age_seconds) {
    return std::optional<std::string>{};
  }
  auto t = util::parse_rfc3339(built);
  std::int64_t age = t ? now - *t : 0;
  if (t && age <= *policy.max_age_seconds) {
    return std::optional<std::string>{};
  }
  std::string what =
      t ? fmt::format(
              "the vulnerability database is stale: built {} ({} ago), older than the "
              "maximum age of {}: run `strata db update`",
              built, format_age(age), format_age(*policy.max_age_seconds))
        : fmt::format(
              "the vulnerability database has no valid build time ('{}'): run `strata db "
              "update`",
              built);
  if (policy.fail_on_stale) {
    return util::input_error("{}", what);
  }
  return std::optional<std::string>(std::move(what));
}

util::Result<model::ScanResult> scan_image(const Options& options) {
  // Open the database first: a missing or stale database should fail before minutes of layer
  // reading.
  std::optional<vulndb::Database> db;
  std::vector<std::string> db_warnings;
  if (!options.packages_only) {
    TRY_ASSIGN(db, open_db(options.db_dir, options.db_policy, db_warnings));
  }
  TRY_ASSIGN(source::LoadedImage image, read_image(options));
  model::ScanResult result;
  result.target = std::move(image.target);
  result.layers = std::move(image.layers);
  result.warnings = std::move(image.warnings);
  result.warnings.insert(result.warnings.end(), db_warnings.begin(), db_warnings.end());
  detect_into(result, image.analyses);
  keep_package_types(result.packages, options.pkg_types);
  result.setid = image_setid_files(image.analyses);
  if (options.secrets) {
    result.secrets_scanned = true;
    result.secrets = image_secrets(image.analyses);
  }
  result.checks = image_checks(result);
  if (db) {
    TRY(match_into(result, *db, options.ignore_unfixed, options.pkg_types, options.db_policy));
    policy::apply(options.policy, result);
  }
  if (options.base_image) {
    TRY_ASSIGN(std::vector<std::string> base, base_diff_ids(options));
    mark_base_layers(result, base, options.base_image->name);
  }
  util::cap_warnings(result.warnings);
  return result;
}

util::Result<std::optional<EngineImage>> find_in_engines(
    const std::vector<docker::Endpoint>& endpoints, const std::string& name, bool must_answer,
    const http::ClientOptions& http, std::vector<std::string>& notes) {
  std::optional<util::Error> first_error;
  for (const auto& endpoint : endpoints) {
    auto client = std::make_shared<docker::EngineClient>(endpoint, http);
    if (auto st = client->connect(); !st) {
      LOG_DEBUG("engine {}: {}", endpoint.display, st.error().message);
      notes.push_back(fmt::format("{}: not answering", endpoint.display));
      if (!first_error) {
        first_error = st.error();
      }
      continue;
    }
    TRY_ASSIGN(auto inspect, client->inspect(name));
    if (inspect) {
      LOG_INFO("{}: found in the {} engine at {}", name, client->engine_name(), endpoint.display);
      return std::optional<EngineImage>(EngineImage{client, name, std::move(*inspect)});
    }
    LOG_DEBUG("{}: not in the {} engine at {}", name, client->engine_name(), endpoint.display);
    notes.push_back(fmt::format("{}: no such image", endpoint.display));
    first_error.reset();  // an engine answered: "not found" is the answer
    must_answer = false;
  }
  if (must_answer && first_error) {
    return *first_error;
  }
  return std::optional<EngineImage>{};
}

util::Result<model::ScanResult> scan_rootfs(const RootfsOptions& options) {
  std::optional<vulndb::Database> db;
  model::ScanResult result;
  if (!options.packages_only) {
    TRY_ASSIGN(db, open_db(options.db_dir, options.db_policy, result.warnings));
  }
  TRY_ASSIGN(host::HostFs fs, host::HostFs::open(options.root, options.fs));
  result.target.kind = options.host ? "host" : "rootfs";
  result.target.name = options.host ? host::host_name(fs) : options.root;
  result.target.os = detect::detect_os(fs, result.warnings);
  // The OS databases are read even when only libraries are reported: they say which language
  // packages an OS package installed (reported once, as the OS package).
  std::set<std::string> os_owned;
  std::vector<std::string> unreported_warnings;
  auto os_packages = detect::detect_packages(
      fs, result.target.os, options.pkg_types.os ? result.warnings : unreported_warnings,
      &os_owned);
  if (options.pkg_types.os) {
    result.packages = std::move(os_packages);
  }
  // The tree is walked for language files and secrets (and lists its set-id files on the way);
  // with neither asked for, it is not walked at all.
  TreeWalk walk;
  walk.languages = options.pkg_types.library;
  walk.secrets = options.secrets ? &*options.secrets : nullptr;
  TreeFindings found;
  if (walk.languages || walk.secrets != nullptr) {
    found = walk_tree(fs, walk, result.warnings);
  }
  drop_os_owned(found.packages, os_owned);
  result.packages.insert(result.packages.end(), std::make_move_iterator(found.packages.begin()),
                         std::make_move_iterator(found.packages.end()));
  result.setid = std::move(found.setid);
  if (options.secrets) {
    result.secrets_scanned = true;
    result.secrets = std::move(found.secrets);
  }
  result.checks = image_checks(result);
  std::vector<model::Package> idle;
  if (options.host) {
    result.target.kernel = host::running_kernel_release(options.proc);
    idle = host::take_idle_kernels(result.packages, result.target.kernel);
  }
  auto touched = fs.counters();
  LOG_INFO("{} {}: {} packages, os {}; {} paths looked up, {} files read ({} bytes)",
           result.target.kind, result.target.name, result.packages.size(),
           result.target.os.ecosystem.empty() ? "unknown" : result.target.os.ecosystem,
           touched.lookups, touched.files_read, touched.bytes_read);
  if (db) {
    TRY(match_into(result, *db, options.ignore_unfixed, options.pkg_types, options.db_policy));
    policy::apply(options.policy, result);
  }
  if (!idle.empty()) {
    std::string names;
    for (const auto& p : idle) {
      names += fmt::format("{}{} {}", names.empty() ? "" : ", ", p.name, p.version);
    }
    result.warnings.push_back(fmt::format(
        "installed kernel packages that are not the running kernel ({}) are listed but not "
        "matched: {}",
        result.target.kernel, names));
    result.packages.insert(result.packages.end(), idle.begin(), idle.end());
  }
  util::cap_warnings(result.warnings);
  return result;
}

}  // namespace strata::scan
