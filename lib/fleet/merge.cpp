#include "fleet/merge.hpp"

#include <dirent.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/file.hpp"

namespace strata::fleet {

namespace {

using Json = nlohmann::ordered_json;

// The shard summaries in `dir`, sorted by name; an error when the directory cannot be read.
util::Result<std::vector<std::string>> summaries_in(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    return util::input_error("{}: cannot read the directory: {}", dir, std::strerror(errno));
  }
  static const std::regex k_name("shard-[0-9]+-of-[0-9]+\\.json");
  std::vector<std::string> out;
  while (const dirent* e = ::readdir(d)) {
    if (std::regex_match(e->d_name, k_name)) {
      out.push_back(dir + "/" + e->d_name);
    }
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) {
    return s;
  }
  std::string out = "\"";
  for (char c : s) {
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return out + "\"";
}

// The CSV rows of one report's findings.
util::Status write_rows(const std::string& path, const ReadSummary::Entry& e, std::ostream& csv) {
  TRY_ASSIGN(std::string text, util::read_file(path, 1ull << 30));
  auto doc = Json::parse(text, nullptr, false);
  if (!doc.is_object() || !doc.contains("vulnerabilities") || !doc["vulnerabilities"].is_array()) {
    return util::input_error("{}: not a strata JSON report (no \"vulnerabilities\")", path);
  }
  std::string tags;
  for (const auto& t : e.tags) {
    tags += (tags.empty() ? "" : " ") + t;
  }
  auto str = [](const Json& v, const char* key) {
    auto it = v.find(key);
    return it != v.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  for (const auto& v : doc["vulnerabilities"]) {
    if (!v.is_object() || v.contains("suppressed")) {
      continue;
    }
    csv << csv_field(e.repository) << ',' << csv_field(e.digest) << ',' << csv_field(tags) << ','
        << csv_field(str(v, "package")) << ',' << csv_field(str(v, "installed_version")) << ','
        << csv_field(str(v, "id")) << ',' << csv_field(str(v, "severity")) << ','
        << csv_field(str(v, "fixed_version")) << "\n";
  }
  return {};
}

}  // namespace

MergeResult merge(const std::vector<std::string>& dirs, std::ostream* csv) {
  MergeResult out;
  if (csv != nullptr) {
    *csv << "repository,digest,tags,package,installed_version,id,severity,fixed_version\n";
  }
  for (const auto& dir : dirs) {
    auto paths = summaries_in(dir);
    if (!paths) {
      out.errors.push_back(paths.error().message);
      continue;
    }
    if (paths->empty()) {
      out.errors.push_back(fmt::format("{}: no shard summary (shard-I-of-N.json) in it", dir));
      continue;
    }
    std::map<std::uint32_t, std::set<std::uint32_t>> seen;  // shards -> indexes read
    for (const auto& p : *paths) {
      auto s = read_summary(p);
      if (!s) {
        out.errors.push_back(s.error().message);
        continue;
      }
      seen[s->shard.count].insert(s->shard.index);
      out.totals.images += s->totals.images;
      out.totals.failed += s->totals.failed;
      out.totals.findings += s->totals.findings;
      if (csv == nullptr) {
        continue;
      }
      for (const auto& e : s->entries) {
        if (e.report.empty()) {
          continue;
        }
        if (auto st = write_rows(dir + "/" + e.report, e, *csv); !st) {
          out.errors.push_back(st.error().message);
        }
      }
    }
    if (seen.size() > 1) {
      out.errors.push_back(fmt::format(
          "{}: summaries of sweeps with {} and {} shards: their images are counted twice (give "
          "each shard count its own output directory)",
          dir, seen.begin()->first, seen.rbegin()->first));
    }
    for (const auto& [count, indexes] : seen) {
      for (std::uint32_t i = 0; i < count; ++i) {
        if (indexes.count(i) == 0) {
          out.errors.push_back(fmt::format(
              "{}: shard-{}-of-{}.json is missing (the shard did not finish)", dir, i, count));
        }
      }
    }
  }
  return out;
}

std::string to_json(const MergeTotals& t) {
  const FindingCounts& c = t.findings;
  Json doc{{"images", t.images},
           {"failed", t.failed},
           {"findings", Json{{"critical", c.critical},
                             {"high", c.high},
                             {"medium", c.medium},
                             {"low", c.low},
                             {"unknown", c.unknown},
                             {"total", c.total}}}};
  return doc.dump(2) + "\n";
}

}  // namespace strata::fleet
