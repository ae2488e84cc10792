// `strata db import PATH...` and `strata db info`: thin shells over vulndb.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/commands.hpp"
#include "vulndb/database.hpp"

namespace strata::cli {

namespace {

struct DbImportOptions {
  std::vector<std::string> paths;
  std::string db_dir;
};

struct DbInfoOptions {
  std::string db_dir;
  std::string format = "table";
};

// Progress on stderr, only on a terminal: one line rewritten in place.
class TerminalProgress : public vulndb::ImportProgress {
 public:
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

int run_import(const DbImportOptions& opts, const GlobalOptions& globals) {
  const std::string dir = opts.db_dir.empty() ? vulndb::default_db_dir() : opts.db_dir;
  std::unique_ptr<TerminalProgress> progress;
  if (!globals.quiet && ::isatty(STDERR_FILENO) != 0) {
    progress = std::make_unique<TerminalProgress>();
  }
  auto stats = vulndb::import_records(opts.paths, dir, progress.get());
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

void print_info_table(const vulndb::DbInfo& info) {
  fmt::print("database:   {}\n", info.path);
  fmt::print("format:     {}\n", info.format_version);
  fmt::print("built:      {}\n", info.built);
  fmt::print("generator:  {}\n", info.generator);
  for (std::size_t i = 0; i < info.sources.size(); ++i) {
    fmt::print("{}{}\n", i == 0 ? "sources:    " : "            ", info.sources[i]);
  }
  fmt::print("records:    {} (dropped on import: {} withdrawn, {} failed to parse, {} duplicates)\n",
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
}

void print_info_json(const vulndb::DbInfo& info) {
  nlohmann::json eco = nlohmann::json::array();
  for (const auto& e : info.ecosystems) {
    eco.push_back({{"ecosystem", e.ecosystem},
                   {"advisories", e.advisories},
                   {"packages", e.packages},
                   {"entries", e.entries}});
  }
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
                   {"ecosystems", std::move(eco)}};
  fmt::print("{}\n", j.dump(2));
}

int run_info(const DbInfoOptions& opts) {
  const std::string dir = opts.db_dir.empty() ? vulndb::default_db_dir() : opts.db_dir;
  auto db = vulndb::Database::open(dir);
  if (!db) {
    return report_error(db.error());
  }
  if (opts.format == "json") {
    print_info_json(db->info());
  } else {
    print_info_table(db->info());
  }
  return k_exit_ok;
}

}  // namespace

Command add_db_command(CLI::App& app, const GlobalOptions& globals) {
  auto* db = app.add_subcommand("db", "Manage the local vulnerability database");
  db->require_subcommand(1);

  auto import_opts = std::make_shared<DbImportOptions>();
  auto* import = db->add_subcommand(
      "import",
      "Build the database from OSV records: directories of .json files, single .json files or "
      "OSV all.zip exports. Replaces the existing database with exactly the records given.");
  import->add_option("paths", import_opts->paths, "OSV JSON files, directories or all.zip exports")
      ->required();
  import->add_option("--db-dir", import_opts->db_dir,
                     "Database directory (default: $XDG_CACHE_HOME/strata/db)")
      ->envname("STRATA_DB_DIR");

  auto info_opts = std::make_shared<DbInfoOptions>();
  auto* info = db->add_subcommand("info", "Show the database's build time, sources and counts");
  info->add_option("--db-dir", info_opts->db_dir,
                   "Database directory (default: $XDG_CACHE_HOME/strata/db)")
      ->envname("STRATA_DB_DIR");
  info->add_option("--format", info_opts->format, "Output format: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();

  return {db, [import, info, import_opts, info_opts, &globals] {
            if (import->parsed()) {
              return run_import(*import_opts, globals);
            }
            if (info->parsed()) {
              return run_info(*info_opts);
            }
            return k_exit_usage;
          }};
}

}  // namespace strata::cli
