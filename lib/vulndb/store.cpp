#include "vulndb/store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/types.hpp"
#include "util/file.hpp"
#include "util/log.hpp"

namespace strata::vulndb {

namespace {

using nlohmann::json;

constexpr const char* k_schema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE advisories(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, modified TEXT,
  published TEXT, summary TEXT, details TEXT, aliases TEXT, upstream TEXT, related TEXT,
  severity TEXT, cvss_score REAL, cvss_vector TEXT, links TEXT);
CREATE TABLE affected(advisory INTEGER NOT NULL, ecosystem TEXT NOT NULL, name TEXT NOT NULL,
  data TEXT NOT NULL);
CREATE TABLE ecosystems(ecosystem TEXT PRIMARY KEY, advisories INTEGER, packages INTEGER,
  entries INTEGER);
CREATE TEMP TABLE superseded(rowid INTEGER PRIMARY KEY);
)sql";

// Indexes are built once after the bulk insert (faster than maintaining them row by row), and
// superseded duplicates are removed in one pass.
constexpr const char* k_finish = R"sql(
DELETE FROM affected WHERE advisory IN (SELECT rowid FROM temp.superseded);
DELETE FROM advisories WHERE rowid IN (SELECT rowid FROM temp.superseded);
CREATE UNIQUE INDEX advisories_by_id ON advisories(id);
CREATE INDEX affected_by_package ON affected(ecosystem, name);
INSERT INTO ecosystems SELECT ecosystem, COUNT(DISTINCT advisory), COUNT(DISTINCT name), COUNT(*)
  FROM affected GROUP BY ecosystem;
)sql";

std::string json_array(const std::vector<std::string>& items) {
  return json(items).dump();
}

std::string encode_affected(const vercmp::OsvAffected& a) {
  json ranges = json::array();
  for (const auto& r : a.ranges) {
    json events = json::array();
    for (const auto& e : r.events) {
      const char* key = "introduced";
      switch (e.kind) {
        case vercmp::OsvEvent::Kind::introduced: key = "introduced"; break;
        case vercmp::OsvEvent::Kind::fixed: key = "fixed"; break;
        case vercmp::OsvEvent::Kind::last_affected: key = "last_affected"; break;
        case vercmp::OsvEvent::Kind::limit: key = "limit"; break;
      }
      events.push_back(json{{key, e.version}});
    }
    ranges.push_back(json{{"type", r.type}, {"events", std::move(events)}});
  }
  json out{{"ranges", std::move(ranges)}};
  if (!a.versions.empty()) {
    out["versions"] = a.versions;
  }
  return out.dump();
}

util::Status sync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return util::input_error("{}: {}", path, std::strerror(errno));
  }
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) {
    return util::input_error("{}: fsync failed: {}", path, std::strerror(err));
  }
  return {};
}

}  // namespace

std::string now_rfc3339() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

util::Result<StoreBuilder> StoreBuilder::create(const std::string& dir) {
  TRY(util::make_dirs(dir));
  StoreBuilder b;
  b.m_dir = dir;
  std::string tmpl = dir + "/" + k_db_file_name + ".tmp.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    return util::input_error("{}: cannot create a temp file: {}", dir, std::strerror(errno));
  }
  ::fchmod(fd, 0644);
  ::close(fd);
  b.m_tmp_path = name.data();
  TRY_ASSIGN(auto conn, sql::Connection::open_for_build(b.m_tmp_path));
  b.m_conn = std::make_unique<sql::Connection>(std::move(conn));
  // The temp file is private until the rename, so no journal and no syncs while building; the
  // file is synced once before it is renamed into place.
  TRY(b.m_conn->exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
                     "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;"));
  TRY(b.m_conn->exec(k_schema));
  TRY(b.m_conn->exec("BEGIN"));
  TRY(b.prepare_statements());
  return b;
}

StoreBuilder::StoreBuilder(StoreBuilder&& other) noexcept
    : m_dir(std::move(other.m_dir)),
      m_tmp_path(std::move(other.m_tmp_path)),
      m_conn(std::move(other.m_conn)),
      m_insert_advisory(std::move(other.m_insert_advisory)),
      m_insert_affected(std::move(other.m_insert_affected)),
      m_supersede(std::move(other.m_supersede)),
      m_seen(std::move(other.m_seen)),
      m_counts(other.m_counts),
      m_committed(other.m_committed) {
  other.m_tmp_path.clear();
}

StoreBuilder::~StoreBuilder() {
  // Statements before the connection, the connection before the file.
  m_insert_advisory.reset();
  m_insert_affected.reset();
  m_supersede.reset();
  m_conn.reset();
  if (!m_committed && !m_tmp_path.empty()) {
    ::unlink(m_tmp_path.c_str());
  }
}

util::Status StoreBuilder::prepare_statements() {
  TRY_ASSIGN(auto adv, m_conn->prepare(
                           "INSERT INTO advisories(id, modified, published, summary, details, "
                           "aliases, upstream, related, severity, cvss_score, cvss_vector, links) "
                           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
  m_insert_advisory = std::make_unique<sql::Statement>(std::move(adv));
  TRY_ASSIGN(auto aff, m_conn->prepare(
                           "INSERT INTO affected(advisory, ecosystem, name, data) "
                           "VALUES(?1, ?2, ?3, ?4)"));
  m_insert_affected = std::make_unique<sql::Statement>(std::move(aff));
  TRY_ASSIGN(auto sup, m_conn->prepare("INSERT OR IGNORE INTO temp.superseded(rowid) VALUES(?1)"));
  m_supersede = std::make_unique<sql::Statement>(std::move(sup));
  return {};
}

util::Status StoreBuilder::add(const OsvRecord& rec) {
  if (!rec.withdrawn.empty()) {
    ++m_counts.withdrawn;
    return {};
  }
  auto seen = m_seen.find(rec.id);
  if (seen != m_seen.end()) {
    ++m_counts.duplicates;
    // RFC 3339 UTC strings of the same shape order lexicographically.
    if (rec.modified <= seen->second.modified) {
      return {};
    }
    m_supersede->bind(1, seen->second.rowid);
    TRY(m_supersede->run());
    --m_counts.records;
  }
  auto& ins = *m_insert_advisory;
  ins.bind(1, rec.id);
  ins.bind(2, rec.modified);
  ins.bind(3, rec.published);
  ins.bind(4, rec.summary);
  ins.bind(5, rec.details);
  ins.bind(6, json_array(rec.aliases));
  ins.bind(7, json_array(rec.upstream));
  ins.bind(8, json_array(rec.related));
  ins.bind(9, std::string_view(model::severity_name(rec.severity)));
  ins.bind(10, rec.cvss_score);
  ins.bind(11, rec.cvss_vector);
  ins.bind(12, json_array(rec.links));
  TRY(ins.run());
  std::int64_t rowid = m_conn->last_insert_rowid();
  m_seen[rec.id] = Seen{rowid, rec.modified};
  ++m_counts.records;
  for (const auto& a : rec.affected) {
    auto& aff = *m_insert_affected;
    aff.bind(1, rowid);
    aff.bind(2, a.ecosystem);
    aff.bind(3, a.name);
    aff.bind(4, encode_affected(a));
    TRY(aff.run());
    ++m_counts.affected;
  }
  return {};
}

util::Status StoreBuilder::write_meta(const std::vector<std::string>& sources,
                                      const std::string& exports_json) {
  TRY_ASSIGN(auto meta, m_conn->prepare("INSERT INTO meta(key, value) VALUES(?1, ?2)"));
  auto put = [&](std::string_view key, const std::string& value) {
    meta.bind(1, key);
    meta.bind(2, value);
    return meta.run();
  };
  TRY(put("format_version", std::to_string(k_format_version)));
  TRY(put("built", now_rfc3339()));
  TRY(put("generator", std::string("strata ") + STRATA_VERSION));
  TRY(put("sources", json_array(sources)));
  TRY(put("record_count", std::to_string(m_counts.records)));
  TRY(put("withdrawn", std::to_string(m_counts.withdrawn)));
  TRY(put("failed", std::to_string(m_counts.failed)));
  TRY(put("duplicates", std::to_string(m_counts.duplicates)));
  if (!exports_json.empty()) {
    TRY(put("exports", exports_json));
  }
  return {};
}

util::Status StoreBuilder::commit(const std::vector<std::string>& sources,
                                  const std::string& exports_json) {
  TRY(m_conn->exec(k_finish));
  TRY(write_meta(sources, exports_json));
  TRY(m_conn->exec("COMMIT"));
  m_insert_advisory.reset();
  m_insert_affected.reset();
  m_supersede.reset();
  m_conn.reset();  // closes the file
  TRY(sync_path(m_tmp_path));
  std::string final_path = m_dir + "/" + k_db_file_name;
  if (::rename(m_tmp_path.c_str(), final_path.c_str()) != 0) {
    return util::input_error("{}: cannot rename into place: {}", final_path,
                             std::strerror(errno));
  }
  m_committed = true;
  if (auto st = sync_path(m_dir); !st) {
    LOG_DEBUG("{}", st.error().message);  // the rename happened; a failed dir sync is not fatal
  }
  return {};
}

}  // namespace strata::vulndb
