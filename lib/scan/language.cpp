#include "scan/language.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <string_view>

#include <fmt/format.h>

#include "detect/lang/extract.hpp"
#include "scan/image_checks.hpp"
#include "util/strings.hpp"

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

namespace {

// uid -> user name, from the tree's /etc/passwd (absent or unreadable: none).
std::map<std::uint32_t, std::string> passwd_names(const vfs::Filesystem& fs) {
  std::map<std::uint32_t, std::string> out;
  auto text = fs.read_file("/etc/passwd", 4u << 20);
  if (!text) {
    return out;
  }
  std::string_view rest = *text;
  while (!rest.empty()) {
    std::string_view line = rest.substr(0, rest.find('\n'));
    rest.remove_prefix(std::min(rest.size(), line.size() + 1));
    auto f = util::split(line, ':');
    std::uint32_t uid = 0;
    if (f.size() >= 3 && !f[2].empty() &&
        std::from_chars(f[2].data(), f[2].data() + f[2].size(), uid).ptr ==
            f[2].data() + f[2].size()) {
      out.emplace(uid, std::string(f[0]));
    }
  }
  return out;
}

}  // namespace

TreeFindings walk_tree(const vfs::Filesystem& fs, const TreeWalk& what,
                       std::vector<std::string>& warnings) {
  TreeFindings out;
  const auto users = passwd_names(fs);
  std::vector<std::string> dirs{"/"};
  std::string content;
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
      if ((st->mode & 06000) != 0) {
        auto user = users.find(st->uid);
        out.setid.push_back(model::SetidFile{
            path, st->mode, user != users.end() ? user->second : std::to_string(st->uid), ""});
      }
      bool language = false;
      if (what.languages) {
        language = detect::lang::is_language_file(path);
        // Executables are found by content: an execute bit and an executable's first bytes.
        if (!language && (st->mode & 0111) != 0) {
          auto head = fs.read_prefix(path, layer::k_head_size);
          language = head && detect::lang::is_executable_head(*head);
        }
      }
      const bool secrets = what.secrets != nullptr && what.secrets->wants(path, st->size);
      if (!language && !secrets) {
        continue;
      }
      auto read = fs.read_file(path, language ? detect::lang::k_max_language_file : st->size + 1);
      if (!read) {
        warnings.push_back(fmt::format("{} not examined: {}", path, read.error().message));
        continue;
      }
      content = std::move(*read);
      if (secrets) {
        const std::size_t before = out.secrets.size();
        what.secrets->scan(path, content, out.secrets);
        for (std::size_t i = before; i < out.secrets.size(); ++i) {
          out.secrets[i].path = path;
        }
      }
      if (language) {
        detect::lang::extract_language_packages(path, content, out.packages, warnings);
      }
    }
  }
  std::stable_sort(
      out.packages.begin(), out.packages.end(),
      [](const model::Package& a, const model::Package& b) { return a.location < b.location; });
  detect::lang::drop_duplicate_reports(out.packages);
  sort_setid(out.setid);
  sort_secrets(out.secrets);
  return out;
}

}  // namespace strata::scan
