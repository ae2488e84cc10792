#include "scan/language.hpp"

#include <algorithm>
#include <map>
#include <string_view>

#include <fmt/format.h>

#include "detect/lang/extract.hpp"

namespace strata::scan {

namespace {

struct Present {
  std::size_t layer = 0;
  const std::vector<model::Package>* packages = nullptr;
};

// Erases `dir` itself (when `self`) and every path below it.
void erase_under(std::map<std::string, Present>& live, const std::string& dir, bool self) {
  if (dir == "/") {
    live.clear();
    return;
  }
  if (self) {
    live.erase(dir);
  }
  const std::string prefix = dir + "/";
  for (auto it = live.lower_bound(prefix); it != live.end() && it->first.starts_with(prefix);) {
    it = live.erase(it);
  }
}

}  // namespace

std::vector<model::Package> language_packages(const std::vector<layer::LayerAnalysis>& bottom_up) {
  std::map<std::string, Present> live;
  for (std::size_t i = 0; i < bottom_up.size(); ++i) {
    const auto& l = bottom_up[i];
    for (const auto& dir : l.opaque_dirs) {
      erase_under(live, dir, false);
    }
    for (const auto& path : l.whiteouts) {
      erase_under(live, path, true);
    }
    // Another kind of entry at an extracted file's path replaces it; a directory there also
    // replaces nothing below it (an extracted file is never a directory), so only the path.
    for (const auto& dir : l.dirs) {
      live.erase(dir);
    }
    for (const auto* links : {&l.symlinks, &l.hardlinks}) {
      for (const auto& [path, target] : *links) {
        live.erase(path);
      }
    }
    for (const auto& [path, file] : l.files) {
      live.erase(path);
    }
    for (const auto& [path, packages] : l.extracted) {
      live[path] = Present{i, &packages};
    }
  }
  std::vector<model::Package> out;
  for (const auto& [path, present] : live) {
    for (const auto& p : *present.packages) {
      out.push_back(p);
      out.back().layer = bottom_up[present.layer].diff_id;
    }
  }
  detect::lang::drop_duplicate_reports(out);
  return out;
}

void drop_os_owned(std::vector<model::Package>& packages, const std::set<std::string>& os_owned) {
  if (os_owned.empty()) {
    return;
  }
  std::erase_if(packages, [&](const model::Package& p) {
    std::string_view file = p.location;
    return os_owned.contains(std::string(file.substr(0, file.find('!'))));
  });
}

std::vector<model::Package> walk_language_packages(const vfs::Filesystem& fs,
                                                   std::vector<std::string>& warnings) {
  std::vector<model::Package> out;
  std::vector<std::string> dirs{"/"};
  while (!dirs.empty()) {
    std::string dir = std::move(dirs.back());
    dirs.pop_back();
    auto names = fs.list_dir(dir);
    if (!names) {
      continue;
    }
    for (const auto& name : *names) {
      std::string path = dir == "/" ? "/" + name : dir + "/" + name;
      auto st = fs.lstat(path);
      if (!st) {
        continue;
      }
      if (st->type == vfs::FileType::directory) {
        dirs.push_back(std::move(path));
        continue;
      }
      if (st->type != vfs::FileType::regular) {
        continue;
      }
      if (!detect::lang::is_language_file(path)) {
        // Executables are found by content: an execute bit and an executable's first bytes.
        if ((st->mode & 0111) == 0) {
          continue;
        }
        auto head = fs.read_prefix(path, layer::k_head_size);
        if (!head || !detect::lang::is_executable_head(*head)) {
          continue;
        }
      }
      auto content = fs.read_file(path, detect::lang::k_max_language_file);
      if (!content) {
        warnings.push_back(fmt::format("{} not examined: {}", path, content.error().message));
        continue;
      }
      detect::lang::extract_language_packages(path, *content, out, warnings);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const model::Package& a, const model::Package& b) {
    return a.location < b.location;
  });
  detect::lang::drop_duplicate_reports(out);
  return out;
}

}  // namespace strata::scan
