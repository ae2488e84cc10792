#include "layer/merge.hpp"

namespace strata::layer {

vfs::MemFs merge_layers(const std::vector<const LayerAnalysis*>& bottom_up) {
  vfs::MemFs fs;
  for (const LayerAnalysis* layer : bottom_up) {
    for (const auto& dir : layer->opaque_dirs) {
      fs.clear_dir(dir);
    }
    for (const auto& path : layer->whiteouts) {
      fs.remove(path);
    }
    for (const auto& dir : layer->dirs) {
      fs.add_dir(dir, 0755, layer->diff_id);
    }
    for (const auto& [path, file] : layer->files) {
      fs.add_file_view(path, file.content, file.mode, layer->diff_id);
    }
    for (const auto& [path, target] : layer->symlinks) {
      fs.add_symlink(path, target, layer->diff_id);
    }
    for (const auto& [path, target] : layer->hardlinks) {
      auto st = fs.lstat(target);
      if (!st || st->type != vfs::FileType::regular) {
        continue;
      }
      auto content = fs.read_file(target);
      if (content) {
        fs.add_file(path, std::move(content).value(), st->mode, layer->diff_id);
      }
    }
  }
  return fs;
}

}  // namespace strata::layer
