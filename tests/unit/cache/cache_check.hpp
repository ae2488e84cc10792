#pragma once
// Test helpers: a temp directory, a settable clock, and an independent consistency check of a
// cache directory (reads index.sqlite and ref/ directly with SQLite, not through the library).

#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/temp_dir.hpp"

namespace strata::cache::testing {

struct TempDir : test_support::TempDir {
  TempDir() : test_support::TempDir("strata-cache-test") {}
};

// A clock the test moves by hand: starts at 2026-01-01T00:00:00Z.
struct ManualClock {
  std::shared_ptr<std::chrono::system_clock::time_point> now =
      std::make_shared<std::chrono::system_clock::time_point>(std::chrono::seconds(1767225600));
  std::function<std::chrono::system_clock::time_point()> fn() const {
    auto p = now;
    return [p] { return *p; };
  }
  void advance(std::chrono::nanoseconds d) {
    *now += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  }
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Replaces a file (unlink first: ext4 flushes a file truncated in place, which is slow).
inline void spit(const std::string& path, const std::string& content) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

// The index's records (layer_id -> size) and its counters (name -> value), read with SQLite
// directly; an empty optional if index.sqlite cannot be read.
struct IndexDump {
  std::map<std::string, std::uint64_t> records;  // by layer_id
  std::map<std::string, std::uint64_t> reference_counts, last_referred_ns;
  std::map<std::string, std::string> aliases;  // digest -> diff_id
  std::map<std::string, std::uint64_t> counters;
};

inline std::optional<IndexDump> dump_index(const std::string& dir) {
  sqlite3* db = nullptr;
  const std::string path = dir + "/index.sqlite";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return std::nullopt;
  }
  IndexDump d;
  bool ok = true;
  auto each = [&](const char* sql, auto&& fn) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
      ok = false;
      return;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      fn(st);
    }
    ok = ok && rc == SQLITE_DONE;
    sqlite3_finalize(st);
  };
  auto text = [](sqlite3_stmt* st, int col) {
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, col)));
  };
  each("SELECT diff_id, size, reference_count, last_referred FROM records", [&](sqlite3_stmt* st) {
    const std::string id = text(st, 0) + "_layer_file";
    d.records[id] = static_cast<std::uint64_t>(sqlite3_column_int64(st, 1));
    d.reference_counts[id] = static_cast<std::uint64_t>(sqlite3_column_int64(st, 2));
    d.last_referred_ns[id] = static_cast<std::uint64_t>(sqlite3_column_int64(st, 3));
  });
  each("SELECT digest, diff_id FROM aliases",
       [&](sqlite3_stmt* st) { d.aliases[text(st, 0)] = text(st, 1); });
  each("SELECT name, value FROM counters", [&](sqlite3_stmt* st) {
    d.counters[text(st, 0)] = static_cast<std::uint64_t>(sqlite3_column_int64(st, 1));
  });
  sqlite3_close(db);
  if (!ok) {
    return std::nullopt;
  }
  return d;
}

// Copies the WAL into index.sqlite and removes it (strata never checkpoints on close): the
// last connection to close does this. Call with no cache open on `dir`.
inline bool checkpoint_index(const std::string& dir) {
  sqlite3* db = nullptr;
  const std::string path = dir + "/index.sqlite";
  bool ok = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK &&
            sqlite3_exec(db, "PRAGMA user_version", nullptr, nullptr, nullptr) == SQLITE_OK;
  return sqlite3_close(db) == SQLITE_OK && ok;
}

// Empty if the index and ref/ agree exactly (every record file indexed with its size, no other
// record files, the total and count counters equal the sums, every alias names a record, no
// temp files); otherwise the first problem found.
inline std::string consistency_problem(const std::string& dir) {
  auto d = dump_index(dir);
  if (!d) {
    return "index.sqlite cannot be read";
  }
  std::set<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/ref")) {
    std::string name = e.path().filename().string();
    if (name.rfind(".tmp-", 0) == 0) {
      return "temp file left: " + name;
    }
    files.insert(name);
  }
  std::uint64_t total = 0;
  std::set<std::string> indexed;
  for (const auto& [id, size] : d->records) {
    indexed.insert(id);
    std::error_code ec;
    auto on_disk = std::filesystem::file_size(dir + "/ref/" + id, ec);
    if (ec) {
      return "indexed record has no file: " + id;
    }
    if (on_disk != size) {
      return "size mismatch for " + id;
    }
    total += size;
  }
  if (indexed != files) {
    return "record files and index differ";
  }
  for (const auto& [digest, diff_id] : d->aliases) {
    if (d->records.count(diff_id + "_layer_file") == 0) {
      return "alias without a record: " + digest;
    }
  }
  if (d->counters["total_size"] != total) {
    return "total_size is not the sum of sizes";
  }
  if (d->counters["record_count"] != indexed.size()) {
    return "record_count is wrong";
  }
  return "";
}

}  // namespace strata::cache::testing
