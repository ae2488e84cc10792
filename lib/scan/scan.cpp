#include "scan/scan.hpp"

#include <algorithm>

#include "detect/detect.hpp"
#include "host/host_info.hpp"
#include "host/kernel.hpp"
#include "layer/analyze.hpp"
#include "layer/merge.hpp"
#include "match/matcher.hpp"
#include "scan/attribute.hpp"
#include "source/engine_source.hpp"
#include "source/image_source.hpp"
#include "source/registry_source.hpp"
#include "util/log.hpp"
#include "vulndb/database.hpp"

namespace strata::scan {

namespace {

void match_into(model::ScanResult& result, const vulndb::Database& db, bool ignore_unfixed) {
  auto matched = match::match_packages(result.packages, result.target.os, db,
                                       match::MatchOptions{ignore_unfixed});
  result.findings = std::move(matched.findings);
  result.warnings.insert(result.warnings.end(), matched.warnings.begin(), matched.warnings.end());
  result.db_built = db.info().built;
  result.os_data =
      !result.target.os.ecosystem.empty() && db.has_ecosystem(result.target.os.ecosystem);
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

}  // namespace

util::Result<model::ScanResult> scan_image(const Options& options) {
  // Open the database first: a missing database should fail before minutes of layer reading.
  std::optional<vulndb::Database> db;
  if (!options.packages_only) {
    TRY_ASSIGN(db, vulndb::Database::open(options.db_dir));
  }

  source::LoadOptions load;
  load.tag = options.tag;
  load.platform = options.platform;
  load.read.wants = detect::wants_path;
  load.read.max_file_size = options.max_file_size;
  const std::string what = options.engine      ? options.engine->name
                           : options.reference ? options.reference->str()
                                               : options.input_path;
  if (options.progress) {
    options.progress("reading image " + what);
  }
  TRY_ASSIGN(source::LoadedImage image, load_source(options, load));

  model::ScanResult result;
  result.target = std::move(image.target);
  result.layers = std::move(image.layers);
  result.warnings = std::move(image.warnings);

  std::vector<const layer::LayerAnalysis*> bottom_up;
  for (const auto& a : image.analyses) {
    bottom_up.push_back(&a);
  }
  vfs::MemFs merged = layer::merge_layers(bottom_up);

  result.target.os = detect::detect_os(merged, result.warnings);
  result.packages = detect::detect_packages(merged, result.target.os, result.warnings);
  attribute_layers(result.packages, image.analyses, result.target.os);
  LOG_INFO("{}: {} packages, os {}", result.target.name, result.packages.size(),
           result.target.os.ecosystem.empty() ? "unknown" : result.target.os.ecosystem);

  if (db) {
    match_into(result, *db, options.ignore_unfixed);
  }
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
  if (!options.packages_only) {
    TRY_ASSIGN(db, vulndb::Database::open(options.db_dir));
  }
  TRY_ASSIGN(host::HostFs fs, host::HostFs::open(options.root, options.fs));
  model::ScanResult result;
  result.target.kind = options.host ? "host" : "rootfs";
  result.target.name = options.host ? host::host_name(fs) : options.root;
  result.target.os = detect::detect_os(fs, result.warnings);
  result.packages = detect::detect_packages(fs, result.target.os, result.warnings);
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
    match_into(result, *db, options.ignore_unfixed);
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
  return result;
}

}  // namespace strata::scan
