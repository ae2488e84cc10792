#include "vulndb/database.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>

#include <nlohmann/json.hpp>

#include "util/file.hpp"
#include "vulndb/sqlite.hpp"
#include "vulndb/store.hpp"

namespace strata::vulndb {

namespace {

using nlohmann::json;

constexpr const char* k_query_sql =
    "SELECT a.id, a.modified, a.published, a.summary, a.details, a.aliases, a.upstream, "
    "a.related, a.severity, a.cvss_score, a.cvss_vector, a.links, f.data "
    "FROM affected f JOIN advisories a ON a.rowid = f.advisory "
    "WHERE f.ecosystem = ?1 AND f.name = ?2 ORDER BY a.id, f.rowid";

util::Result<json> parse_column(std::string_view text, const std::string& path) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return util::input_error("{}: corrupt database (bad JSON column): run `strata db import`",
                             path);
  }
  return j;
}

util::Result<std::vector<std::string>> string_array(std::string_view text,
                                                    const std::string& path) {
  std::vector<std::string> out;
  if (text.empty()) {
    return out;
  }
  TRY_ASSIGN(json j, parse_column(text, path));
  if (!j.is_array()) {
    return util::input_error("{}: corrupt database (expected an array): run `strata db import`",
                             path);
  }
  for (const auto& v : j) {
    if (v.is_string()) {
      out.push_back(v.get<std::string>());
    }
  }
  return out;
}

util::Result<vercmp::OsvAffected> decode_affected(std::string_view text, const std::string& path) {
  TRY_ASSIGN(json j, parse_column(text, path));
  vercmp::OsvAffected a;
  auto corrupt = [&] {
    return util::input_error("{}: corrupt database (bad affected entry): run `strata db import`",
                             path);
  };
  if (!j.is_object()) {
    return corrupt();
  }
  if (auto r = j.find("ranges"); r != j.end()) {
    if (!r->is_array()) {
      return corrupt();
    }
    for (const auto& range : *r) {
      vercmp::OsvRange out;
      if (!range.is_object() || !range.contains("events") || !range["events"].is_array()) {
        return corrupt();
      }
      out.type = range.value("type", "");
      for (const auto& e : range["events"]) {
        if (!e.is_object() || e.size() != 1 || !e.begin()->is_string()) {
          return corrupt();
        }
        vercmp::OsvEvent ev;
        const std::string& k = e.begin().key();
        if (k == "introduced") {
          ev.kind = vercmp::OsvEvent::Kind::introduced;
        } else if (k == "fixed") {
          ev.kind = vercmp::OsvEvent::Kind::fixed;
        } else if (k == "last_affected") {
          ev.kind = vercmp::OsvEvent::Kind::last_affected;
        } else if (k == "limit") {
          ev.kind = vercmp::OsvEvent::Kind::limit;
        } else {
          return corrupt();
        }
        ev.version = e.begin()->get<std::string>();
        out.events.push_back(std::move(ev));
      }
      a.ranges.push_back(std::move(out));
    }
  }
  if (auto v = j.find("versions"); v != j.end() && v->is_array()) {
    for (const auto& s : *v) {
      if (s.is_string()) {
        a.versions.push_back(s.get<std::string>());
      }
    }
  }
  return a;
}

std::uint64_t to_u64(const std::string& s) {
  return std::strtoull(s.c_str(), nullptr, 10);
}

util::Result<std::vector<ExportInfo>> parse_exports(std::string_view text,
                                                    const std::string& path) {
  TRY_ASSIGN(json j, parse_column(text, path));
  std::vector<ExportInfo> out;
  if (!j.is_array()) {
    return util::input_error("{}: corrupt database (bad exports): run `strata db update`", path);
  }
  for (const auto& e : j) {
    if (!e.is_object()) {
      continue;
    }
    ExportInfo x;
    x.ecosystem = e.value("ecosystem", "");
    x.source = e.value("source", "");
    x.url = e.value("url", "");
    x.etag = e.value("etag", "");
    x.last_modified = e.value("last_modified", "");
    x.sha256 = e.value("sha256", "");
    x.size = e.value("size", std::uint64_t{0});
    x.checked = e.value("checked", "");
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace

struct Database::Impl {
  std::string dir;
  std::string path;
  sql::Connection conn;
  std::mutex query_mutex;
  std::unique_ptr<sql::Statement> query;  // guarded by query_mutex
  DbInfo info;
};

Database::Database(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() {
  if (m_impl) {
    m_impl->query.reset();  // finalize before the connection closes
  }
}

util::Result<Database> Database::open(const std::string& dir) {
  std::string path = dir + "/" + k_db_file_name;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return util::input_error(
        "no vulnerability database at {}: run `strata db update` or `strata db import`", dir);
  }
  TRY_ASSIGN(auto db, open_file(path));
  db.m_impl->dir = dir;
  return db;
}

util::Result<Database> Database::open_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return util::input_error("{}: {}", path, std::strerror(errno));
  }
  TRY_ASSIGN(auto conn, sql::Connection::open_read_only(path));
  auto not_ours = [&](const util::Error& e) {
    return util::input_error(
        "{}: not a strata vulnerability database ({}): run `strata db import`", path,
        e.message);
  };
  DbInfo info;
  info.path = path;
  info.size_bytes = static_cast<std::uint64_t>(st.st_size);
  {
    auto meta = conn.prepare("SELECT key, value FROM meta");
    if (!meta) {
      return not_ours(meta.error());
    }
    while (true) {
      auto row = meta->step();
      if (!row) {
        return not_ours(row.error());
      }
      if (!*row) {
        break;
      }
      std::string key(meta->column_text(0));
      std::string value(meta->column_text(1));
      if (key == "format_version") {
        info.format_version = static_cast<int>(to_u64(value));
      } else if (key == "built") {
        info.built = value;
      } else if (key == "generator") {
        info.generator = value;
      } else if (key == "sources") {
        TRY_ASSIGN(info.sources, string_array(value, path));
      } else if (key == "record_count") {
        info.record_count = to_u64(value);
      } else if (key == "withdrawn") {
        info.withdrawn = to_u64(value);
      } else if (key == "failed") {
        info.failed = to_u64(value);
      } else if (key == "duplicates") {
        info.duplicates = to_u64(value);
      } else if (key == "exports") {
        TRY_ASSIGN(info.exports, parse_exports(value, path));
      }
    }
  }
  if (info.format_version != k_format_version) {
    return util::input_error(
        "{}: database format {} is not supported (this strata reads format {}): run `strata db "
        "import`",
        path, info.format_version, k_format_version);
  }
  {
    TRY_ASSIGN(auto eco, conn.prepare("SELECT ecosystem, advisories, packages, entries FROM "
                                      "ecosystems ORDER BY ecosystem"));
    while (true) {
      TRY_ASSIGN(bool row, eco.step());
      if (!row) {
        break;
      }
      EcosystemCount c;
      c.ecosystem = std::string(eco.column_text(0));
      c.advisories = static_cast<std::uint64_t>(eco.column_int(1));
      c.packages = static_cast<std::uint64_t>(eco.column_int(2));
      c.entries = static_cast<std::uint64_t>(eco.column_int(3));
      info.ecosystems.push_back(std::move(c));
    }
  }
  TRY_ASSIGN(auto query, conn.prepare(k_query_sql));
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->conn = std::move(conn);
  impl->info = std::move(info);
  impl->query = std::make_unique<sql::Statement>(std::move(query));
  return Database(std::move(impl));
}

util::Result<std::vector<Advisory>> Database::query(std::string_view ecosystem,
                                                    std::string_view package) const {
  std::vector<Advisory> out;
  std::lock_guard lock(m_impl->query_mutex);
  auto& q = *m_impl->query;
  const std::string& path = m_impl->path;
  q.bind(1, ecosystem);
  q.bind(2, package);
  while (true) {
    auto row = q.step();
    if (!row) {
      q.reset();
      return std::move(row).error();
    }
    if (!*row) {
      break;
    }
    std::string_view id = q.column_text(0);
    auto affected = decode_affected(q.column_text(12), path);
    if (!affected) {
      q.reset();
      return std::move(affected).error();
    }
    affected->ecosystem = std::string(ecosystem);
    affected->name = std::string(package);
    if (!out.empty() && out.back().id == id) {
      out.back().affected.push_back(std::move(affected).value());
      continue;
    }
    Advisory a;
    a.id = std::string(id);
    a.modified = std::string(q.column_text(1));
    a.published = std::string(q.column_text(2));
    a.summary = std::string(q.column_text(3));
    a.details = std::string(q.column_text(4));
    auto aliases = string_array(q.column_text(5), path);
    auto upstream = string_array(q.column_text(6), path);
    auto related = string_array(q.column_text(7), path);
    auto links = string_array(q.column_text(11), path);
    for (auto* r : {&aliases, &upstream, &related, &links}) {
      if (!*r) {
        q.reset();
        return r->error();
      }
    }
    a.aliases = std::move(aliases).value();
    a.upstream = std::move(upstream).value();
    a.related = std::move(related).value();
    a.links = std::move(links).value();
    a.severity = model::parse_severity(q.column_text(8)).value_or(model::Severity::unknown);
    a.cvss_score = q.column_double(9);
    a.cvss_vector = std::string(q.column_text(10));
    a.affected.push_back(std::move(affected).value());
    out.push_back(std::move(a));
  }
  q.reset();
  return out;
}

bool Database::has_ecosystem(std::string_view ecosystem) const {
  for (const auto& e : m_impl->info.ecosystems) {
    if (e.ecosystem == ecosystem) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> Database::ecosystems() const {
  std::vector<std::string> out;
  for (const auto& e : m_impl->info.ecosystems) {
    out.push_back(e.ecosystem);
  }
  return out;
}

DbInfo Database::info() const { return m_impl->info; }

util::Result<util::FileLock> lock_database_dir(const std::string& dir, bool wait) {
  TRY(util::make_dirs(dir));
  const std::string lock_path = dir + "/lock";
  auto lock = util::FileLock::acquire(lock_path, wait);
  if (!lock) {
    if (lock.error().message.ends_with(util::k_lock_busy)) {
      return util::input_error(
          "{}: another `strata db update` or `strata db import` is writing this database; "
          "try again when it is done (or without --no-wait to wait for it)",
          dir);
    }
    return std::move(lock).error();
  }
  // Every writer holds the lock, so temp files present now belong to a writer that died.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(std::string(k_db_file_name) + ".tmp.") || name.starts_with(".download-")) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
  return lock;
}

std::string default_db_dir() {
  if (const char* d = std::getenv("STRATA_DB_DIR"); d != nullptr && *d != '\0') {
    return d;
  }
  return util::user_cache_home() + "/strata/db";
}

}  // namespace strata::vulndb
