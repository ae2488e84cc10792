#include "cache/index.hpp"

#include <nlohmann/json.hpp>

#include <iterator>

#include "util/hash.hpp"
#include "util/time.hpp"

namespace strata::cache {
namespace {

constexpr std::string_view k_layer_suffix = "_layer_file";

bool is_diff_id(std::string_view s) {
  return util::parse_digest(s).ok();
}

}  // namespace

std::uint64_t Index::total_size() const {
  std::uint64_t total = 0;
  for (const auto& [key, e] : records) {
    total += e.size;
  }
  return total;
}

void Index::erase(const std::string& diff_id) {
  records.erase(diff_id);
  std::erase_if(aliases, [&](const auto& kv) { return kv.second == diff_id; });
}

std::string layer_id(std::string_view diff_id) {
  return std::string(diff_id) + std::string(k_layer_suffix);
}

std::optional<std::string> diff_id_of_layer_id(std::string_view name) {
  if (!name.ends_with(k_layer_suffix)) {
    return std::nullopt;
  }
  name.remove_suffix(k_layer_suffix.size());
  if (!is_diff_id(name)) {
    return std::nullopt;
  }
  return std::string(name);
}

std::string format_time(TimePoint t) {
  return util::format_rfc3339_nanos(t);
}

std::optional<TimePoint> parse_time(std::string_view text) {
  auto secs = util::parse_rfc3339(text);
  if (!secs || text.size() < 20) {
    return std::nullopt;
  }
  std::int64_t frac_ns = 0;
  if (text[19] == '.') {
    std::size_t i = 20;
    std::int64_t scale = 100'000'000;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (scale == 0) {
        return std::nullopt;  // more than nine digits
      }
      frac_ns += (text[i] - '0') * scale;
      scale /= 10;
    }
  }
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::seconds(*secs) + std::chrono::nanoseconds(frac_ns)));
}

// Written by hand (nlohmann builds a tree first, 7x slower for a thousand records); keys and
// aliases are validated digests, so only the analyzer version needs JSON escaping.
std::string serialize_index(const Index& index) {
  std::string out;
  out.reserve(128 + index.records.size() * 420 + index.aliases.size() * 150);
  auto it = std::back_inserter(out);
  out += "{\"cache_records\":{";
  std::string analyzer_json;
  std::string_view analyzer_of;
  bool first = true;
  for (const auto& [diff_id, e] : index.records) {
    if (analyzer_json.empty() || e.analyzer_version != analyzer_of) {
      analyzer_json = nlohmann::json(e.analyzer_version).dump();
      analyzer_of = e.analyzer_version;
    }
    fmt::format_to(it,
                   "{}\"{}{}\":{{\"layer_id\":\"{}{}\",\"size\":{},\"reference_count\":{},"
                   "\"last_referred\":\"{}\",\"analyzer_version\":{}}}",
                   first ? "" : ",", diff_id, k_layer_suffix, diff_id, k_layer_suffix, e.size,
                   e.reference_count, format_time(e.last_referred), analyzer_json);
    first = false;
  }
  out += "},\"aliases\":{";
  first = true;
  for (const auto& [alias, target] : index.aliases) {
    fmt::format_to(it, "{}\"{}\":\"{}\"", first ? "" : ",", alias, target);
    first = false;
  }
  fmt::format_to(it,
                 "}},\"cache_hits\":{},\"cache_misses\":{},\"record_count\":{},"
                 "\"record_total_size\":{},\"cache_max_size\":{}}}\n",
                 index.cache_hits, index.cache_misses, index.records.size(), index.total_size(),
                 index.max_size);
  return out;
}

util::Result<Index> parse_index(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return util::input_error("index is not a JSON object");
  }
  auto uint_field = [&](const nlohmann::json& o, const char* name, std::uint64_t& out) {
    auto it = o.find(name);
    if (it == o.end() || !it->is_number_unsigned()) {
      return false;
    }
    out = it->get<std::uint64_t>();
    return true;
  };
  Index index;
  std::uint64_t count = 0, total = 0;
  if (!uint_field(j, "cache_hits", index.cache_hits) ||
      !uint_field(j, "cache_misses", index.cache_misses) || !uint_field(j, "record_count", count) ||
      !uint_field(j, "record_total_size", total) ||
      !uint_field(j, "cache_max_size", index.max_size)) {
    return util::input_error("index counters missing");
  }
  auto records = j.find("cache_records");
  auto aliases = j.find("aliases");
  if (records == j.end() || !records->is_object() || aliases == j.end() || !aliases->is_object()) {
    return util::input_error("index records missing");
  }
  for (const auto& [id, r] : records->items()) {
    auto diff_id = diff_id_of_layer_id(id);
    IndexEntry e;
    if (!diff_id || !r.is_object() || !uint_field(r, "size", e.size) ||
        !uint_field(r, "reference_count", e.reference_count)) {
      return util::input_error("bad index record {}", id);
    }
    auto last = r.find("last_referred");
    auto analyzer = r.find("analyzer_version");
    if (last == r.end() || !last->is_string() || analyzer == r.end() || !analyzer->is_string()) {
      return util::input_error("bad index record {}", id);
    }
    auto t = parse_time(last->get<std::string>());
    if (!t) {
      return util::input_error("bad time in index record {}", id);
    }
    e.last_referred = *t;
    e.analyzer_version = analyzer->get<std::string>();
    index.records.emplace(std::move(*diff_id), std::move(e));
  }
  for (const auto& [alias, target] : aliases->items()) {
    if (!is_diff_id(alias) || !target.is_string() ||
        index.records.count(target.get<std::string>()) == 0) {
      return util::input_error("bad index alias {}", alias);
    }
    index.aliases.emplace(alias, target.get<std::string>());
  }
  if (count != index.records.size() || total != index.total_size()) {
    return util::input_error("index counters do not match its records");
  }
  return index;
}

}  // namespace strata::cache
