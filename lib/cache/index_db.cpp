#include "cache/index_db.hpp"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unordered_map>
#include <utility>

namespace strata::cache {
namespace {

// Long enough that a writer evicting thousands of records does not make others fail; a
// process holding the write lock longer than this is stuck.
constexpr int k_busy_timeout_ms = 60'000;

constexpr std::string_view k_schema = R"sql(
CREATE TABLE records(
  diff_id TEXT PRIMARY KEY NOT NULL,
  size INTEGER NOT NULL,
  reference_count INTEGER NOT NULL,
  last_referred INTEGER NOT NULL,
  analyzer_version TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX records_lru ON records(last_referred, diff_id);
CREATE TABLE aliases(digest TEXT PRIMARY KEY NOT NULL, diff_id TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX aliases_target ON aliases(diff_id);
CREATE TABLE counters(name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO counters VALUES ('cache_hits', 0), ('cache_misses', 0), ('max_size', 0),
  ('total_size', 0), ('record_count', 0), ('sweep_needed', 0);
CREATE TRIGGER records_insert AFTER INSERT ON records BEGIN
  UPDATE counters SET value = value + NEW.size WHERE name = 'total_size';
  UPDATE counters SET value = value + 1 WHERE name = 'record_count';
END;
CREATE TRIGGER records_delete AFTER DELETE ON records BEGIN
  UPDATE counters SET value = value - OLD.size WHERE name = 'total_size';
  UPDATE counters SET value = value - 1 WHERE name = 'record_count';
  DELETE FROM aliases WHERE diff_id = OLD.diff_id;
END;
CREATE TRIGGER records_resize AFTER UPDATE OF size ON records BEGIN
  UPDATE counters SET value = value - OLD.size + NEW.size WHERE name = 'total_size';
END;
)sql";

std::int64_t to_ns(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
TimePoint from_ns(std::int64_t ns) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::nanoseconds(ns)));
}

bool is_damage(int rc) {
  rc &= 0xff;
  return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

}  // namespace

struct IndexDb::Impl {
  std::string path;
  sqlite3* db = nullptr;
  ino_t inode = 0;
  bool damaged = false;
  int wal_frames = 0;  // the WAL's length after this connection's last commit
  std::unordered_map<const char*, sqlite3_stmt*> statements;

  ~Impl() {
    for (auto& [sql, st] : statements) {
      sqlite3_finalize(st);
    }
    sqlite3_close_v2(db);
  }

  util::Error error(int rc) {
    damaged = damaged || is_damage(rc);
    return util::input_error("{}: {}", path, db != nullptr ? sqlite3_errmsg(db) : "out of memory");
  }

  util::Status exec(const char* sql) {
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      return error(rc);
    }
    return {};
  }

  // A prepared statement, kept for the connection's lifetime (keyed by the literal's address).
  util::Result<sqlite3_stmt*> prepare(const char* sql) {
    auto it = statements.find(sql);
    if (it != statements.end()) {
      return it->second;
    }
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (rc != SQLITE_OK) {
      return error(rc);
    }
    statements.emplace(sql, st);
    return st;
  }
};

namespace {

// One use of a prepared statement: binds, steps, and resets it (and its bindings) when done.
// Text is bound without a copy: it must outlive the Query.
class Query {
 public:
  Query(IndexDb::Impl& impl, sqlite3_stmt* st) : m_impl(impl), m_st(st) {}
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query() {
    sqlite3_reset(m_st);
    sqlite3_clear_bindings(m_st);
  }
  Query& bind(int i, std::string_view s) {
    sqlite3_bind_text(m_st, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
    return *this;
  }
  Query& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(m_st, i, v);
    return *this;
  }
  // True on a row, false when done.
  util::Result<bool> step() {
    int rc = sqlite3_step(m_st);
    if (rc == SQLITE_ROW) {
      return true;
    }
    if (rc == SQLITE_DONE) {
      return false;
    }
    return m_impl.error(rc);
  }
  util::Status run() {
    TRY_ASSIGN(bool row, step());
    (void)row;
    return {};
  }
  std::int64_t int64(int col) const { return sqlite3_column_int64(m_st, col); }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_st, col));
    return p == nullptr ? std::string()
                        : std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(m_st, col)));
  }
  // The row's columns in the order of the records table.
  IndexRow row() const {
    IndexRow r;
    r.diff_id = text(0);
    r.entry.size = static_cast<std::uint64_t>(int64(1));
    r.entry.reference_count = static_cast<std::uint64_t>(int64(2));
    r.entry.last_referred = from_ns(int64(3));
    r.entry.analyzer_version = text(4);
    return r;
  }
  // The first row, if there is one (a lookup by key).
  util::Result<std::optional<IndexRow>> first_row() {
    TRY_ASSIGN(bool found, step());
    return found ? std::optional<IndexRow>(row()) : std::nullopt;
  }
  int changes() const { return sqlite3_changes(sqlite3_db_handle(m_st)); }

 private:
  IndexDb::Impl& m_impl;
  sqlite3_stmt* m_st;
};

#define STRATA_QUERY(q, sql)                              \
  TRY_ASSIGN(sqlite3_stmt* q##_st, m_impl->prepare(sql)); \
  Query q(*m_impl, q##_st)

// Opens (or creates) a connection with the cache's settings.
util::Result<std::unique_ptr<IndexDb::Impl>> connect(const std::string& path, bool create) {
  auto impl = std::make_unique<IndexDb::Impl>();
  impl->path = path;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &impl->db, flags, nullptr);
  if (rc != SQLITE_OK) {
    return impl->error(rc);
  }
  sqlite3_extended_result_codes(impl->db, 1);
  sqlite3_busy_timeout(impl->db, k_busy_timeout_ms);
  TRY(impl->exec("PRAGMA synchronous=NORMAL"));
  // Checkpoints (which fsync) are run by checkpoint(), not by whichever commit or close happens
  // to cross SQLite's threshold: a lookup's touch then never waits for one.
  TRY(impl->exec("PRAGMA wal_autocheckpoint=0"));
  sqlite3_db_config(impl->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  sqlite3_wal_hook(
      impl->db,
      [](void* self, sqlite3*, const char*, int frames) {
        static_cast<IndexDb::Impl*>(self)->wal_frames = frames;
        return SQLITE_OK;
      },
      impl.get());
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    impl->inode = st.st_ino;
  }
  return impl;
}

}  // namespace

IndexDb::IndexDb(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
IndexDb::IndexDb(IndexDb&&) noexcept = default;
IndexDb& IndexDb::operator=(IndexDb&&) noexcept = default;
IndexDb::~IndexDb() = default;

util::Result<IndexDb> IndexDb::open(const std::string& path, bool& damaged) {
  damaged = false;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    damaged = true;
    return util::input_error("{}: missing", path);
  }
  auto impl = connect(path, false);
  if (!impl) {
    damaged = true;  // a file that exists but cannot be opened as a database
    return impl.error();
  }
  Impl& m = **impl;
  // user_version reads the header (an empty or foreign file fails here or reads 0); the
  // counters query reads the schema.
  sqlite3_stmt* st_version = nullptr;
  int rc = sqlite3_prepare_v2(m.db, "PRAGMA user_version", -1, &st_version, nullptr);
  int version = -1;
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(st_version);
    if (rc == SQLITE_ROW) {
      version = sqlite3_column_int(st_version, 0);
      rc = SQLITE_OK;
    }
  }
  sqlite3_finalize(st_version);
  if (rc != SQLITE_OK) {
    auto e = m.error(rc);
    damaged = m.damaged;
    return e;
  }
  if (version != k_index_schema) {
    damaged = true;
    return util::input_error("{}: not a strata cache index (schema {})", path, version);
  }
  IndexDb db(std::move(*impl));
  auto c = db.counters();
  if (!c) {
    // "no such table" and the like: a file written by something else
    damaged = true;
    return c.error();
  }
  return db;
}

util::Result<IndexDb> IndexDb::create(const std::string& path, const Index& initial,
                                      bool sweep_needed) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    ::unlink((path + suffix).c_str());
  }
  TRY_ASSIGN(auto impl, connect(path, true));
  Impl& m = *impl;
  // WAL is recorded in the file: every later connection uses it.
  TRY(m.exec("PRAGMA journal_mode=WAL"));
  TRY(m.exec("BEGIN IMMEDIATE"));
  IndexDb db(std::move(impl));
  Transaction txn(&db);
  TRY(db.m_impl->exec(std::string(k_schema).c_str()));
  TRY(db.m_impl->exec(fmt::format("PRAGMA user_version={}", k_index_schema).c_str()));
  for (const auto& [diff_id, e] : initial.records) {
    TRY(db.insert(IndexRow{diff_id, e}));
  }
  for (const auto& [digest, diff_id] : initial.aliases) {
    TRY(db.add_alias(digest, diff_id));
  }
  TRY(db.set_counter("cache_hits", initial.cache_hits));
  TRY(db.set_counter("cache_misses", initial.cache_misses));
  TRY(db.set_counter("max_size", initial.max_size));
  TRY(db.set_counter("sweep_needed", sweep_needed ? 1 : 0));
  TRY(txn.commit());
  return db;
}

void IndexDb::checkpoint(int min_frames) {
  if (m_impl->wal_frames < min_frames) {
    return;
  }
  m_impl->wal_frames = 0;
  // PASSIVE: copies what no reader still needs, waits for nobody; a failure is retried by the
  // next call (the WAL only grows meanwhile).
  sqlite3_wal_checkpoint_v2(m_impl->db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

bool IndexDb::damaged() const {
  return m_impl->damaged;
}
ino_t IndexDb::inode() const {
  return m_impl->inode;
}

IndexDb::Transaction::~Transaction() {
  if (m_db != nullptr) {
    sqlite3_exec(m_db->m_impl->db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

util::Status IndexDb::Transaction::commit() {
  IndexDb* db = std::exchange(m_db, nullptr);
  auto st = db->m_impl->exec("COMMIT");
  if (!st) {
    sqlite3_exec(db->m_impl->db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return st;
}

util::Result<IndexDb::Transaction> IndexDb::write_transaction() {
  TRY(m_impl->exec("BEGIN IMMEDIATE"));
  return Transaction(this);
}

util::Result<IndexDb::Transaction> IndexDb::read_transaction() {
  TRY(m_impl->exec("BEGIN"));
  return Transaction(this);
}

util::Result<std::optional<IndexRow>> IndexDb::find(std::string_view name) {
  STRATA_QUERY(q,
               "SELECT diff_id, size, reference_count, last_referred, analyzer_version FROM "
               "records WHERE diff_id = ?1 UNION ALL SELECT r.diff_id, r.size, "
               "r.reference_count, r.last_referred, r.analyzer_version FROM aliases a JOIN "
               "records r ON r.diff_id = a.diff_id WHERE a.digest = ?1 LIMIT 1");
  q.bind(1, name);
  return q.first_row();
}

util::Result<std::optional<IndexRow>> IndexDb::get(std::string_view diff_id) {
  STRATA_QUERY(q,
               "SELECT diff_id, size, reference_count, last_referred, analyzer_version FROM "
               "records WHERE diff_id = ?1");
  q.bind(1, diff_id);
  return q.first_row();
}

util::Status IndexDb::insert(const IndexRow& row) {
  STRATA_QUERY(q, "INSERT INTO records VALUES (?1, ?2, ?3, ?4, ?5)");
  q.bind(1, row.diff_id)
      .bind(2, static_cast<std::int64_t>(row.entry.size))
      .bind(3, static_cast<std::int64_t>(row.entry.reference_count))
      .bind(4, to_ns(row.entry.last_referred))
      .bind(5, row.entry.analyzer_version);
  return q.run();
}

util::Status IndexDb::update(const IndexRow& row) {
  STRATA_QUERY(q,
               "UPDATE records SET size = ?2, reference_count = ?3, last_referred = ?4, "
               "analyzer_version = ?5 WHERE diff_id = ?1");
  q.bind(1, row.diff_id)
      .bind(2, static_cast<std::int64_t>(row.entry.size))
      .bind(3, static_cast<std::int64_t>(row.entry.reference_count))
      .bind(4, to_ns(row.entry.last_referred))
      .bind(5, row.entry.analyzer_version);
  return q.run();
}

util::Result<bool> IndexDb::touch(std::string_view diff_id, TimePoint now, std::uint64_t size) {
  // `size` is normally unchanged: the trigger on size then does nothing.
  STRATA_QUERY(q,
               "UPDATE records SET reference_count = reference_count + 1, last_referred = ?2, "
               "size = ?3 WHERE diff_id = ?1");
  q.bind(1, diff_id).bind(2, to_ns(now)).bind(3, static_cast<std::int64_t>(size));
  TRY(q.run());
  return q.changes() > 0;
}

util::Status IndexDb::set_size(std::string_view diff_id, std::uint64_t size) {
  STRATA_QUERY(q, "UPDATE records SET size = ?2 WHERE diff_id = ?1");
  q.bind(1, diff_id).bind(2, static_cast<std::int64_t>(size));
  return q.run();
}

util::Result<bool> IndexDb::erase(std::string_view diff_id) {
  STRATA_QUERY(q, "DELETE FROM records WHERE diff_id = ?1");
  q.bind(1, diff_id);
  TRY(q.run());
  return q.changes() > 0;
}

util::Status IndexDb::add_alias(std::string_view digest, std::string_view diff_id) {
  STRATA_QUERY(q, "INSERT OR REPLACE INTO aliases VALUES (?1, ?2)");
  q.bind(1, digest).bind(2, diff_id);
  return q.run();
}

util::Result<IndexCounters> IndexDb::counters() {
  STRATA_QUERY(q, "SELECT name, value FROM counters");
  IndexCounters c;
  for (;;) {
    TRY_ASSIGN(bool row, q.step());
    if (!row) {
      break;
    }
    const std::string name = q.text(0);
    const auto v = static_cast<std::uint64_t>(q.int64(1));
    if (name == "cache_hits") {
      c.cache_hits = v;
    } else if (name == "cache_misses") {
      c.cache_misses = v;
    } else if (name == "max_size") {
      c.max_size = v;
    } else if (name == "total_size") {
      c.total_size = v;
    } else if (name == "record_count") {
      c.record_count = v;
    } else if (name == "sweep_needed") {
      c.sweep_needed = v != 0;
    }
  }
  return c;
}

util::Status IndexDb::add_to_counter(std::string_view name, std::int64_t delta) {
  STRATA_QUERY(q, "UPDATE counters SET value = value + ?2 WHERE name = ?1");
  q.bind(1, name).bind(2, delta);
  return q.run();
}

util::Status IndexDb::set_counter(std::string_view name, std::uint64_t value) {
  STRATA_QUERY(q, "UPDATE counters SET value = ?2 WHERE name = ?1 AND value != ?2");
  q.bind(1, name).bind(2, static_cast<std::int64_t>(value));
  return q.run();
}

util::Status IndexDb::reset_hits() {
  TRY(set_counter("cache_hits", 0));
  return set_counter("cache_misses", 0);
}

util::Status IndexDb::for_each_lru(const std::function<bool(const IndexRow&)>& visit) {
  STRATA_QUERY(q,
               "SELECT diff_id, size, reference_count, last_referred, analyzer_version FROM "
               "records ORDER BY last_referred, diff_id");
  for (;;) {
    TRY_ASSIGN(bool row, q.step());
    if (!row || !visit(q.row())) {
      return {};
    }
  }
}

util::Status IndexDb::for_each(const std::function<void(const IndexRow&)>& visit) {
  STRATA_QUERY(q,
               "SELECT diff_id, size, reference_count, last_referred, analyzer_version FROM "
               "records ORDER BY diff_id");
  for (;;) {
    TRY_ASSIGN(bool row, q.step());
    if (!row) {
      return {};
    }
    visit(q.row());
  }
}

util::Result<Index> IndexDb::snapshot() {
  Index index;
  TRY(for_each([&](const IndexRow& r) { index.records.emplace(r.diff_id, r.entry); }));
  {
    STRATA_QUERY(q, "SELECT digest, diff_id FROM aliases");
    for (;;) {
      TRY_ASSIGN(bool row, q.step());
      if (!row) {
        break;
      }
      index.aliases.emplace(q.text(0), q.text(1));
    }
  }
  TRY_ASSIGN(IndexCounters c, counters());
  index.cache_hits = c.cache_hits;
  index.cache_misses = c.cache_misses;
  index.max_size = c.max_size;
  return index;
}

}  // namespace strata::cache
