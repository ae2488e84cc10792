#include "scan/attribute.hpp"

#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "detect/detect.hpp"

namespace strata::scan {
namespace {

using NameVersion = std::pair<std::string, std::string>;

bool is_under(std::string_view path, std::string_view dir) {
  if (dir == "/") {
    return true;
  }
  return path == dir ||
         (path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/');
}

// Whether layer `l` removes `path` without writing it again.
bool deletes(const layer::LayerAnalysis& l, std::string_view path) {
  for (const auto& w : l.whiteouts) {
    if (is_under(path, w)) {
      return true;
    }
  }
  for (const auto& o : l.opaque_dirs) {
    if (is_under(path, o) && path != o) {
      return true;
    }
  }
  return false;
}

class DatabaseVersions {
 public:
  DatabaseVersions(const std::vector<layer::LayerAnalysis>& layers, const model::OsInfo& os)
      : m_layers(layers), m_os(os) {}

  // The (name, version) set of the database file `path` as layer `index` wrote it, or nullptr
  // when that layer did not write it.
  const std::set<NameVersion>* in_layer(std::size_t index, const std::string& path) {
    auto key = std::make_pair(index, path);
    auto it = m_parsed.find(key);
    if (it != m_parsed.end()) {
      return &it->second;
    }
    const auto& files = m_layers[index].files;
    auto file = files.find(path);
    if (file == files.end()) {
      return nullptr;
    }
    std::vector<std::string> ignored_warnings;  // reported once, by the merged-view detection
    std::set<NameVersion> set;
    for (auto& p :
         detect::parse_database_file(path, file->second.content, m_os, ignored_warnings)) {
      set.emplace(std::move(p.name), std::move(p.version));
    }
    return &m_parsed.emplace(key, std::move(set)).first->second;
  }

  // Records `detected`, the packages the merged view listed from `path`, as the set of the
  // topmost layer that wrote `path` as a file: the merged view read that layer's copy, so it is
  // not parsed again (for an SQLite rpm database, a copy and a parse of the whole file). Not when
  // a hard link at or above that layer put other content there: that layer's copy is parsed.
  void seed_top(const std::string& path, std::set<NameVersion> detected) {
    for (std::size_t i = m_layers.size(); i-- > 0;) {
      if (m_layers[i].hardlinks.contains(path)) {
        return;
      }
      if (m_layers[i].files.contains(path)) {
        m_parsed.emplace(std::make_pair(i, path), std::move(detected));
        return;
      }
    }
  }

 private:
  const std::vector<layer::LayerAnalysis>& m_layers;
  const model::OsInfo& m_os;
  std::map<std::pair<std::size_t, std::string>, std::set<NameVersion>> m_parsed;
};

}  // namespace

void attribute_layers(std::vector<model::Package>& packages,
                      const std::vector<layer::LayerAnalysis>& bottom_up, const model::OsInfo& os) {
  DatabaseVersions versions(bottom_up, os);
  std::map<std::string, std::set<NameVersion>> detected;
  for (const auto& pkg : packages) {
    if (!pkg.location.empty()) {
      detected[pkg.location].emplace(pkg.name, pkg.version);
    }
  }
  for (auto& [path, set] : detected) {
    versions.seed_top(path, std::move(set));
  }
  for (auto& pkg : packages) {
    if (pkg.location.empty()) {
      continue;
    }
    NameVersion nv{pkg.name, pkg.version};
    std::optional<std::size_t> introduced;
    bool seen_writer = false;
    for (std::size_t i = bottom_up.size(); i-- > 0;) {
      const auto* set = versions.in_layer(i, pkg.location);
      if (set == nullptr) {
        if (seen_writer && deletes(bottom_up[i], pkg.location)) {
          break;  // below this layer the database was replaced wholesale
        }
        continue;
      }
      seen_writer = true;
      if (!set->contains(nv)) {
        break;
      }
      introduced = i;
      if (deletes(bottom_up[i], pkg.location)) {
        break;
      }
    }
    if (introduced) {
      pkg.layer = bottom_up[*introduced].diff_id;
    }
  }
}

}  // namespace strata::scan
