// `strata db update|import|export|info`: thin shells over vulndb.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/commands.hpp"
#include "config/settings.hpp"
#include "util/strings.hpp"
#include "vulndb/bundle.hpp"
#include "vulndb/database.hpp"
#include "vulndb/import.hpp"
#include "vulndb/update.hpp"

namespace strata::cli {

namespace {

struct DbImportOptions {
  std::vector<std::string> paths;
  std::string db_dir;
};

struct DbUpdateOptions {
  std::string db_dir;
  std::vector<std::string> sources;
  std::string ecosystems;
  int retries = 3;
  bool no_wait = false;
};

struct DbExportOptions {
  std::string file;
  std::string db_dir;
};

struct DbInfoOptions {
  std::string db_dir;
  std::string format = "table";
  bool verify = false;
};

// Progress on stderr, only on a terminal: one line rewritten in place.
class TerminalProgress : public vulndb::UpdateProgress {
 public:
  void on_download(const std::string& ecosystem, const std::string& source,
                   std::uint64_t received) override {
    fmt::print(stderr, "\r\033[Kdownloading {} from {}: {:.1f} MiB", ecosystem, source,
               static_cast<double>(received) / (1 << 20));
    m_drawn = true;
  }
  void on_source(const std::string& path) override { m_source = path; }
  void on_documents(std::uint64_t documents, std::uint64_t records) override {
    fmt::print(stderr, "\r\033[Kimporting: {} documents, {} records ({})", documents, records,
               m_source);
    m_drawn = true;
  }
  ~TerminalProgress() override {
    if (m_drawn) {
      fmt::print(stderr, "\r\033[K");
    }
  }

 private:
  std::string m_source;
  bool m_drawn = false;
};

std::string human_size(std::uint64_t bytes) {
  if (bytes >= (1u << 20)) {
    return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
  }
  if (bytes >= (1u << 10)) {
    return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / (1 << 10));
  }
  return fmt::format("{} B", bytes);
}

std::unique_ptr<TerminalProgress> make_progress(const GlobalOptions& globals) {
  if (!globals.quiet && ::isatty(STDERR_FILENO) != 0) {
    return std::make_unique<TerminalProgress>();
  }
  return nullptr;
}

int run_import_bundle(const std::string& path, const std::string& dir,
                      const GlobalOptions& globals) {
  auto stats = vulndb::import_bundle(path, dir);
  if (!stats) {
    return report_error(stats.error());
  }
  if (!globals.quiet) {
    fmt::print(stderr, "installed the database bundle {} ({} bytes, sha256 {}) into {}\n", path,
               stats->payload_bytes, stats->sha256, dir);
  }
  return k_exit_ok;
}

int run_import(const DbImportOptions& opts, const GlobalOptions& globals) {
  const std::string dir =
      config::logged_value("database directory", config::db_dir(opts.db_dir, globals.env));
  for (const auto& p : opts.paths) {
    if (vulndb::is_bundle(p)) {
      if (opts.paths.size() != 1) {
        return report_error(util::make_error(
            util::ErrorCategory::usage,
            "db import: {} is a database bundle; import it alone, not with other paths", p));
      }
      return run_import_bundle(p, dir, globals);
    }
  }
  auto progress = make_progress(globals);
  auto stats = vulndb::import_records(opts.paths, dir, progress.get(),
                                      vulndb::BuildTime{config::source_date_epoch(globals.env)});
  progress.reset();
  if (!stats) {
    return report_error(stats.error());
  }
  if (!globals.quiet) {
    double rate = stats->seconds > 0 ? static_cast<double>(stats->files) / stats->seconds : 0;
    fmt::print(stderr,
               "imported {} records ({} affected entries) from {} documents into {}: {} withdrawn "
               "dropped, {} failed to parse, {} duplicates; {:.2f} s ({:.0f} documents/s)\n",
               stats->records, stats->affected, stats->files, stats->db_path, stats->withdrawn,
               stats->failed, stats->duplicates, stats->seconds, rate);
  }
  return k_exit_ok;
}

int run_update(const DbUpdateOptions& opts, const GlobalOptions& globals) {
  vulndb::UpdateOptions u;
  u.db_dir = config::logged_value("database directory", config::db_dir(opts.db_dir, globals.env));
  u.sources = config::db_sources(opts.sources, globals.env);
  for (auto part : util::split(opts.ecosystems, ',')) {
    if (auto e = util::trim(part); !e.empty()) {
      u.ecosystems.emplace_back(e);
    }
  }
  if (opts.retries < 0) {
    return report_error(
        util::make_error(util::ErrorCategory::usage, "--retries must be 0 or more"));
  }
  u.http.retries = opts.retries;
  u.wait = !opts.no_wait;
  u.time.fixed = config::source_date_epoch(globals.env);
  auto progress = make_progress(globals);
  u.progress = progress.get();
  auto stats = vulndb::update_database(u);
  progress.reset();
  if (!stats) {
    return report_error(stats.error());
  }
  if (!globals.quiet) {
    std::uint64_t downloaded = 0;
    std::size_t fresh = 0;
    for (const auto& e : stats->ecosystems) {
      if (e.downloaded) {
        downloaded += e.bytes;
        ++fresh;
      }
    }
    const auto& imp = stats->import;
    if (!stats->rebuilt) {
      fmt::print(stderr,
                 "updated {}: all {} exports unchanged (304); the database ({} records) was "
                 "verified and kept, its build time refreshed in {:.2f} s\n",
                 imp.db_path, stats->ecosystems.size(), imp.records, imp.seconds);
      return k_exit_ok;
    }
    fmt::print(stderr,
               "updated {}: {} exports downloaded ({} bytes in {:.2f} s), {} unchanged (304); "
               "{} records from {} documents in {:.2f} s ({:.0f} documents/s)\n",
               imp.db_path, fresh, downloaded, stats->download_seconds,
               stats->ecosystems.size() - fresh, imp.records, imp.files, imp.seconds,
               imp.seconds > 0 ? static_cast<double>(imp.files) / imp.seconds : 0.0);
  }
  return k_exit_ok;
}

int run_export(const DbExportOptions& opts, const GlobalOptions& globals) {
  const std::string dir =
      config::logged_value("database directory", config::db_dir(opts.db_dir, globals.env));
  auto stats = vulndb::export_bundle(dir, opts.file);
  if (!stats) {
    return report_error(stats.error());
  }
  if (!globals.quiet) {
    fmt::print(stderr, "exported {} to {} ({} bytes, sha256 {})\n", dir, opts.file,
               stats->payload_bytes, stats->sha256);
  }
  return k_exit_ok;
}

void print_info_table(const vulndb::DbInfo& info) {
  fmt::print("database:   {}\n", info.path);
  fmt::print("format:     {}\n", info.format_version);
  fmt::print("built:      {}\n", info.built);
  fmt::print("generator:  {}\n", info.generator);
  for (std::size_t i = 0; i < info.sources.size(); ++i) {
    fmt::print("{}{}\n", i == 0 ? "sources:    " : "            ", info.sources[i]);
  }
  fmt::print(
      "records:    {} (dropped on import: {} withdrawn, {} failed to parse, {} duplicates)\n",
      info.record_count, info.withdrawn, info.failed, info.duplicates);
  fmt::print("size:       {} ({} bytes)\n", human_size(info.size_bytes), info.size_bytes);
  std::size_t width = 9;
  for (const auto& e : info.ecosystems) {
    width = std::max(width, e.ecosystem.size());
  }
  fmt::print("\n{:<{}}  {:>10}  {:>8}  {:>8}\n", "ECOSYSTEM", width, "ADVISORIES", "PACKAGES",
             "ENTRIES");
  for (const auto& e : info.ecosystems) {
    fmt::print("{:<{}}  {:>10}  {:>8}  {:>8}\n", e.ecosystem, width, e.advisories, e.packages,
               e.entries);
  }
  if (!info.exports.empty()) {
    fmt::print("\nEXPORT (source, ETag, Last-Modified, checked)\n");
    for (const auto& x : info.exports) {
      fmt::print("{}: {}  etag={}  last-modified={}  checked={}\n", x.ecosystem, x.url,
                 x.etag.empty() ? "-" : x.etag, x.last_modified.empty() ? "-" : x.last_modified,
                 x.checked);
    }
  }
}

void print_info_json(const vulndb::DbInfo& info) {
  nlohmann::json eco = nlohmann::json::array();
  for (const auto& e : info.ecosystems) {
    eco.push_back({{"ecosystem", e.ecosystem},
                   {"advisories", e.advisories},
                   {"packages", e.packages},
                   {"entries", e.entries}});
  }
  nlohmann::json exports = nlohmann::json::parse(vulndb::exports_json(info.exports));
  nlohmann::json j{{"path", info.path},
                   {"format_version", info.format_version},
                   {"built", info.built},
                   {"generator", info.generator},
                   {"sources", info.sources},
                   {"record_count", info.record_count},
                   {"withdrawn", info.withdrawn},
                   {"failed", info.failed},
                   {"duplicates", info.duplicates},
                   {"size_bytes", info.size_bytes},
                   {"ecosystems", std::move(eco)},
                   {"exports", std::move(exports)}};
  fmt::print("{}\n", j.dump(2));
}

int run_info(const DbInfoOptions& opts, const GlobalOptions& globals) {
  const std::string dir =
      config::logged_value("database directory", config::db_dir(opts.db_dir, globals.env));
  auto db = vulndb::Database::open(dir);
  if (!db) {
    return report_error(db.error());
  }
  if (opts.verify) {
    if (auto st = db->verify(); !st) {
      return report_error(st.error());
    }
  }
  if (opts.format == "json") {
    print_info_json(db->info());
  } else {
    print_info_table(db->info());
  }
  return k_exit_ok;
}

CLI::App* add_import_command(CLI::App& db, DbImportOptions& o) {
  auto* import = db.add_subcommand(
      "import",
      "Build the database from OSV records: directories of .json files, single .json files or "
      "OSV all.zip exports. Replaces the existing database with exactly the records given.");
  import->add_option("paths", o.paths, "OSV JSON files, directories or all.zip exports")
      ->required();
  import
      ->add_option("--db-dir", o.db_dir, "Database directory (default: $XDG_CACHE_HOME/strata/db)")
      ->envname("STRATA_DB_DIR");
  import->description(
      "Build the database from OSV records: directories of .json files, single .json files or "
      "OSV all.zip exports; or install a bundle written by `strata db export`. Replaces the "
      "existing database with exactly the records given.");
  return import;
}

CLI::App* add_update_command(CLI::App& db, DbUpdateOptions& o) {
  auto* update = db.add_subcommand(
      "update",
      "Download OSV's per-ecosystem exports and rebuild the database from them (all or "
      "nothing; unchanged exports are not downloaded again)");
  update
      ->add_option("--db-dir", o.db_dir, "Database directory (default: $XDG_CACHE_HOME/strata/db)")
      ->envname("STRATA_DB_DIR");
  update
      ->add_option("--source", o.sources,
                   "Base URL serving <Ecosystem>/all.zip; repeat for fallbacks tried in order "
                   "(default: $STRATA_DB_SOURCE, comma-separated, else "
                   "https://osv-vulnerabilities.storage.googleapis.com)")
      ->allow_extra_args(false);
  update
      ->add_option("--ecosystems", o.ecosystems,
                   "Comma-separated OSV ecosystem names to fetch (default: Debian, Ubuntu, "
                   "Alpine, AlmaLinux, Rocky Linux, Red Hat, SUSE, Wolfi, Chainguard, PyPI, npm, "
                   "Go, Maven, crates.io, RubyGems, NuGet, Packagist)")
      ->envname("STRATA_DB_ECOSYSTEMS");
  update
      ->add_option("--retries", o.retries,
                   "Retries per download on connection errors, 5xx and 429 before the next "
                   "source is tried")
      ->capture_default_str();
  update->add_flag("--no-wait", o.no_wait,
                   "Fail at once when another update or import holds the database lock");
  return update;
}

CLI::App* add_export_command(CLI::App& db, DbExportOptions& o) {
  auto* exp = db.add_subcommand(
      "export", "Write the database as one bundle file (with a sha256) for `strata db import`");
  exp->add_option("file", o.file, "The bundle file to write")->required();
  exp->add_option("--db-dir", o.db_dir, "Database directory (default: $XDG_CACHE_HOME/strata/db)")
      ->envname("STRATA_DB_DIR");
  return exp;
}

CLI::App* add_info_command(CLI::App& db, DbInfoOptions& o) {
  auto* info = db.add_subcommand("info", "Show the database's build time, sources and counts");
  info->add_option("--db-dir", o.db_dir, "Database directory (default: $XDG_CACHE_HOME/strata/db)")
      ->envname("STRATA_DB_DIR");
  info->add_option("--format", o.format, "Output format: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  info->add_flag("--verify", o.verify,
                 "Read and check every block first (checksums, sizes, encoding); exit 3 on the "
                 "first damaged one");
  return info;
}

}  // namespace

Command add_db_command(CLI::App& app, const GlobalOptions& globals) {
  auto* db = app.add_subcommand("db", "Manage the local vulnerability database");
  db->require_subcommand(1);
  auto import_opts = std::make_shared<DbImportOptions>();
  auto update_opts = std::make_shared<DbUpdateOptions>();
  auto export_opts = std::make_shared<DbExportOptions>();
  auto info_opts = std::make_shared<DbInfoOptions>();
  auto* import = add_import_command(*db, *import_opts);
  auto* update = add_update_command(*db, *update_opts);
  auto* exp = add_export_command(*db, *export_opts);
  auto* info = add_info_command(*db, *info_opts);
  return {db,
          [import, info, update, exp, import_opts, info_opts, update_opts, export_opts, &globals] {
            if (import->parsed()) {
              return run_import(*import_opts, globals);
            }
            if (update->parsed()) {
              return run_update(*update_opts, globals);
            }
            if (exp->parsed()) {
              return run_export(*export_opts, globals);
            }
            if (info->parsed()) {
              return run_info(*info_opts, globals);
            }
            return k_exit_usage;
          }};
}

}  // namespace strata::cli
