#include "detect/rpmdb_sqlite.hpp"

#include <sqlite3.h>

#include <memory>

namespace strata::detect {

namespace {

constexpr std::string_view k_sqlite_magic{"SQLite format 3\0", 16};
constexpr std::size_t k_header_size = 100;
// File header bytes 18 and 19: the write and read format versions, 2 in WAL mode. The in-memory
// database has no WAL to read, so it is marked as a rollback-journal database (1) while it is
// read: the page content is the same (rpm checkpoints on close; a WAL file left beside it is not
// read).
constexpr std::size_t k_write_version = 18;
constexpr std::size_t k_read_version = 19;

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
  void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
};

util::Error sqlite_error(sqlite3* db) {
  return util::input_error("rpmdb.sqlite: {}",
                           db != nullptr ? sqlite3_errmsg(db) : "out of memory");
}

util::Status check_magic(std::string_view bytes) {
  if (bytes.size() < k_header_size || !bytes.starts_with(k_sqlite_magic)) {
    return util::input_error("rpmdb.sqlite: not an SQLite database");
  }
  return {};
}

// An in-memory, read-only connection over `bytes` itself (no copy): SQLite reads it until the
// connection is closed, and never writes to it.
util::Result<std::unique_ptr<sqlite3, Closer>> open_in_place(std::string& bytes) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<sqlite3, Closer> db(raw);
  if (rc != SQLITE_OK) {
    return sqlite_error(db.get());
  }
  auto* data = reinterpret_cast<unsigned char*>(bytes.data());
  rc = sqlite3_deserialize(db.get(), "main", data, static_cast<sqlite3_int64>(bytes.size()),
                           static_cast<sqlite3_int64>(bytes.size()), SQLITE_DESERIALIZE_READONLY);
  if (rc != SQLITE_OK) {
    return sqlite_error(db.get());
  }
  return db;
}

// Every row of Packages of the database `bytes` (marked as a rollback-journal database).
util::Result<std::vector<RpmdbEntry>> read_packages(std::string& bytes) {
  TRY_ASSIGN(auto db, open_in_place(bytes));
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db.get(), "SELECT hnum, blob FROM Packages ORDER BY hnum", -1, &raw,
                         nullptr) != SQLITE_OK) {
    return sqlite_error(db.get());
  }
  std::unique_ptr<sqlite3_stmt, Closer> st(raw);
  std::vector<RpmdbEntry> out;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    const auto* blob = static_cast<const char*>(sqlite3_column_blob(st.get(), 1));
    const int size = sqlite3_column_bytes(st.get(), 1);
    std::string_view header = blob == nullptr
                                  ? std::string_view()
                                  : std::string_view(blob, static_cast<std::size_t>(size));
    out.push_back(RpmdbEntry{sqlite3_column_int64(st.get(), 0), parse_rpm_header(header)});
  }
  if (rc != SQLITE_DONE) {
    return sqlite_error(db.get());
  }
  return out;
}

}  // namespace

util::Result<std::vector<RpmdbEntry>> read_rpmdb_sqlite(std::string_view bytes) {
  TRY(check_magic(bytes));
  std::string copy(bytes);
  return read_rpmdb_sqlite_in_place(copy);
}

util::Result<std::vector<RpmdbEntry>> read_rpmdb_sqlite_in_place(std::string& bytes) {
  TRY(check_magic(bytes));
  // Marked as a rollback-journal database while SQLite reads it (the connection is closed when
  // read_packages returns), then restored.
  const std::string versions = bytes.substr(k_write_version, 2);
  for (std::size_t at : {k_write_version, k_read_version}) {
    if (bytes[at] == 2) {
      bytes[at] = 1;
    }
  }
  auto out = read_packages(bytes);
  bytes.replace(k_write_version, 2, versions);
  return out;
}

}  // namespace strata::detect
