#include "source/attach_layers.hpp"

namespace strata::source {

util::Status attach_layers(const image::ImageConfig& config, std::vector<model::LayerInfo> layers,
                           std::vector<layer::LayerAnalysis> analyses, const std::string& where,
                           LoadedImage& out) {
  if (layers.size() != config.diff_ids.size()) {
    return util::input_error("{}: the manifest lists {} layers but the config has {} diff_ids",
                             where, layers.size(), config.diff_ids.size());
  }
  auto created_by = config.layer_created_by();
  bool history_ok = created_by.size() == layers.size();
  if (!history_ok && !config.history.empty()) {
    out.warnings.push_back(fmt::format(
        "{}: config history has {} non-empty entries for {} layers; created_by left empty", where,
        created_by.size(), layers.size()));
  }
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (analyses[i].diff_id != config.diff_ids[i]) {
      return util::input_error("{}: layer {} ({}) has diff_id {} but the config says {}", where,
                               i + 1, layers[i].digest.empty() ? "docker-save" : layers[i].digest,
                               analyses[i].diff_id, config.diff_ids[i]);
    }
    layers[i].diff_id = analyses[i].diff_id;
    if (history_ok) {
      layers[i].created_by = created_by[i];
    }
    for (const auto& w : analyses[i].warnings) {
      out.warnings.push_back(w);
    }
  }
  out.layers = std::move(layers);
  out.analyses = std::move(analyses);
  out.target.created = config.created;
  out.target.author = config.author;
  out.target.env = config.env;
  out.target.user = config.user;
  out.target.healthcheck = config.healthcheck;
  out.target.labels = config.labels;
  for (const auto& h : config.history) {
    out.target.history.push_back(model::HistoryStep{h.created_by, h.empty_layer});
  }
  return {};
}

}  // namespace strata::source
