#include "vulndb/update.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <utility>

#include "http/retry.hpp"
#include "util/file.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"
#include "vulndb/builder.hpp"
#include "vulndb/format.hpp"
#include "vulndb/import.hpp"

namespace strata::vulndb {

namespace {

namespace fs = std::filesystem;

constexpr const char* k_cache_dir = "osv";

// sha256 of a file, streamed; nullopt when it cannot be read.
std::optional<std::string> file_sha256(const std::string& path) {
  auto fd = util::open_regular(path);
  std::FILE* f = fd ? ::fdopen(fd->get(), "rb") : nullptr;
  if (f == nullptr) {
    return std::nullopt;
  }
  fd->release();  // owned by f now
  util::Sha256 h;
  std::vector<char> buf(1 << 16);
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) {
    h.update(buf.data(), n);
  }
  bool ok = std::ferror(f) == 0;
  std::fclose(f);
  return ok ? std::optional<std::string>(h.hex_digest()) : std::nullopt;
}

bool starts_with_zip_magic(const std::string& path) {
  auto head = util::read_file_head(path, 4);
  return head && zip_kind(*head) != ZipKind::not_zip;
}

std::string trim_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') {
    s.pop_back();
  }
  return s;
}

util::Status check_options(const std::vector<std::string>& sources,
                           const std::vector<std::string>& ecosystems) {
  for (const auto& s : sources) {
    if (!s.starts_with("http://") && !s.starts_with("https://")) {
      return util::make_error(util::ErrorCategory::usage,
                              "db update: source '{}' is not an http:// or https:// URL", s);
    }
  }
  for (const auto& e : ecosystems) {
    if (e.empty() || e.front() == '.' || e.find('/') != std::string::npos ||
        e.find('\0') != std::string::npos) {
      return util::make_error(util::ErrorCategory::usage,
                              "db update: '{}' is not an OSV ecosystem name", e);
    }
  }
  return {};
}

// One ecosystem's outcome before the build: the zip to import and what to record.
struct Fetched {
  ExportInfo info;
  std::optional<util::TempFile> download;  // empty: the cached zip is re-imported
  EcosystemResult result;
};

class Updater {
 public:
  Updater(const UpdateOptions& o, std::string dir, std::map<std::string, ExportInfo> previous)
      : m_opts(o), m_dir(std::move(dir)), m_previous(std::move(previous)), m_client(o.http) {}

  // The export of `ecosystem` from the first of `sources` that delivers it.
  util::Result<Fetched> fetch(const std::string& ecosystem,
                              const std::vector<std::string>& sources) {
    const ExportInfo* prev = usable_previous(ecosystem);
    Fetched out;
    out.result.ecosystem = ecosystem;
    for (const auto& source : sources) {
      TRY_ASSIGN(const bool delivered, fetch_from(ecosystem, source, prev, out));
      if (delivered) {
        return out;
      }
    }
    std::string why;
    for (const auto& s : out.result.skipped) {
      why += (why.empty() ? "" : "; ") + s;
    }
    return util::make_error(util::ErrorCategory::network, "{}: no source could deliver it ({})",
                            ecosystem, why);
  }

  std::string cache_path(const std::string& ecosystem) const {
    return m_dir + "/" + k_cache_dir + "/" + ecosystem + ".zip";
  }

 private:
  // What the database was built from for `ecosystem`, when its cached zip is still exactly that
  // one (only then may a request be conditional); else nullptr.
  const ExportInfo* usable_previous(const std::string& ecosystem) const {
    auto it = m_previous.find(ecosystem);
    if (it == m_previous.end()) {
      return nullptr;
    }
    auto sha = file_sha256(cache_path(ecosystem));
    if (sha && *sha == it->second.sha256) {
      return &it->second;
    }
    LOG_DEBUG("{}: no usable cached export ({}), downloading it whole", ecosystem,
              sha ? "checksum differs" : "missing");
    return nullptr;
  }

  // Asks one source: true when it delivered (into `out`: a 304 for the cached zip, or a new zip
  // in a temp file), false when it failed in a way that moves on to the next source (noted in
  // out.result.skipped). Other failures are errors that end the run.
  util::Result<bool> fetch_from(const std::string& ecosystem, const std::string& source,
                                const ExportInfo* prev, Fetched& out) {
    const std::string url = export_url(source, ecosystem);
    const bool conditional = prev != nullptr && prev->source == source;
    http::Request req;
    req.url = url;
    if (conditional && !prev->etag.empty()) {
      req.headers.emplace_back("If-None-Match", prev->etag);
    }
    if (conditional && !prev->last_modified.empty()) {
      req.headers.emplace_back("If-Modified-Since", prev->last_modified);
    }
    TRY_ASSIGN(util::TempFile tmp, util::TempFile::create(m_dir + "/.download-"));
    util::Sha256 sha;
    std::uint64_t bytes = 0;
    auto sink = [&](std::span<const std::byte> data) -> util::Status {
      TRY(util::write_all(tmp.fd(), data.data(), data.size(), tmp.path()));
      sha.update(data.data(), data.size());
      bytes += data.size();
      if (m_opts.progress != nullptr) {
        m_opts.progress->on_download(ecosystem, source, bytes);
      }
      return {};
    };
    LOG_INFO("{}: GET {}{}", ecosystem, url, conditional ? " (conditional)" : "");
    auto resp = m_client.stream(req, sink);
    if (!resp) {
      if (resp.error().category != util::ErrorCategory::network) {
        return resp.error().wrap(fmt::format("{} ({})", ecosystem, url));
      }
      out.result.skipped.push_back(fmt::format("{}: {}", source, resp.error().message));
      return false;
    }
    if (resp->status == 304 && conditional) {
      out.info = *prev;
      out.info.checked = m_opts.time.rfc3339();
      out.result.source = source;
      out.result.bytes = prev->size;
      return true;
    }
    if (http::is_retryable_status(resp->status)) {
      out.result.skipped.push_back(fmt::format("{}: HTTP {}", source, resp->status));
      return false;
    }
    if (resp->status < 200 || resp->status > 299) {
      return util::make_error(util::ErrorCategory::network, "{} ({}): HTTP {}", ecosystem, url,
                              resp->status);
    }
    TRY(tmp.sync_and_close());
    if (!starts_with_zip_magic(tmp.path())) {
      return util::input_error("{} ({}): the download is not a zip file", ecosystem, url);
    }
    out.info = ExportInfo{ecosystem,
                          source,
                          url,
                          resp->header("ETag").value_or(""),
                          resp->header("Last-Modified").value_or(""),
                          sha.hex_digest(),
                          bytes,
                          m_opts.time.rfc3339()};
    out.download.emplace(std::move(tmp));
    out.result.source = source;
    out.result.downloaded = true;
    out.result.bytes = bytes;
    return true;
  }

  const UpdateOptions& m_opts;
  std::string m_dir;
  std::map<std::string, ExportInfo> m_previous;
  http::Client m_client;
};

// The sources (default when none, trailing slashes trimmed) and ecosystems (default when none,
// each once, in the order given) of `options`, checked.
struct Plan {
  std::vector<std::string> sources;
  std::vector<std::string> ecosystems;
};

util::Result<Plan> make_plan(const UpdateOptions& options) {
  Plan plan;
  for (const auto& s :
       options.sources.empty() ? std::vector<std::string>{k_default_osv_source} : options.sources) {
    plan.sources.push_back(trim_slashes(s));
  }
  for (const auto& e :
       options.ecosystems.empty() ? default_update_ecosystems() : options.ecosystems) {
    if (std::find(plan.ecosystems.begin(), plan.ecosystems.end(), e) == plan.ecosystems.end()) {
      plan.ecosystems.push_back(e);
    }
  }
  TRY(check_options(plan.sources, plan.ecosystems));
  return plan;
}

// The database in `dir` when there is one that opens (its exports into `previous`); a broken
// one is warned about and rebuilt from fresh downloads.
std::optional<Database> open_current(const std::string& dir,
                                     std::map<std::string, ExportInfo>& previous) {
  if (!util::is_regular_file(dir + "/" + k_db_file_name)) {
    return std::nullopt;
  }
  auto db = Database::open(dir);
  if (!db) {
    LOG_WARN("{}; downloading every export again", db.error().message);
    return std::nullopt;
  }
  for (auto& e : db->info().exports) {
    previous.emplace(e.ecosystem, e);
  }
  return std::move(db).value();
}

// Whether every export answered 304, for the same ecosystems as the current database's.
bool all_unchanged(const Database& current, const std::vector<Fetched>& fetched) {
  const auto before = current.info().exports;
  return before.size() == fetched.size() &&
         std::all_of(fetched.begin(), fetched.end(), [&](const Fetched& f) {
           return !f.download &&
                  std::any_of(before.begin(), before.end(), [&](const ExportInfo& e) {
                    return e.ecosystem == f.info.ecosystem && e.sha256 == f.info.sha256;
                  });
         });
}

// Keeps the current database's blocks and rewrites only its meta (refresh_store); `stats.import`
// gets the database's own counts.
util::Status refresh(std::optional<Database>& current, const std::string& dir,
                     const std::vector<ExportInfo>& exports, BuildTime time, UpdateStats& stats) {
  const DbInfo before = current->info();
  current.reset();
  auto start = std::chrono::steady_clock::now();
  TRY(refresh_store(dir, exports_json(exports), time));
  stats.rebuilt = false;
  stats.import.records = before.record_count;
  stats.import.withdrawn = before.withdrawn;
  stats.import.failed = before.failed;
  stats.import.duplicates = before.duplicates;
  for (const auto& e : before.ecosystems) {
    stats.import.affected += e.entries;
  }
  stats.import.db_path = before.path;
  stats.import.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {};
}

// Builds a new database from the fetched zips (new downloads or the cached ones).
util::Result<ImportStats> rebuild(const std::string& dir, const Updater& updater,
                                  const std::vector<Fetched>& fetched,
                                  const std::vector<ExportInfo>& exports, ImportProgress* progress,
                                  BuildTime time) {
  std::vector<BuildInput> inputs;
  std::vector<std::string> urls;
  for (const auto& f : fetched) {
    std::string path = f.download ? f.download->path() : updater.cache_path(f.info.ecosystem);
    inputs.push_back(BuildInput{path, fmt::format("{} ({})", f.info.ecosystem, f.info.url)});
    urls.push_back(f.info.url);
  }
  return build_database(inputs, dir, urls, exports, progress, time);
}

// Once the database is in place: keeps the new zips for the next 304 (a failure here only costs a
// full download next time: the recorded sha256 will not match) and drops the ones no longer used.
void update_cache(const std::string& dir, const Updater& updater, std::vector<Fetched>& fetched,
                  const std::vector<std::string>& ecosystems) {
  for (auto& f : fetched) {
    if (f.download) {
      if (auto st = f.download->rename_to(updater.cache_path(f.info.ecosystem)); !st) {
        LOG_WARN("{}", st.error().message);
      }
    }
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir + "/" + k_cache_dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool used = std::any_of(ecosystems.begin(), ecosystems.end(),
                                  [&](const std::string& e) { return name == e + ".zip"; });
    if (!used) {
      fs::remove(entry.path(), ec);
    }
  }
}

}  // namespace

const std::vector<std::string>& default_update_ecosystems() {
  static const std::vector<std::string> k_all = {
      "Debian", "Ubuntu",    "Alpine",     "AlmaLinux", "Rocky Linux", "Red Hat",
      "SUSE",   "Wolfi",     "Chainguard", "PyPI",      "npm",         "Go",
      "Maven",  "crates.io", "RubyGems",   "NuGet",     "Packagist"};
  return k_all;
}

std::string export_url(const std::string& source, const std::string& ecosystem) {
  std::string name;
  for (unsigned char c : ecosystem) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      name += static_cast<char>(c);
    } else {
      name += fmt::format("%{:02X}", c);
    }
  }
  return trim_slashes(source) + "/" + name + "/all.zip";
}

util::Result<UpdateStats> update_database(const UpdateOptions& options) {
  TRY_ASSIGN(const Plan plan, make_plan(options));
  const std::string& dir = options.db_dir;
  TRY_ASSIGN(util::FileLock lock, lock_database_dir(dir, options.wait));
  std::map<std::string, ExportInfo> previous;
  std::optional<Database> current = open_current(dir, previous);
  TRY(util::make_dirs(dir + "/" + k_cache_dir));

  UpdateStats stats;
  auto start = std::chrono::steady_clock::now();
  Updater updater(options, dir, std::move(previous));
  std::vector<Fetched> fetched;
  std::vector<ExportInfo> exports;
  for (const auto& eco : plan.ecosystems) {
    TRY_ASSIGN(Fetched f, updater.fetch(eco, plan.sources));
    for (const auto& s : f.result.skipped) {
      LOG_WARN("{}: source failed, trying the next one: {}", eco, s);
    }
    exports.push_back(f.info);
    fetched.push_back(std::move(f));
  }
  stats.download_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Nothing changed and the current database checks out: keep its blocks, refresh only its build
  // time and validators.
  const bool unchanged = current && all_unchanged(*current, fetched);
  util::Status verified = unchanged ? current->verify() : util::Status{};
  if (unchanged && !verified) {
    LOG_WARN("{}; rebuilding it from the cached exports", verified.error().message);
  }
  if (unchanged && verified) {
    TRY(refresh(current, dir, exports, options.time, stats));
  } else {
    current.reset();
    TRY_ASSIGN(stats.import,
               rebuild(dir, updater, fetched, exports, options.progress, options.time));
  }
  update_cache(dir, updater, fetched, plan.ecosystems);
  for (auto& f : fetched) {
    stats.ecosystems.push_back(std::move(f.result));
  }
  return stats;
}

}  // namespace strata::vulndb
