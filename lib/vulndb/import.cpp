// import_records: walks paths, streams zip exports with libarchive, feeds a StoreBuilder.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "util/file.hpp"
#include "util/log.hpp"
#include "vulndb/database.hpp"
#include "vulndb/osv_record.hpp"
#include "vulndb/store.hpp"

namespace strata::vulndb {

namespace {

namespace fs = std::filesystem;

// One OSV record file is a few KB; a 64 MiB cap stops a hostile zip entry from eating memory.
constexpr std::uint64_t k_max_document_size = 64u << 20;
constexpr std::uint64_t k_progress_every = 500;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

class Importer {
 public:
  Importer(StoreBuilder& builder, ImportStats& stats, ImportProgress* progress)
      : m_builder(builder), m_stats(stats), m_progress(progress) {}

  // `display` names the input in errors and failures instead of `path` when not empty.
  util::Status import_path(const std::string& path, const std::string& display) {
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      return util::input_error("{}: no such file or directory", display.empty() ? path : display);
    }
    if (fs::is_directory(status)) {
      return import_dir(path);
    }
    return import_file(path, display.empty() ? path : display);
  }

 private:
  util::Status import_dir(const std::string& dir) {
    std::vector<std::string> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec)) {
        continue;
      }
      std::string p = it->path().string();
      if (ends_with(p, ".json") || ends_with(p, ".zip")) {
        files.push_back(std::move(p));
      }
    }
    if (ec) {
      return util::input_error("{}: cannot read directory: {}", dir, ec.message());
    }
    std::sort(files.begin(), files.end());  // deterministic order (duplicates: first one wins)
    for (const auto& f : files) {
      TRY(import_file(f, f));
    }
    return {};
  }

  // A file is a zip when it starts with a zip signature, else JSON: by content, not by name.
  util::Status import_file(const std::string& path, const std::string& display) {
    if (m_progress != nullptr) {
      m_progress->on_source(display);
    }
    char magic[4] = {};
    if (std::FILE* f = std::fopen(path.c_str(), "rbe"); f != nullptr) {
      std::size_t n = std::fread(magic, 1, sizeof magic, f);
      std::fclose(f);
      if (n == 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0) {
        return import_zip(path, display);
      }
      if (n == 4 && std::memcmp(magic, "PK\x05\x06", 4) == 0) {
        return {};  // an empty zip
      }
    } else {
      return util::input_error("{}: {}", display, std::strerror(errno));
    }
    auto text = util::read_file(path, k_max_document_size);
    if (!text) {
      return display == path ? std::move(text).error() : text.error().wrap(display);
    }
    return import_document(display, *text);
  }

  util::Status import_zip(const std::string& path, const std::string& display) {
    struct Closer {
      void operator()(archive* a) const { archive_read_free(a); }
    };
    std::unique_ptr<archive, Closer> ar(archive_read_new());
    archive_read_support_format_zip(ar.get());
    if (archive_read_open_filename(ar.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
      return util::input_error("{}: cannot read zip: {}", display, archive_error_string(ar.get()));
    }
    archive_entry* entry = nullptr;
    std::string text;
    while (true) {
      int rc = archive_read_next_header(ar.get(), &entry);
      if (rc == ARCHIVE_EOF) {
        break;
      }
      if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
        return util::input_error("{}: corrupt zip: {}", display, archive_error_string(ar.get()));
      }
      std::string name = archive_entry_pathname(entry) != nullptr ? archive_entry_pathname(entry) : "";
      if (archive_entry_filetype(entry) != AE_IFREG || !ends_with(name, ".json")) {
        continue;
      }
      std::string label = display + "!" + name;
      if (archive_entry_size_is_set(entry) &&
          static_cast<std::uint64_t>(archive_entry_size(entry)) > k_max_document_size) {
        fail(label, "record larger than 64 MiB");
        continue;
      }
      text.clear();
      char buf[1 << 16];
      while (true) {
        la_ssize_t n = archive_read_data(ar.get(), buf, sizeof buf);
        if (n < 0) {
          return util::input_error("{}: corrupt zip: {}", label, archive_error_string(ar.get()));
        }
        if (n == 0) {
          break;
        }
        text.append(buf, static_cast<std::size_t>(n));
        if (text.size() > k_max_document_size) {
          return util::input_error("{}: zip entry larger than 64 MiB", label);
        }
      }
      TRY(import_document(label, text));
    }
    return {};
  }

  util::Status import_document(const std::string& label, std::string_view text) {
    ++m_stats.files;
    m_stats.bytes += text.size();
    auto records = parse_osv_document(text);
    if (!records) {
      fail(label, records.error().message);
    } else {
      for (const auto& rec : *records) {
        TRY(m_builder.add(rec));
      }
    }
    if (m_progress != nullptr && m_stats.files % k_progress_every == 0) {
      m_progress->on_documents(m_stats.files, m_builder.counts().records);
    }
    return {};
  }

  void fail(const std::string& label, const std::string& reason) {
    m_builder.count_failed();
    LOG_DEBUG("{}: skipped: {}", label, reason);
    if (m_stats.failures.size() < k_max_listed_failures) {
      m_stats.failures.push_back(ImportFailure{label, reason});
    }
  }

  StoreBuilder& m_builder;
  ImportStats& m_stats;
  ImportProgress* m_progress;
};

}  // namespace

util::Result<ImportStats> import_records(const std::vector<std::string>& paths,
                                         const std::string& db_dir, ImportProgress* progress) {
  if (paths.empty()) {
    return util::make_error(util::ErrorCategory::usage, "db import: no input paths given");
  }
  // Check every input before building anything: a typo fails fast and changes nothing.
  std::vector<std::string> sources;
  std::vector<BuildInput> inputs;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::exists(p, ec)) {
      return util::input_error("{}: no such file or directory", p);
    }
    auto abs = fs::absolute(p, ec);
    sources.push_back(ec ? p : abs.lexically_normal().string());
    inputs.push_back(BuildInput{p, ""});
  }
  TRY_ASSIGN(auto lock, lock_database_dir(db_dir, /*wait=*/true));
  return build_database(inputs, db_dir, sources, {}, progress);
}

util::Result<ImportStats> build_database(const std::vector<BuildInput>& inputs,
                                         const std::string& db_dir,
                                         const std::vector<std::string>& sources,
                                         const std::vector<ExportInfo>& exports,
                                         ImportProgress* progress) {
  auto start = std::chrono::steady_clock::now();
  TRY_ASSIGN(auto builder, StoreBuilder::create(db_dir));
  ImportStats stats;
  Importer importer(builder, stats, progress);
  for (const auto& in : inputs) {
    TRY(importer.import_path(in.path, in.label));
  }
  if (progress != nullptr) {
    progress->on_documents(stats.files, builder.counts().records);
  }
  std::string exports_json;
  if (!exports.empty()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& e : exports) {
      arr.push_back({{"ecosystem", e.ecosystem},
                     {"source", e.source},
                     {"url", e.url},
                     {"etag", e.etag},
                     {"last_modified", e.last_modified},
                     {"sha256", e.sha256},
                     {"size", e.size},
                     {"checked", e.checked}});
    }
    exports_json = arr.dump();
  }
  TRY(builder.commit(sources, exports_json));
  const BuildCounts& c = builder.counts();
  stats.records = c.records;
  stats.affected = c.affected;
  stats.withdrawn = c.withdrawn;
  stats.duplicates = c.duplicates;
  stats.failed = c.failed;
  stats.db_path = db_dir + "/" + k_db_file_name;
  stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (stats.failed > 0) {
    std::string names;
    for (std::size_t i = 0; i < stats.failures.size() && i < 10; ++i) {
      names += fmt::format("{}{} ({})", i == 0 ? "" : ", ", stats.failures[i].name,
                           stats.failures[i].reason);
    }
    if (stats.failed > 10) {
      names += fmt::format(", and {} more", stats.failed - 10);
    }
    LOG_WARN("{} OSV record(s) failed to parse and were skipped: {}", stats.failed, names);
  }
  return stats;
}

}  // namespace strata::vulndb
