#include "source/layer_reads.hpp"

#include <algorithm>
#include <optional>
#include <stop_token>
#include <thread>

#include "util/parallel.hpp"

namespace strata::source {

util::Status read_layers(std::vector<LayerRead> layers, const LoadOptions& options,
                         std::vector<model::LayerInfo>& infos,
                         std::vector<layer::LayerAnalysis>& analyses) {
  const std::size_t count = layers.size();
  std::vector<std::optional<util::Result<layer::LayerAnalysis>>> results(count);
  std::vector<char> from_cache(count, 0);  // not vector<bool>: written from several threads
  auto one = [&](unsigned, std::size_t i) -> util::Status {
    LayerRead& l = layers[i];
    if (!l.cache_key.empty() && options.cache.lookup) {
      if (auto cached = options.cache.lookup(l.cache_key)) {
        from_cache[i] = 1;
        results[i].emplace(std::move(*cached));
        return {};
      }
    }
    auto analysis = l.read();
    if (analysis && options.cache.store) {
      options.cache.store(*analysis, l.alias);
    }
    const bool failed = !analysis;
    results[i].emplace(std::move(analysis));
    if (failed) {
      return util::make_error(util::ErrorCategory::input, "stop");  // ends the hand-out
    }
    return {};
  };
  const auto threads = static_cast<unsigned>(
      std::clamp<std::size_t>(std::min<std::size_t>(count, util::worker_count(64)), 1,
                              static_cast<std::size_t>(std::max(options.parallel, 1))));
  std::stop_source stop;
  util::Status st = util::parallel_for(count, threads, one, 1, &stop);
  // Layers are handed out in order: every layer below a failed one was started, and finished.
  for (std::size_t i = 0; i < count; ++i) {
    if (!results[i]) {  // an exception in a reader (parallel_for's internal error), or a bug
      return !st ? st.error()
                 : util::make_error(util::ErrorCategory::internal, "layer {} was not read", i);
    }
    if (!results[i]->ok()) {
      return results[i]->error();
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    model::LayerInfo info = std::move(layers[i].info);
    layer::LayerAnalysis analysis = std::move(*results[i]).value();
    info.from_cache = from_cache[i] != 0;
    if (!info.from_cache || info.size == 0) {
      info.size = analysis.compressed_size;
    }
    infos.push_back(std::move(info));
    analyses.push_back(std::move(analysis));
  }
  return {};
}

}  // namespace strata::source
