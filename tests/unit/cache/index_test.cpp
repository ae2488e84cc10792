#include <catch2/catch.hpp>

#include "cache/index.hpp"

using namespace strata::cache;

namespace {
const std::string k_a = "sha256:" + std::string(64, 'a');
const std::string k_b = "sha256:" + std::string(64, 'b');
const std::string k_c = "sha256:" + std::string(64, 'c');
}  // namespace

TEST_CASE("times are RFC 3339 with nanoseconds and parse back exactly") {
  TimePoint t{std::chrono::seconds(1767225600) + std::chrono::nanoseconds(123456789)};
  CHECK(format_time(t) == "2026-01-01T00:00:00.123456789Z");
  CHECK(parse_time(format_time(t)) == t);
  TimePoint whole{std::chrono::seconds(1767225600)};
  CHECK(format_time(whole) == "2026-01-01T00:00:00.000000000Z");
  // NeuVector writes Go's RFC3339Nano (trailing zeros trimmed, offsets)
  CHECK(parse_time("2026-01-01T00:00:00.5Z") == whole + std::chrono::milliseconds(500));
  CHECK(parse_time("2026-01-01T01:00:00+01:00") == whole);
  CHECK_FALSE(parse_time("2026-01-01T00:00:00.1234567891Z"));
  CHECK_FALSE(parse_time("yesterday"));
}

TEST_CASE("layer ids are NeuVector's record names") {
  CHECK(layer_id(k_a) == k_a + "_layer_file");
  CHECK(diff_id_of_layer_id(k_a + "_layer_file") == k_a);
  CHECK_FALSE(diff_id_of_layer_id(k_a));
  CHECK_FALSE(diff_id_of_layer_id(std::string(64, 'a') + "_layer_file"));
  CHECK_FALSE(diff_id_of_layer_id("sha256:../../etc_layer_file"));
}

TEST_CASE("the index round-trips and every truncation of it is rejected") {
  Index index;
  index.records[k_a] = {1234, 3, TimePoint{std::chrono::seconds(1767225600)}, "v1"};
  index.records[k_b] = {99, 0, TimePoint{std::chrono::seconds(1767225601)}, "v1"};
  index.aliases[k_c] = k_a;
  index.cache_hits = 5;
  index.cache_misses = 7;
  index.max_size = 1 << 20;
  std::string text = serialize_index(index);
  auto back = parse_index(text);
  REQUIRE(back);
  CHECK(serialize_index(*back) == text);
  CHECK(back->total_size() == 1333);
  // The last byte is the newline: a cut there is still the whole document.
  for (std::size_t len = 0; len + 1 < text.size(); ++len) {
    INFO("length " << len);
    CHECK_FALSE(parse_index(text.substr(0, len)));
  }
}

TEST_CASE("an index whose totals or aliases disagree with its records is rejected") {
  Index index;
  index.records[k_a] = {10, 0, TimePoint{}, "v1"};
  std::string text = serialize_index(index);
  std::string wrong_total = text;
  wrong_total.replace(wrong_total.find("\"record_total_size\":10"), 22, "\"record_total_size\":11");
  CHECK_FALSE(parse_index(wrong_total));
  index.aliases[k_c] = k_b;  // points at no record
  CHECK_FALSE(parse_index(serialize_index(index)));
  CHECK_FALSE(parse_index("[]"));
  CHECK_FALSE(parse_index("{}"));
}
