// import_records: walks paths, streams zip exports with libarchive, feeds a StoreBuilder.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

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

// One JSON document read from an input, on its way to a parse worker.
struct Doc {
  std::string label;  // "dir/file.json" or "all.zip!GHSA-xxxx.json"
  std::string text;
  std::string error;   // set by the reader for an entry it refused (too large): counted as failed
  std::string source;  // set on the first document of each input, for ImportProgress::on_source
};

struct Parsed {
  util::Result<std::vector<OsvRecord>> records = std::vector<OsvRecord>{};
};

struct Batch {
  std::uint64_t seq = 0;
  std::vector<Doc> docs;
  std::vector<Parsed> parsed;  // filled by a worker, one per doc
};

// Documents are read by one thread (zip inflation is sequential), parsed by `workers` threads, and
// handed back to the importing thread in the order they were read, so a build is deterministic
// (the first of two equal duplicates wins) whatever the thread timing.
class Pipeline {
 public:
  explicit Pipeline(unsigned workers) {
    for (unsigned i = 0; i < workers; ++i) {
      m_workers.emplace_back([this] { work(); });
    }
  }
  ~Pipeline() {
    abort();
    for (auto& t : m_workers) {
      t.join();
    }
  }

  // Reader side. False once the consumer gave up (the reader stops reading).
  bool push(Doc doc) {
    m_bytes += doc.text.size();
    m_current.docs.push_back(std::move(doc));
    if (m_current.docs.size() >= k_batch_docs || m_bytes >= k_batch_bytes) {
      return flush();
    }
    return !aborted();
  }
  // The reader is done (`status` is its outcome): no more documents.
  void finish(util::Status status) {
    flush();
    std::lock_guard lock(m_mutex);
    m_reader_status = std::move(status);
    m_reader_done = true;
    m_cv.notify_all();
  }

  // Consumer side: the next batch in reading order, or nothing at the end.
  std::optional<Batch> next() {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] {
      return m_done.count(m_next_out) != 0 || (m_reader_done && m_next_out == m_next_seq) ||
             m_abort;
    });
    auto it = m_done.find(m_next_out);
    if (it == m_done.end()) {
      return std::nullopt;
    }
    Batch b = std::move(it->second);
    m_done.erase(it);
    ++m_next_out;
    m_cv.notify_all();  // room for the reader again
    return b;
  }
  util::Status reader_status() {
    std::lock_guard lock(m_mutex);
    return m_reader_status;
  }
  void abort() {
    std::lock_guard lock(m_mutex);
    m_abort = true;
    m_cv.notify_all();
  }

 private:
  static constexpr std::size_t k_batch_docs = 256;
  static constexpr std::size_t k_batch_bytes = 1u << 20;

  bool aborted() {
    std::lock_guard lock(m_mutex);
    return m_abort;
  }

  bool flush() {
    if (m_current.docs.empty()) {
      return !aborted();
    }
    std::unique_lock lock(m_mutex);
    // Bounded: at most a few batches per worker read ahead of the consumer.
    m_cv.wait(lock, [&] { return m_abort || m_next_seq - m_next_out < 4 * m_workers.size(); });
    if (m_abort) {
      return false;
    }
    m_current.seq = m_next_seq++;
    m_todo.push_back(std::move(m_current));
    m_current = Batch{};
    m_bytes = 0;
    m_cv.notify_all();
    return true;
  }

  void work() {
    while (true) {
      Batch b;
      {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [&] { return m_abort || !m_todo.empty(); });
        if (m_abort) {
          return;
        }
        b = std::move(m_todo.front());
        m_todo.pop_front();
      }
      b.parsed.resize(b.docs.size());
      for (std::size_t i = 0; i < b.docs.size(); ++i) {
        if (b.docs[i].error.empty()) {
          b.parsed[i].records = parse_osv_document(b.docs[i].text);
        }
      }
      std::lock_guard lock(m_mutex);
      m_done.emplace(b.seq, std::move(b));
      m_cv.notify_all();
    }
  }

  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::vector<std::thread> m_workers;
  std::deque<Batch> m_todo;
  std::map<std::uint64_t, Batch> m_done;
  std::uint64_t m_next_seq = 0;  // given to the next batch read
  std::uint64_t m_next_out = 0;  // the batch the consumer waits for
  bool m_reader_done = false;
  bool m_abort = false;
  util::Status m_reader_status;
  // Reader thread only.
  Batch m_current;
  std::size_t m_bytes = 0;
};

// Walks the inputs and feeds every JSON document to the pipeline (on the reader thread).
class Reader {
 public:
  explicit Reader(Pipeline& pipe) : m_pipe(pipe) {}

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
  bool stopped() const { return m_stopped; }

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
    char magic[4] = {};
    if (std::FILE* f = std::fopen(path.c_str(), "rbe"); f != nullptr) {
      std::size_t n = std::fread(magic, 1, sizeof magic, f);
      std::fclose(f);
      if (n == 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0) {
        return read_zip(path, display);
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
    if (!m_pipe.push(std::move(doc))) {
      m_stopped = true;
    }
  }

  Pipeline& m_pipe;
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
      if (!doc.error.empty()) {
        fail(doc.label, doc.error);
        continue;
      }
      auto& records = batch.parsed[i].records;
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

unsigned parse_workers() {
  unsigned n = std::thread::hardware_concurrency();
  return std::clamp(n, 1u, 8u);
}

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
  {
    Pipeline pipe(parse_workers());
    std::thread reader_thread([&] {
      Reader reader(pipe);
      util::Status st;
      for (const auto& in : inputs) {
        st = reader.read_path(in.path, in.label);
        if (!st || reader.stopped()) {
          break;
        }
      }
      pipe.finish(std::move(st));
    });
    Consumer consumer(builder, stats, progress);
    util::Status st;
    while (auto batch = pipe.next()) {
      for (const auto& d : batch->docs) {
        stats.bytes += d.text.size();
      }
      st = consumer.take(*batch);
      if (!st) {
        pipe.abort();
        break;
      }
    }
    reader_thread.join();
    TRY(pipe.reader_status());
    TRY(st);
  }
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
