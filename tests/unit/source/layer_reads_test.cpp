#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <thread>

#include "source/layer_reads.hpp"

using namespace strata;

namespace {

layer::LayerAnalysis analysis_of(int i) {
  layer::LayerAnalysis a;
  a.diff_id = "sha256:" + std::string(63, '0') + std::to_string(i);
  a.compressed_size = 1000 + static_cast<std::uint64_t>(i);
  return a;
}

}  // namespace

TEST_CASE("layer reads: results in layer order, cache first, the lowest layer's error wins",
          "[layer_reads]") {
  for (int parallel : {1, 2, 4}) {
    INFO("parallel " << parallel);
    source::LoadOptions options;
    options.parallel = parallel;
    std::mutex m;
    std::vector<std::string> stored;
    options.cache.lookup = [](const std::string& key) -> std::optional<layer::LayerAnalysis> {
      if (key == "hit") {
        return analysis_of(99);
      }
      return std::nullopt;
    };
    options.cache.store = [&](const layer::LayerAnalysis& a, const std::string& alias) {
      std::lock_guard lock(m);
      stored.push_back(a.diff_id + " " + alias);
    };
    std::atomic<int> running{0}, most{0};
    auto reads = [&](std::vector<int> failing) {
      std::vector<source::LayerRead> out;
      for (int i = 0; i < 6; ++i) {
        source::LayerRead r;
        r.info.digest = "d" + std::to_string(i);
        r.cache_key = i == 2 ? "hit" : "miss";
        r.alias = "alias" + std::to_string(i);
        r.read = [&, i, failing]() -> util::Result<layer::LayerAnalysis> {
          int now = ++running;
          most = std::max(most.load(), now);
          // Later layers finish first, so completion order is not layer order.
          std::this_thread::sleep_for(std::chrono::milliseconds(5 * (6 - i)));
          --running;
          if (std::find(failing.begin(), failing.end(), i) != failing.end()) {
            return util::input_error("layer {} is bad", i);
          }
          return analysis_of(i);
        };
        out.push_back(std::move(r));
      }
      return out;
    };
    std::vector<model::LayerInfo> infos;
    std::vector<layer::LayerAnalysis> analyses;
    REQUIRE(source::read_layers(reads({}), options, infos, analyses).ok());
    REQUIRE(analyses.size() == 6);
    for (int i = 0; i < 6; ++i) {
      CHECK(infos[i].digest == "d" + std::to_string(i));
      CHECK(infos[i].from_cache == (i == 2));
      CHECK(analyses[i].diff_id == analysis_of(i == 2 ? 99 : i).diff_id);
    }
    CHECK(stored.size() == 5);  // every layer read, not the hit
    CHECK(most <= std::min(parallel, static_cast<int>(std::thread::hardware_concurrency())));

    infos.clear();
    analyses.clear();
    auto st = source::read_layers(reads({4, 1}), options, infos, analyses);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().message == "layer 1 is bad");
    CHECK(infos.empty());
  }
}
