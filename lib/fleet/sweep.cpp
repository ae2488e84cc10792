#include "fleet/sweep.hpp"

#include <dirent.h>
#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "cache/layer_cache.hpp"
#include "http/url.hpp"
#include "image/reference.hpp"
#include "report/report.hpp"
#include "util/file.hpp"
#include "util/file_lock.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "vulndb/database.hpp"

namespace strata::fleet {

namespace {

bool is_glob(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

bool matches_any(const std::vector<std::string>& globs, const std::string& name) {
  if (globs.empty()) {
    return true;
  }
  return std::any_of(globs.begin(), globs.end(), [&](const std::string& g) {
    return ::fnmatch(g.c_str(), name.c_str(), 0) == 0;
  });
}

// A repository name as the distribution spec allows it (and as parse_reference reads it back
// unchanged), so that it is safe in a URL path and, with / as _, as a file name.
bool valid_repository(const std::string& host, const std::string& name) {
  if (name.empty() || name.size() > 255) {
    return false;
  }
  auto ref = image::parse_reference(host + "/" + name);
  return ref && ref->path == name && ref->tag.empty() && ref->digest.empty();
}

// A tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
bool valid_tag(const std::string& tag) {
  if (tag.empty() || tag.size() > 128 || tag[0] == '.' || tag[0] == '-') {
    return false;
  }
  return std::all_of(tag.begin(), tag.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

// Removes the regular files in `dir` (what a killed run of this shard left there).
void clear_dir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    return;
  }
  while (const dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") {
      if (::unlink((dir + "/" + name).c_str()) == 0) {
        LOG_INFO("registry sweep: removed {}/{}, left by an earlier run", dir, name);
      }
    }
  }
  ::closedir(d);
}

// Writes `content` to a temp file in `tmp_dir` and renames it over `target`.
util::Status write_via(const std::string& tmp_dir, const std::string& target,
                       std::string_view content) {
  auto slash = target.rfind('/');
  TRY_ASSIGN(util::TempFile tmp,
             util::TempFile::create(tmp_dir + "/" + target.substr(slash + 1) + ".tmp."));
  TRY(tmp.write(content));
  TRY(tmp.sync_and_close());
  return tmp.rename_to(target);
}

// The repositories to sweep, sorted, all shards' (see sweep.hpp).
util::Result<std::vector<std::string>> repositories(const SweepOptions& o,
                                                    std::vector<std::string>& warnings) {
  std::vector<std::string> names;
  const bool literal = !o.repos.empty() && std::none_of(o.repos.begin(), o.repos.end(),
                                                        [](const auto& r) { return is_glob(r); });
  if (literal) {
    for (const auto& r : o.repos) {
      if (!valid_repository(o.host, r)) {
        return util::make_error(util::ErrorCategory::usage,
                                "--repo {}: not a repository name (lower case letters, digits, "
                                "separators . _ - and /)",
                                util::printable(r, 300));
      }
    }
    names = o.repos;
  } else {
    auto listed = registry::RegistryClient::list_repositories(o.host, o.registry, o.page_size);
    if (!listed) {
      return util::make_error(
          util::ErrorCategory::network,
          "{}: cannot list the registry's repositories ({}); name them with --repo NAME", o.host,
          listed.error().message);
    }
    names = std::move(*listed);
  }
  std::vector<std::string> out;
  for (auto& n : names) {
    if (!valid_repository(o.host, n)) {
      warnings.push_back(fmt::format("{}: '{}' is not a valid repository name; left out", o.host,
                                     util::printable(n, 300)));
    } else if (matches_any(literal ? std::vector<std::string>{} : o.repos, n)) {
      out.push_back(std::move(n));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

struct Image {
  std::string repository;
  std::string digest;
  std::vector<std::string> tags;
};

ImageEntry failed_entry(const std::string& repository, std::vector<std::string> tags,
                        std::string error) {
  ImageEntry e;
  e.repository = repository;
  e.tags = std::move(tags);
  e.status = ImageStatus::failed;
  e.error = std::move(error);
  return e;
}

// The images of `repository` (one per digest, in the order their first tag was listed), and a
// failed entry for the repository or for each tag that could not be resolved.
std::vector<Image> images_of(const SweepOptions& o, const std::string& repository,
                             std::vector<ImageEntry>& failed, std::vector<std::string>& warnings) {
  registry::RegistryClient client(o.host, repository, o.registry);
  auto tags = client.list_tags(o.page_size);
  if (!tags) {
    failed.push_back(failed_entry(repository, {}, tags.error().message));
    return {};
  }
  std::vector<Image> images;
  std::map<std::string, std::size_t> by_digest;
  std::set<std::string> seen;
  std::size_t taken = 0;
  for (const auto& tag : *tags) {
    if (!valid_tag(tag)) {
      warnings.push_back(fmt::format("{}/{}: '{}' is not a valid tag; left out", o.host, repository,
                                     util::printable(tag, 300)));
      continue;
    }
    if (!matches_any(o.tags, tag) || !seen.insert(tag).second) {
      continue;
    }
    if (o.max_tags_per_repo != 0 && taken == o.max_tags_per_repo) {
      break;
    }
    ++taken;
    auto digest = client.manifest_digest(tag);
    if (!digest) {
      failed.push_back(failed_entry(repository, {tag}, digest.error().message));
      continue;
    }
    auto [it, fresh] = by_digest.emplace(*digest, images.size());
    if (fresh) {
      images.push_back(Image{repository, *digest, {}});
    }
    images[it->second].tags.push_back(tag);
  }
  for (auto& i : images) {
    std::sort(i.tags.begin(), i.tags.end());
  }
  return images;
}

// The counts of an existing report when it is this image's, made with database build `built`.
std::optional<FindingCounts> reusable_report(const std::string& path, const Image& image,
                                             const std::string& host, const std::string& built) {
  if (!util::is_regular_file(path)) {
    return std::nullopt;
  }
  auto head = read_report_head(path);
  if (!head) {
    LOG_WARN("registry sweep: {}; scanning again", head.error().message);
    return std::nullopt;
  }
  if (head->name != host + "/" + image.repository + "@" + image.digest || head->db_built != built) {
    return std::nullopt;
  }
  return head->counts;
}

FindingCounts counts_of(const model::ScanResult& result) {
  auto c = report::count_by_severity(result);
  return FindingCounts{c.critical, c.high, c.medium, c.low, c.unknown, c.total};
}

bool at_or_above(const FindingCounts& c, model::Severity threshold) {
  using S = model::Severity;
  std::uint64_t n = c.critical;
  n += threshold <= S::high ? c.high : 0;
  n += threshold <= S::medium ? c.medium : 0;
  n += threshold <= S::low ? c.low : 0;
  n += threshold <= S::unknown ? c.unknown : 0;
  return n > 0;
}

// POSTs `body` (a report) to `url`; retries as http::Client does (connection errors, 5xx, 429).
util::Status post_report(http::Client& client, const std::string& url, const Image& image,
                         std::string body) {
  http::Request req;
  req.method = "POST";
  req.url = url;
  req.body = std::move(body);
  req.headers = {{"Content-Type", "application/json"},
                 {"X-Strata-Repository", image.repository},
                 {"X-Strata-Digest", image.digest}};
  TRY_ASSIGN(http::Response resp, client.fetch(req, 1u << 20));
  if (resp.status < 200 || resp.status > 299) {
    return util::make_error(util::ErrorCategory::network, "POST {}: the collector answered HTTP {}",
                            http::redact_url(url), resp.status);
  }
  return {};
}

// The entries of this shard's previous summary whose report could not be posted.
std::set<std::pair<std::string, std::string>> unposted(const std::string& summary_path) {
  std::set<std::pair<std::string, std::string>> out;
  if (!util::is_regular_file(summary_path)) {
    return out;
  }
  if (auto previous = read_summary(summary_path)) {
    for (const auto& e : previous->entries) {
      if (e.post_failed) {
        out.emplace(e.repository, e.digest);
      }
    }
  }
  return out;
}

class Sweep {
 public:
  Sweep(const SweepOptions& o, std::string tmp_dir, std::string built)
      : m_o(o),
        m_tmp(std::move(tmp_dir)),
        m_built(std::move(built)),
        m_post(o.post_http),
        m_cache(scan::open_layer_cache(o.scan)) {}

  util::Result<SweepResult> run() {
    SweepResult result;
    result.summary.shard = m_o.shard;
    const std::string summary_path = m_o.output_dir + "/shard-" + m_o.shard.name() + ".json";
    m_unposted = unposted(summary_path);
    TRY_ASSIGN(std::vector<std::string> repos, repositories(m_o, result.warnings));
    std::vector<Image> images;
    for (const auto& repo : repos) {
      if (!in_shard(repo, m_o.shard)) {
        continue;
      }
      for (auto& i : images_of(m_o, repo, result.summary.images, result.warnings)) {
        images.push_back(std::move(i));
      }
    }
    const std::size_t total = images.size();
    for (std::size_t k = 0; k < total; ++k) {
      ImageEntry entry = sweep_one(images[k], result);
      if (m_o.progress) {
        m_o.progress(fmt::format("[{}/{}] {}@{}: {}{}", k + 1, total, entry.repository,
                                 entry.digest,
                                 entry.status == ImageStatus::failed    ? "failed: " + entry.error
                                 : entry.status == ImageStatus::skipped ? std::string("skipped")
                                                                        : std::string("scanned"),
                                 entry.status == ImageStatus::failed
                                     ? ""
                                     : fmt::format(", {} findings", entry.findings.total)));
      }
      result.summary.images.push_back(std::move(entry));
    }
    TRY(write_via(m_tmp, summary_path, to_json(result.summary)));
    return result;
  }

 private:
  ImageEntry sweep_one(const Image& image, SweepResult& result) {
    ImageEntry e;
    e.repository = image.repository;
    e.digest = image.digest;
    e.tags = image.tags;
    const std::string rel = report_name(image.repository, image.digest);
    const std::string path = m_o.output_dir + "/" + rel;
    if (auto counts = reusable_report(path, image, m_o.host, m_built)) {
      e.status = ImageStatus::skipped;
      e.report = rel;
      e.findings = *counts;
      if (m_unposted.count({image.repository, image.digest}) != 0) {
        if (auto text = util::read_file(path, 1ull << 30)) {
          post(image, std::move(*text), e, result);
        }
      }
    } else if (auto body = scan(image, e)) {
      if (auto st = write_via(m_tmp, path, *body); !st) {
        e.status = ImageStatus::failed;
        e.error = st.error().message;
      } else {
        e.status = ImageStatus::scanned;
        e.report = rel;
        post(image, std::move(*body), e, result);
      }
    }
    if (e.status != ImageStatus::failed && m_o.fail_on && at_or_above(e.findings, *m_o.fail_on)) {
      result.fail_on_hit = true;
    }
    return e;
  }

  // The JSON report of `image`, or nullopt with `e` failed.
  std::optional<std::string> scan(const Image& image, ImageEntry& e) {
    scan::Options opts = m_o.scan;
    image::Reference ref;
    ref.domain = m_o.host;
    ref.path = image.repository;
    ref.digest = image.digest;
    opts.reference = std::move(ref);
    opts.registry = m_o.registry;
    // One cache for the whole sweep (opening it per image would cost a lease file, a leftover
    // check and SQLite's WAL recovery each time); its leases are dropped after each image, so
    // that what one image used may be evicted for the next, as if each had its own process.
    opts.open_cache = m_cache;
    // An image too big for the memory left fails alone (its memory is freed): the next one may
    // well fit, as `strata image` would run out of memory on this one only.
    util::Result<model::ScanResult> scanned = util::make_error(util::ErrorCategory::internal, "");
    try {
      scanned = scan::scan_image(opts);
    } catch (const std::bad_alloc&) {
      scanned = util::make_error(util::ErrorCategory::input, "out of memory");
    }
    if (m_cache) {
      m_cache->release_leases();
    }
    if (!scanned) {
      e.status = ImageStatus::failed;
      e.error = scanned.error().message;
      return std::nullopt;
    }
    for (const auto& tag : image.tags) {
      scanned->target.references.push_back(image.repository + ":" + tag);
    }
    e.findings = counts_of(*scanned);
    std::ostringstream out;
    report::write_json(*scanned, out, false);
    return std::move(out).str();
  }

  void post(const Image& image, std::string body, ImageEntry& e, SweepResult& result) {
    if (m_o.post_url.empty()) {
      return;
    }
    if (auto st = post_report(m_post, m_o.post_url, image, std::move(body)); !st) {
      e.post_error = st.error().message;
      result.warnings.push_back(fmt::format("{}@{}: report not posted: {}", image.repository,
                                            image.digest, st.error().message));
    }
  }

  const SweepOptions& m_o;
  std::string m_tmp;
  std::string m_built;
  http::Client m_post;
  std::set<std::pair<std::string, std::string>> m_unposted;
  std::shared_ptr<cache::LayerCache> m_cache;  // nullptr: no layer cache
};

}  // namespace

util::Result<SweepResult> run_sweep(const SweepOptions& o) {
  if (o.page_size < 1 || o.page_size > 10000) {
    return util::make_error(util::ErrorCategory::usage, "--page-size must be between 1 and 10000");
  }
  const std::string tmp_base = o.output_dir + "/.tmp";
  const std::string tmp_dir = tmp_base + "/shard-" + o.shard.name();
  TRY(util::make_dirs(o.output_dir + "/images"));
  TRY(util::make_dirs(tmp_dir));
  auto lock = util::FileLock::acquire(tmp_base + "/shard-" + o.shard.name() + ".lock", false);
  if (!lock) {
    return util::input_error("{}: shard {}/{} is already running on this directory ({})",
                             o.output_dir, o.shard.index, o.shard.count, lock.error().message);
  }
  clear_dir(tmp_dir);
  std::string built;
  if (!o.scan.packages_only) {
    TRY_ASSIGN(vulndb::Database db, vulndb::Database::open(o.scan.db_dir));
    built = db.info().built;
  }
  Sweep sweep(o, tmp_dir, built);
  auto result = sweep.run();
  ::rmdir(tmp_dir.c_str());  // empty unless a write failed half-way
  return result;
}

}  // namespace strata::fleet
