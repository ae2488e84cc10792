#include "vfs/mem_fs.hpp"

#include <deque>

#include "util/strings.hpp"

namespace strata::vfs {

namespace {

struct Node;
using Children = std::map<std::string, std::unique_ptr<Node>, std::less<>>;
void release(Children& children);

struct Node {
  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  Node(Node&&) = default;
  Node& operator=(Node&& other) noexcept {
    release(children);
    type = other.type;
    mode = other.mode;
    layer = std::move(other.layer);
    data = std::move(other.data);
    external = other.external;
    children = std::move(other.children);
    return *this;
  }
  // Iterative: a tree as deep as a hostile layer makes it must not overflow the stack.
  ~Node() { release(children); }

  FileType type = FileType::directory;
  std::uint32_t mode = 0755;
  std::string layer;
  std::string data;  // file content, or symlink target
  // A file whose content lives outside the tree (add_file_view): used instead of `data`.
  const std::string* external = nullptr;
  std::string_view content() const { return external != nullptr ? *external : data; }
  Children children;
};

// Destroys the subtrees in `children` without recursion: each node is emptied of its children
// (moved onto a work list) before it is destroyed, so no destructor reaches below one level.
void release(Children& children) {
  if (children.empty()) {
    return;
  }
  std::vector<std::unique_ptr<Node>> pending;
  for (auto& [name, child] : children) {
    pending.push_back(std::move(child));
  }
  children.clear();
  while (!pending.empty()) {
    std::unique_ptr<Node> node = std::move(pending.back());
    pending.pop_back();
    for (auto& [name, child] : node->children) {
      pending.push_back(std::move(child));
    }
    node->children.clear();
  }
}

// Components of a normalised path ("/" -> none).
std::vector<std::string> components(std::string_view normalised) {
  std::vector<std::string> out;
  for (auto part : util::split(normalised, '/')) {
    if (!part.empty()) {
      out.emplace_back(part);
    }
  }
  return out;
}

Stat stat_of(const Node& node) {
  Stat st;
  st.type = node.type;
  st.mode = node.mode;
  st.layer = node.layer;
  st.size = node.type == FileType::directory ? 0 : node.content().size();
  return st;
}

}  // namespace

struct MemFs::Impl {
  std::unique_ptr<Node> root = std::make_unique<Node>();
  std::size_t entries = 0;
  std::uint64_t bytes = 0;

  // Subtracts `node` and its subtree from the counters (the node is about to be dropped).
  // Iterative, like release().
  void forget(const Node& node, bool count_self) {
    std::vector<const Node*> pending;
    if (count_self) {
      pending.push_back(&node);
    } else {
      for (const auto& [name, child] : node.children) {
        pending.push_back(child.get());
      }
    }
    while (!pending.empty()) {
      const Node* n = pending.back();
      pending.pop_back();
      --entries;
      if (n->type == FileType::regular) {
        bytes -= n->content().size();
      }
      for (const auto& [name, child] : n->children) {
        pending.push_back(child.get());
      }
    }
  }

  // The directory that lexically holds the last component of `parts`, creating missing
  // directories and replacing non-directories on the way. Returns nullptr for the root path.
  Node* parent_for_write(const std::vector<std::string>& parts, const std::string& layer) {
    if (parts.empty()) {
      return nullptr;
    }
    Node* cur = root.get();
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      auto it = cur->children.find(parts[i]);
      if (it == cur->children.end()) {
        auto dir = std::make_unique<Node>();
        dir->layer = layer;
        ++entries;
        it = cur->children.emplace(parts[i], std::move(dir)).first;
      } else if (it->second->type != FileType::directory) {
        Node& n = *it->second;
        if (n.type == FileType::regular) {
          bytes -= n.content().size();
        }
        n = Node{};
        n.layer = layer;
      }
      cur = it->second.get();
    }
    return cur;
  }

  // Puts `node` at `parts` (replacing what is there).
  void put(const std::vector<std::string>& parts, std::unique_ptr<Node> node) {
    Node* parent = parent_for_write(parts, node->layer);
    if (parent == nullptr) {
      return;
    }
    auto it = parent->children.find(parts.back());
    if (it != parent->children.end()) {
      forget(*it->second, true);
      it->second = std::move(node);
    } else {
      it = parent->children.emplace(parts.back(), std::move(node)).first;
    }
    ++entries;
    if (it->second->type == FileType::regular) {
      bytes += it->second->content().size();
    }
  }

  // Lexical lookup (no symlink following); nullptr when absent.
  Node* find_lexical(const std::vector<std::string>& parts) {
    Node* cur = root.get();
    for (const auto& part : parts) {
      if (cur->type != FileType::directory) {
        return nullptr;
      }
      auto it = cur->children.find(part);
      if (it == cur->children.end()) {
        return nullptr;
      }
      cur = it->second.get();
    }
    return cur;
  }

  // Resolves `path` inside the root, following symlinks on the way (and at the end when
  // `follow_last`). Walks the raw components so ".." after a symlink applies to its target.
  // `names`, when given, receives the components of the path reached.
  util::Result<const Node*> resolve(std::string_view path, bool follow_last,
                                    std::vector<std::string>* names = nullptr) const {
    std::deque<std::string> todo;
    for (auto part : util::split(path, '/')) {
      todo.emplace_back(part);
    }
    std::vector<const Node*> stack{root.get()};
    std::vector<std::string> reached;
    int hops = 0;
    while (!todo.empty()) {
      std::string comp = std::move(todo.front());
      todo.pop_front();
      if (comp.empty() || comp == ".") {
        continue;
      }
      if (comp == "..") {
        if (stack.size() > 1) {
          stack.pop_back();
          reached.pop_back();
        }
        continue;
      }
      const Node* cur = stack.back();
      if (cur->type != FileType::directory) {
        return util::input_error("{}: not a directory", path);
      }
      auto it = cur->children.find(comp);
      if (it == cur->children.end()) {
        return util::input_error("{}: no such file or directory", path);
      }
      const Node* child = it->second.get();
      // A symlink followed by anything ("link/", "link/x") is always followed, as in POSIX.
      bool more = !todo.empty();
      if (child->type == FileType::symlink && (more || follow_last)) {
        if (++hops > k_max_symlink_hops) {
          return util::input_error("{}: too many levels of symbolic links", path);
        }
        const std::string& target = child->data;
        if (target.empty()) {
          return util::input_error("{}: no such file or directory", path);
        }
        auto parts = util::split(target, '/');
        for (auto rit = parts.rbegin(); rit != parts.rend(); ++rit) {
          todo.emplace_front(*rit);
        }
        if (target.front() == '/') {
          stack.resize(1);
          reached.clear();
        }
        continue;
      }
      stack.push_back(child);
      reached.push_back(std::move(comp));
    }
    // A trailing "/" requires a directory.
    if (!path.empty() && path.back() == '/' && stack.back()->type != FileType::directory) {
      return util::input_error("{}: not a directory", path);
    }
    if (names != nullptr) {
      *names = std::move(reached);
    }
    return stack.back();
  }
};

MemFs::MemFs() : m_impl(std::make_unique<Impl>()) {}
MemFs::~MemFs() = default;
MemFs::MemFs(MemFs&&) noexcept = default;
MemFs& MemFs::operator=(MemFs&&) noexcept = default;

void MemFs::add_file(std::string_view path, std::string content, std::uint32_t mode,
                     std::string layer) {
  auto node = std::make_unique<Node>();
  node->type = FileType::regular;
  node->mode = mode;
  node->layer = std::move(layer);
  node->data = std::move(content);
  m_impl->put(components(normalize(path)), std::move(node));
}

void MemFs::add_file_view(std::string_view path, const std::string& content, std::uint32_t mode,
                          std::string layer) {
  auto node = std::make_unique<Node>();
  node->type = FileType::regular;
  node->mode = mode;
  node->layer = std::move(layer);
  node->external = &content;
  m_impl->put(components(normalize(path)), std::move(node));
}

void MemFs::add_symlink(std::string_view path, std::string target, std::string layer) {
  auto node = std::make_unique<Node>();
  node->type = FileType::symlink;
  node->mode = 0777;
  node->layer = std::move(layer);
  node->data = std::move(target);
  m_impl->put(components(normalize(path)), std::move(node));
}

void MemFs::add_dir(std::string_view path, std::uint32_t mode, std::string layer) {
  auto parts = components(normalize(path));
  Node* existing = m_impl->find_lexical(parts);
  if (existing != nullptr && existing->type == FileType::directory) {
    existing->mode = mode;
    existing->layer = std::move(layer);
    return;
  }
  auto node = std::make_unique<Node>();
  node->type = FileType::directory;
  node->mode = mode;
  node->layer = std::move(layer);
  m_impl->put(parts, std::move(node));
}

void MemFs::remove(std::string_view path) {
  auto parts = components(normalize(path));
  if (parts.empty()) {
    clear_dir("/");
    return;
  }
  auto last = parts.back();
  parts.pop_back();
  Node* parent = m_impl->find_lexical(parts);
  if (parent == nullptr || parent->type != FileType::directory) {
    return;
  }
  auto it = parent->children.find(last);
  if (it == parent->children.end()) {
    return;
  }
  m_impl->forget(*it->second, true);
  parent->children.erase(it);
}

void MemFs::clear_dir(std::string_view path) {
  Node* dir = m_impl->find_lexical(components(normalize(path)));
  if (dir == nullptr || dir->type != FileType::directory) {
    return;
  }
  m_impl->forget(*dir, false);
  dir->children.clear();
}

util::Result<std::string> MemFs::read_file(std::string_view path, std::uint64_t max_size) const {
  TRY_ASSIGN(const Node* node, m_impl->resolve(path, true));
  if (node->type == FileType::directory) {
    return util::input_error("{}: is a directory", path);
  }
  if (node->type != FileType::regular) {
    return util::input_error("{}: not a regular file", path);
  }
  if (node->content().size() > max_size) {
    return util::input_error("{}: file too large ({} bytes, limit {})", path,
                             node->content().size(), max_size);
  }
  return std::string(node->content());
}

util::Result<std::string> MemFs::read_prefix(std::string_view path, std::size_t n) const {
  TRY_ASSIGN(const Node* node, m_impl->resolve(path, true));
  if (node->type != FileType::regular) {
    return util::input_error("{}: not a regular file", path);
  }
  return std::string(node->content().substr(0, n));
}

util::Result<Stat> MemFs::stat(std::string_view path) const {
  TRY_ASSIGN(const Node* node, m_impl->resolve(path, true));
  return stat_of(*node);
}

util::Result<Stat> MemFs::lstat(std::string_view path) const {
  TRY_ASSIGN(const Node* node, m_impl->resolve(path, false));
  return stat_of(*node);
}

util::Result<std::vector<std::string>> MemFs::list_dir(std::string_view path) const {
  TRY_ASSIGN(const Node* node, m_impl->resolve(path, true));
  if (node->type != FileType::directory) {
    return util::input_error("{}: not a directory", path);
  }
  std::vector<std::string> names;
  names.reserve(node->children.size());
  for (const auto& [name, child] : node->children) {
    names.push_back(name);
  }
  return names;
}

util::Result<std::string> MemFs::real_path(std::string_view path) const {
  std::vector<std::string> names;
  TRY(m_impl->resolve(path, true, &names));
  std::string out;
  for (const auto& name : names) {
    out += '/';
    out += name;
  }
  return out.empty() ? std::string("/") : out;
}

std::size_t MemFs::entry_count() const {
  return m_impl->entries;
}
std::uint64_t MemFs::content_bytes() const {
  return m_impl->bytes;
}

}  // namespace strata::vfs
