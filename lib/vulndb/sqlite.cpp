#include "vulndb/sqlite.hpp"

#include <sqlite3.h>

namespace strata::vulndb::sql {

void Connection::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void Statement::Finalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

std::string uri_escape_path(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    if (c == '?' || c == '#' || c == '%' || c < 0x20) {
      out += fmt::format("%{:02X}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

util::Result<Connection> Connection::open_for_build(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  Connection conn;
  conn.m_db.reset(db);
  conn.m_path = path;
  if (rc != SQLITE_OK) {
    return conn.last_error("cannot create database");
  }
  return conn;
}

util::Result<Connection> Connection::open_read_only(const std::string& path) {
  std::string uri = "file:" + uri_escape_path(path) + "?mode=ro";
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  Connection conn;
  conn.m_db.reset(db);
  conn.m_path = path;
  if (rc != SQLITE_OK) {
    return conn.last_error("cannot open database");
  }
  return conn;
}

std::int64_t Connection::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(m_db.get());
}

util::Error Connection::last_error(std::string_view what) const {
  const char* msg = m_db ? sqlite3_errmsg(m_db.get()) : "out of memory";
  return util::input_error("{}: {}: {}", m_path, what, msg);
}

util::Status Connection::exec(const char* sql) const {
  char* err = nullptr;
  if (sqlite3_exec(m_db.get(), sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "unknown error";
    sqlite3_free(err);
    return util::input_error("{}: {}", m_path, msg);
  }
  return {};
}

util::Result<Statement> Connection::prepare(std::string_view sql) const {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(m_db.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return last_error("cannot prepare query");
  }
  return Statement(stmt, m_db.get(), m_path);
}

void Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(m_stmt.get(), index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
}

void Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(m_stmt.get(), index, value);
}

void Statement::bind(int index, std::optional<double> value) {
  if (value) {
    sqlite3_bind_double(m_stmt.get(), index, *value);
  } else {
    sqlite3_bind_null(m_stmt.get(), index);
  }
}

util::Result<bool> Statement::step() {
  int rc = sqlite3_step(m_stmt.get());
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  return util::input_error("{}: query failed: {}", m_path, sqlite3_errmsg(m_db));
}

util::Status Statement::run() {
  auto r = step();
  reset();
  if (!r) {
    return std::move(r).error();
  }
  return {};
}

void Statement::reset() {
  sqlite3_reset(m_stmt.get());
  sqlite3_clear_bindings(m_stmt.get());
}

std::string_view Statement::column_text(int col) const {
  const auto* p = sqlite3_column_text(m_stmt.get(), col);
  int n = sqlite3_column_bytes(m_stmt.get(), col);
  if (p == nullptr) {
    return {};
  }
  return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)};
}

std::int64_t Statement::column_int(int col) const {
  return sqlite3_column_int64(m_stmt.get(), col);
}

std::optional<double> Statement::column_double(int col) const {
  if (sqlite3_column_type(m_stmt.get(), col) == SQLITE_NULL) {
    return std::nullopt;
  }
  return sqlite3_column_double(m_stmt.get(), col);
}

}  // namespace strata::vulndb::sql
