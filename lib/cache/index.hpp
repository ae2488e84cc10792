#pragma once
// cacher.json (field names from the NeuVector scanner, see the man page): the index of cache
// format 1, read once to import it into index.sqlite (cache/index_db.hpp), and since format 2 the
// file LayerCache::write_cacher_json generates from index.sqlite for NeuVector's tools:
//
//   {"cache_records": {"<layer_id>": {"layer_id": "sha256:<hex>_layer_file", "size": <bytes on
//      disk>, "reference_count": <hits since written>, "last_referred": "<RFC 3339, ns>",
//      "analyzer_version": "<...>"}, ...},
//    "aliases": {"sha256:<compressed digest>": "sha256:<diff_id>", ...},
//    "cache_hits": n, "cache_misses": n, "record_count": n, "record_total_size": bytes,
//    "cache_max_size": bytes (the cap of the last process that wrote; 0 = unknown)}
//
// record_count and record_total_size are derived from cache_records when read.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace strata::cache {

using TimePoint = std::chrono::system_clock::time_point;

struct IndexEntry {
  std::uint64_t size = 0;
  std::uint64_t reference_count = 0;
  TimePoint last_referred{};
  std::string analyzer_version;
};

struct Index {
  std::map<std::string, IndexEntry> records;   // by diff_id ("sha256:<hex>")
  std::map<std::string, std::string> aliases;  // compressed digest -> diff_id
  std::uint64_t cache_hits = 0, cache_misses = 0;
  std::uint64_t max_size = 0;

  std::uint64_t total_size() const;
  // Removes a record and every alias pointing at it.
  void erase(const std::string& diff_id);
};

// "sha256:<hex>" -> "sha256:<hex>_layer_file" (the record's file name and NeuVector layer_id).
std::string layer_id(std::string_view diff_id);
// The reverse; nullopt if `name` is not "sha256:<64 lower-case hex>_layer_file".
std::optional<std::string> diff_id_of_layer_id(std::string_view name);

// "2026-11-23T12:03:32.123456789Z" (always nine fraction digits, UTC).
std::string format_time(TimePoint t);
// Parses what format_time writes, and any RFC 3339 time with 0-9 fraction digits and an offset.
std::optional<TimePoint> parse_time(std::string_view text);

std::string serialize_index(const Index& index);
// Fails (input error) on anything that is not a well-formed index: the caller rebuilds it.
util::Result<Index> parse_index(std::string_view text);

}  // namespace strata::cache
