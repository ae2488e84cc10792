#include "fleet/summary.hpp"

#include <nlohmann/json.hpp>

#include "util/file.hpp"

namespace strata::fleet {

namespace {

using Json = nlohmann::ordered_json;

// Summaries and reports are our own JSON; a larger one is not ours.
constexpr std::uint64_t k_max_summary = 1ull << 30;
constexpr std::uint64_t k_max_report = 1ull << 30;

const char* status_name(ImageStatus s) {
  switch (s) {
    case ImageStatus::scanned:
      return "scanned";
    case ImageStatus::failed:
      return "failed";
    case ImageStatus::skipped:
      return "skipped";
  }
  return "failed";
}

Json counts_json(const FindingCounts& c) {
  return Json{{"critical", c.critical}, {"high", c.high},       {"medium", c.medium},
              {"low", c.low},           {"unknown", c.unknown}, {"total", c.total}};
}

// The counts of a "findings"/"summary" object; nullopt when a field is missing or not a count.
std::optional<FindingCounts> parse_counts(const Json& j) {
  if (!j.is_object()) {
    return std::nullopt;
  }
  FindingCounts c;
  for (auto [key, field] : {std::pair{"critical", &c.critical},
                            {"high", &c.high},
                            {"medium", &c.medium},
                            {"low", &c.low},
                            {"unknown", &c.unknown},
                            {"total", &c.total}}) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_unsigned()) {
      return std::nullopt;
    }
    *field = it->get<std::uint64_t>();
  }
  return c;
}

// A report path inside the summary's directory: "images/<one name>", nothing else.
bool is_report_path(const std::string& p) {
  return p.starts_with("images/") && p.size() > 7 && p.find('/', 7) == std::string::npos &&
         p != "images/." && p != "images/..";
}

}  // namespace

FindingCounts& FindingCounts::operator+=(const FindingCounts& o) {
  critical += o.critical;
  high += o.high;
  medium += o.medium;
  low += o.low;
  unknown += o.unknown;
  total += o.total;
  return *this;
}

std::uint64_t ShardSummary::count(ImageStatus status) const {
  std::uint64_t n = 0;
  for (const auto& i : images) {
    n += i.status == status ? 1 : 0;
  }
  return n;
}

std::uint64_t ShardSummary::post_failed() const {
  std::uint64_t n = 0;
  for (const auto& i : images) {
    n += i.post_error.empty() ? 0 : 1;
  }
  return n;
}

FindingCounts ShardSummary::findings() const {
  FindingCounts sum;
  for (const auto& i : images) {
    sum += i.findings;
  }
  return sum;
}

std::string to_json(const ShardSummary& summary) {
  Json images = Json::array();
  for (const auto& i : summary.images) {
    Json e{{"repository", i.repository},
           {"digest", i.digest},
           {"tags", i.tags},
           {"status", status_name(i.status)}};
    if (i.status == ImageStatus::failed) {
      e["error"] = i.error;
    }
    if (!i.report.empty()) {
      e["report"] = i.report;
    }
    if (!i.post_error.empty()) {
      e["post_error"] = i.post_error;
    }
    images.push_back(std::move(e));
  }
  Json doc{{"shard", summary.shard.index},
           {"shards", summary.shard.count},
           {"images", std::move(images)},
           {"totals", Json{{"scanned", summary.count(ImageStatus::scanned)},
                           {"failed", summary.count(ImageStatus::failed)},
                           {"skipped", summary.count(ImageStatus::skipped)},
                           {"post_failed", summary.post_failed()},
                           {"findings", counts_json(summary.findings())}}}};
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string report_name(const std::string& repository, const std::string& digest) {
  std::string name = repository;
  std::replace(name.begin(), name.end(), '/', '_');
  std::string d = digest;
  if (auto colon = d.find(':'); colon != std::string::npos) {
    d[colon] = '_';
  }
  return "images/" + name + "@" + d + ".json";
}

util::Result<ReadSummary> read_summary(const std::string& path) {
  TRY_ASSIGN(std::string text, util::read_file(path, k_max_summary));
  auto doc = Json::parse(text, nullptr, false);
  auto bad = [&](std::string_view what) {
    return util::input_error("{}: not a shard summary ({})", path, what);
  };
  if (!doc.is_object()) {
    return bad("not a JSON object");
  }
  ReadSummary out;
  out.path = path;
  auto shard = doc.find("shard");
  auto shards = doc.find("shards");
  if (shard == doc.end() || shards == doc.end() || !shard->is_number_unsigned() ||
      !shards->is_number_unsigned() || *shards == 0 || *shards > k_max_shards ||
      *shard >= *shards) {
    return bad("\"shard\" and \"shards\"");
  }
  out.shard = Shard{shard->get<std::uint32_t>(), shards->get<std::uint32_t>()};
  auto totals = doc.find("totals");
  if (totals == doc.end() || !totals->is_object()) {
    return bad("no \"totals\"");
  }
  auto failed = totals->find("failed");
  auto findings = totals->find("findings");
  std::optional<FindingCounts> counts;
  if (findings != totals->end()) {
    counts = parse_counts(*findings);
  }
  if (failed == totals->end() || !failed->is_number_unsigned() || !counts) {
    return bad("\"totals\" without \"failed\" or \"findings\" counts");
  }
  out.totals.failed = failed->get<std::uint64_t>();
  out.totals.findings = *counts;
  auto images = doc.find("images");
  if (images == doc.end() || !images->is_array()) {
    return bad("no \"images\" array");
  }
  out.totals.images = images->size();
  for (const auto& i : *images) {
    if (!i.is_object() || !i.contains("repository") || !i["repository"].is_string() ||
        !i.contains("digest") || !i["digest"].is_string() || !i.contains("tags") ||
        !i["tags"].is_array()) {
      return bad("an image without repository, digest or tags");
    }
    ReadSummary::Entry e;
    e.repository = i["repository"].get<std::string>();
    e.digest = i["digest"].get<std::string>();
    for (const auto& t : i["tags"]) {
      if (!t.is_string()) {
        return bad("a tag that is not a string");
      }
      e.tags.push_back(t.get<std::string>());
    }
    if (auto r = i.find("report"); r != i.end()) {
      if (!r->is_string() || !is_report_path(r->get<std::string>())) {
        return bad("a report path other than images/<name>");
      }
      e.report = r->get<std::string>();
    }
    e.post_failed = i.contains("post_error");
    out.entries.push_back(std::move(e));
  }
  return out;
}

util::Result<ReportHead> read_report_head(const std::string& path) {
  TRY_ASSIGN(std::string text, util::read_file(path, k_max_report));
  auto doc = Json::parse(text, nullptr, false);
  std::optional<FindingCounts> counts;
  if (doc.is_object() && doc.contains("summary")) {
    counts = parse_counts(doc["summary"]);
  }
  if (!counts) {
    return util::input_error("{}: not a strata JSON report (no \"summary\" counts)", path);
  }
  ReportHead head;
  head.counts = *counts;
  auto text_at = [&](const char* object, const char* key) {
    auto o = doc.find(object);
    if (o == doc.end() || !o->is_object()) {
      return std::string();
    }
    auto v = o->find(key);
    return v != o->end() && v->is_string() ? v->get<std::string>() : std::string();
  };
  head.name = text_at("target", "name");
  head.db_built = text_at("db", "built");
  return head;
}

}  // namespace strata::fleet
