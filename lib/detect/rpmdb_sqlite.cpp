#include "detect/rpmdb_sqlite.hpp"

#include <sqlite3.h>

#include <cstring>
#include <memory>

namespace strata::detect {

namespace {

constexpr std::string_view k_sqlite_magic{"SQLite format 3\0", 16};
constexpr std::size_t k_header_size = 100;
// File header bytes 18 and 19: the write and read format versions, 2 in WAL mode. The in-memory
// database has no WAL to read, so the copy is marked as a rollback-journal database (1): the
// page content is the same (rpm checkpoints on close; a WAL file left beside it is not read).
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

// An in-memory, read-only connection over a private copy of `bytes`.
util::Result<std::unique_ptr<sqlite3, Closer>> open_copy(std::string_view bytes) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<sqlite3, Closer> db(raw);
  if (rc != SQLITE_OK) {
    return sqlite_error(db.get());
  }
  auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(bytes.size()));
  if (copy == nullptr) {
    return sqlite_error(nullptr);
  }
  std::memcpy(copy, bytes.data(), bytes.size());
  for (std::size_t at : {k_write_version, k_read_version}) {
    if (copy[at] == 2) {
      copy[at] = 1;
    }
  }
  // FREEONCLOSE: SQLite owns `copy` from here on, even when this call fails.
  rc = sqlite3_deserialize(db.get(), "main", copy, static_cast<sqlite3_int64>(bytes.size()),
                           static_cast<sqlite3_int64>(bytes.size()),
                           SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
  if (rc != SQLITE_OK) {
    return sqlite_error(db.get());
  }
  return db;
}

}  // namespace

util::Result<std::vector<RpmdbEntry>> read_rpmdb_sqlite(std::string_view bytes) {
  if (bytes.size() < k_header_size || !bytes.starts_with(k_sqlite_magic)) {
    return util::input_error("rpmdb.sqlite: not an SQLite database");
  }
  TRY_ASSIGN(auto db, open_copy(bytes));
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

}  // namespace strata::detect
