#pragma once
// Thin RAII wrappers over the SQLite C API, internal to vulndb: a connection and a prepared
// statement whose failures come back as util::Error values naming the database file.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace strata::vulndb::sql {

class Statement;

class Connection {
 public:
  // Opens `path` read-write, creating it if needed (for the builder).
  static util::Result<Connection> open_for_build(const std::string& path);
  // Opens `path` read-only through a `file:...?mode=ro` URI; never creates it.
  static util::Result<Connection> open_read_only(const std::string& path);

  // Runs one or more statements without results; the error names `what`.
  util::Status exec(const char* sql) const;
  util::Result<Statement> prepare(std::string_view sql) const;
  const std::string& path() const { return m_path; }
  std::int64_t last_insert_rowid() const;
  // The error for the last failed call, prefixed with the file name.
  util::Error last_error(std::string_view what) const;
  sqlite3* handle() const { return m_db.get(); }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  std::unique_ptr<sqlite3, Closer> m_db;
  std::string m_path;
};

class Statement {
 public:
  // Holds the connection's handle (stable across moves of the Connection), not the Connection.
  Statement(sqlite3_stmt* stmt, sqlite3* db, std::string path)
      : m_stmt(stmt), m_db(db), m_path(std::move(path)) {}

  void bind(int index, std::string_view text);
  void bind(int index, std::int64_t value);
  void bind(int index, std::optional<double> value);  // nullopt binds NULL
  // Steps once: true when a row is available, false when done; errors name the file.
  util::Result<bool> step();
  // Steps to completion (for INSERT/UPDATE/DELETE) and resets the statement for reuse.
  util::Status run();
  void reset();

  std::string_view column_text(int col) const;
  std::int64_t column_int(int col) const;
  std::optional<double> column_double(int col) const;  // nullopt for NULL

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };
  std::unique_ptr<sqlite3_stmt, Finalizer> m_stmt;
  sqlite3* m_db;
  std::string m_path;
};

// Escapes a file path for use in an SQLite `file:` URI (%-encodes '?', '#', '%' and controls).
std::string uri_escape_path(std::string_view path);

}  // namespace strata::vulndb::sql
