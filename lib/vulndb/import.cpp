// import_records: walks paths, streams zip exports with libarchive, feeds a StoreBuilder.
#include "vulndb/import.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <thread>
#include <utility>

#include "util/file.hpp"
#include "util/log.hpp"
#include "util/parallel.hpp"
#include "vulndb/builder.hpp"
#include "vulndb/format.hpp"
#include "vulndb/osv_record.hpp"

namespace strata::vulndb {

namespace {

namespace fs = std::filesystem;

// One OSV record file is a few KB; a 64 MiB cap stops a hostile zip entry from eating memory.
constexpr std::uint64_t k_max_document_size = 64u << 20;
constexpr std::uint64_t k_progress_every = 500;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// One JSON document read from an input, on its way to a parse worker.
struct Doc {
  std::string label;  // "dir/file.json" or "all.zip!GHSA-xxxx.json"
  std::string text;
  std::string error;   // set by the reader for an entry it refused (too large): counted as failed
  std::string source;  // set on the first document of each input, for ImportProgress::on_source
};

// Documents are read by one thread (zip inflation is sequential) in batches, parsed on up to
// k_max_parse_workers threads, and handed back to the importing thread in the order they were
// read (util::OrderedQueue), so a build is deterministic (the first of two equal duplicates wins)
// whatever the thread timing. At most k_batches_per_worker batches per worker are read ahead.
constexpr unsigned k_max_parse_workers = 8;
constexpr std::size_t k_batches_per_worker = 4;
constexpr std::size_t k_batch_docs = 256;
constexpr std::size_t k_batch_bytes = 1u << 20;

struct Batch {
  std::vector<Doc> docs;
  std::vector<util::Result<std::vector<OsvRecord>>> parsed;  // filled by a worker, one per doc
};

using BatchQueue = util::OrderedQueue<Batch>;

// On a worker: parses every document the reader did not refuse.
void parse_batch(Batch& b) {
  b.parsed.reserve(b.docs.size());
  for (const Doc& doc : b.docs) {
    if (!doc.error.empty()) {
      b.parsed.emplace_back(std::vector<OsvRecord>{});
      continue;
    }
    try {
      b.parsed.push_back(parse_osv_document(doc.text));
    } catch (const std::exception& e) {  // e.g. bad_alloc: must not escape the worker
      b.parsed.emplace_back(util::make_error(util::ErrorCategory::internal, "{}", e.what()));
    }
  }
}

// Walks the inputs and feeds every JSON document to the queue in batches (on the reader thread).
class Reader {
 public:
  explicit Reader(BatchQueue& queue) : m_queue(queue) {}

  // Reads every input in order until one fails or the consumer gives up; then pushes the last
  // batch and closes the queue.
  util::Status read_all(const std::vector<BuildInput>& inputs) {
    util::Status st;
    for (const auto& in : inputs) {
      st = read_path(in.path, in.label);
      if (!st || m_stopped) {
        break;
      }
    }
    flush();
    m_queue.close();
    return st;
  }

  // `display` names the input in errors and failures instead of `path` when not empty.
  util::Status read_path(const std::string& path, const std::string& display) {
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      return util::input_error("{}: no such file or directory", display.empty() ? path : display);
    }
    if (fs::is_directory(status)) {
      return read_dir(path);
    }
    return read_file(path, display.empty() ? path : display);
  }

 private:
  util::Status read_dir(const std::string& dir) {
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
      TRY(read_file(f, f));
      if (m_stopped) {
        break;
      }
    }
    return {};
  }

  // A file is a zip when it starts with a zip signature, else JSON: by content, not by name.
  util::Status read_file(const std::string& path, const std::string& display) {
    m_source = display;
    auto head = util::read_file_head(path, 4);
    if (!head) {
      return display == path ? std::move(head).error() : head.error().wrap(display);
    }
    switch (zip_kind(*head)) {
      case ZipKind::zip:
        return read_zip(path, display);
      case ZipKind::empty_zip:
        return {};
      case ZipKind::not_zip:
        break;
    }
    auto text = util::read_file(path, k_max_document_size);
    if (!text) {
      return display == path ? std::move(text).error() : text.error().wrap(display);
    }
    emit(Doc{display, std::move(text).value(), {}, {}});
    return {};
  }

  util::Status read_zip(const std::string& path, const std::string& display) {
    struct Closer {
      void operator()(archive* a) const { archive_read_free(a); }
    };
    std::unique_ptr<archive, Closer> ar(archive_read_new());
    archive_read_support_format_zip(ar.get());
    if (archive_read_open_filename(ar.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
      return util::input_error("{}: cannot read zip: {}", display, archive_error_string(ar.get()));
    }
    archive_entry* entry = nullptr;
    while (!m_stopped) {
      int rc = archive_read_next_header(ar.get(), &entry);
      if (rc == ARCHIVE_EOF) {
        break;
      }
      if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
        return util::input_error("{}: corrupt zip: {}", display, archive_error_string(ar.get()));
      }
      std::string name =
          archive_entry_pathname(entry) != nullptr ? archive_entry_pathname(entry) : "";
      if (archive_entry_filetype(entry) != AE_IFREG || !ends_with(name, ".json")) {
        continue;
      }
      std::string label = display + "!" + name;
      if (archive_entry_size_is_set(entry) &&
          static_cast<std::uint64_t>(archive_entry_size(entry)) > k_max_document_size) {
        emit(Doc{std::move(label), {}, "record larger than 64 MiB", {}});
        continue;
      }
      std::string text;
      if (archive_entry_size_is_set(entry)) {
        text.reserve(static_cast<std::size_t>(archive_entry_size(entry)));
      }
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
      emit(Doc{std::move(label), std::move(text), {}, {}});
    }
    return {};
  }

  void emit(Doc doc) {
    if (!m_source.empty()) {
      doc.source = std::move(m_source);
      m_source.clear();
    }
    m_batch_bytes += doc.text.size();
    m_batch.docs.push_back(std::move(doc));
    if (m_batch.docs.size() >= k_batch_docs || m_batch_bytes >= k_batch_bytes) {
      flush();
    }
  }

  void flush() {
    if (m_batch.docs.empty() || m_stopped) {
      return;
    }
    m_stopped = !m_queue.push(std::exchange(m_batch, Batch{}));  // false: the consumer gave up
    m_batch_bytes = 0;
  }

  BatchQueue& m_queue;
  Batch m_batch;  // documents not pushed yet
  std::size_t m_batch_bytes = 0;
  std::string m_source;  // the input being read, until its first document is emitted
  bool m_stopped = false;
};

// The importing thread's side: records into the builder, failures counted and named.
class Consumer {
 public:
  Consumer(StoreBuilder& builder, ImportStats& stats, ImportProgress* progress)
      : m_builder(builder), m_stats(stats), m_progress(progress) {}

  util::Status take(Batch& batch) {
    for (std::size_t i = 0; i < batch.docs.size(); ++i) {
      Doc& doc = batch.docs[i];
      if (m_progress != nullptr && !doc.source.empty()) {
        m_progress->on_source(doc.source);
      }
      ++m_stats.files;
      m_stats.bytes += doc.text.size();
      if (!doc.error.empty()) {
        fail(doc.label, doc.error);
        continue;
      }
      const auto& records = batch.parsed[i];
      if (!records) {
        fail(doc.label, records.error().message);
      } else {
        for (const auto& rec : *records) {
          TRY(m_builder.add(rec));
        }
      }
      if (m_progress != nullptr && m_stats.files % k_progress_every == 0) {
        m_progress->on_documents(m_stats.files, m_builder.counts().records);
      }
    }
    return {};
  }

 private:
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

// Reads `inputs` (on a thread of its own), parses them (on workers) and adds the records to
// `builder` (on this thread), counting into `stats`.
util::Status read_into(const std::vector<BuildInput>& inputs, StoreBuilder& builder,
                       ImportStats& stats, ImportProgress* progress) {
  const unsigned workers = util::worker_count(k_max_parse_workers);
  BatchQueue queue(workers, k_batches_per_worker * workers, parse_batch);
  util::Status read_status;
  std::thread reader_thread([&] { read_status = Reader(queue).read_all(inputs); });
  Consumer consumer(builder, stats, progress);
  util::Status st;
  while (auto batch = queue.next()) {
    st = consumer.take(*batch);
    if (!st) {
      queue.abort();  // the reader stops at its next batch
      break;
    }
  }
  reader_thread.join();
  TRY(std::move(read_status));
  return st;
}

// One warning naming the first few records that failed to parse.
void warn_failures(const ImportStats& stats) {
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

}  // namespace

ZipKind zip_kind(std::string_view head) {
  if (head.starts_with(std::string_view("PK\x03\x04", 4))) {
    return ZipKind::zip;
  }
  if (head.starts_with(std::string_view("PK\x05\x06", 4))) {
    return ZipKind::empty_zip;
  }
  return ZipKind::not_zip;
}

util::Result<ImportStats> import_records(const std::vector<std::string>& paths,
                                         const std::string& db_dir, ImportProgress* progress,
                                         BuildTime time) {
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
  return build_database(inputs, db_dir, sources, {}, progress, time);
}

util::Result<ImportStats> build_database(const std::vector<BuildInput>& inputs,
                                         const std::string& db_dir,
                                         const std::vector<std::string>& sources,
                                         const std::vector<ExportInfo>& exports,
                                         ImportProgress* progress, BuildTime time) {
  auto start = std::chrono::steady_clock::now();
  TRY_ASSIGN(auto builder, StoreBuilder::create(db_dir, time));
  ImportStats stats;
  TRY(read_into(inputs, builder, stats, progress));
  if (progress != nullptr) {
    progress->on_documents(stats.files, builder.counts().records);
  }
  const std::string exports_text = exports.empty() ? std::string() : exports_json(exports);
  TRY(builder.commit(sources, exports_text));
  const BuildCounts& c = builder.counts();
  stats.records = c.records;
  stats.affected = c.affected;
  stats.withdrawn = c.withdrawn;
  stats.duplicates = c.duplicates;
  stats.failed = c.failed;
  stats.db_path = db_dir + "/" + k_db_file_name;
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (stats.failed > 0) {
    warn_failures(stats);
  }
  return stats;
}

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
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(std::string(k_db_file_name) + ".tmp.") || name.starts_with(".download-")) {
      fs::remove(entry.path(), ec);
    }
  }
  return lock;
}

}  // namespace strata::vulndb
