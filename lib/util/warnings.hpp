#pragma once
// Bounds on warnings. A hostile package database can make a parser warn once per line (millions
// of lines); each warning kept costs memory, report bytes and terminal lines. Parsers of one
// file add through a FileWarnings, which keeps the first k_warnings_per_file and sums up the
// rest in one line; a whole scan keeps at most k_warnings_per_scan (cap_warnings).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace strata::util {

inline constexpr std::size_t k_warnings_per_file = 20;
inline constexpr std::size_t k_warnings_per_scan = 1000;

class FileWarnings {
 public:
  // Warnings about `location` go to `out`.
  FileWarnings(std::vector<std::string>& out, std::string location,
               std::size_t limit = k_warnings_per_file)
      : m_out(out), m_location(std::move(location)), m_limit(limit) {}
  FileWarnings(const FileWarnings&) = delete;
  FileWarnings& operator=(const FileWarnings&) = delete;
  ~FileWarnings() { finish(); }

  // Whether the next warning would be dropped (formatting it can be skipped).
  bool full() const { return m_kept >= m_limit; }

  void add(std::string warning) {
    if (full()) {
      ++m_dropped;
      return;
    }
    ++m_kept;
    m_out.push_back(std::move(warning));
  }
  template <typename... Args>
  void add(fmt::format_string<Args...> format, Args&&... args) {
    if (full()) {
      ++m_dropped;
      return;
    }
    add(fmt::format(format, std::forward<Args>(args)...));
  }

  // Appends the line that counts the dropped warnings (once; the destructor calls it).
  void finish() {
    if (m_dropped != 0) {
      m_out.push_back(fmt::format("{}: {} more warning{} like these not shown", m_location,
                                  m_dropped, m_dropped == 1 ? "" : "s"));
      m_dropped = 0;
    }
  }

 private:
  std::vector<std::string>& m_out;
  std::string m_location;
  std::size_t m_limit;
  std::size_t m_kept = 0;
  std::size_t m_dropped = 0;
};

// Keeps the first `limit` warnings of `warnings` and replaces the rest by one line that counts
// them.
inline void cap_warnings(std::vector<std::string>& warnings,
                         std::size_t limit = k_warnings_per_scan) {
  if (warnings.size() <= limit) {
    return;
  }
  const std::size_t dropped = warnings.size() - limit;
  warnings.resize(limit);
  warnings.push_back(
      fmt::format("{} more warnings not shown (at most {} are reported)", dropped, limit));
}

}  // namespace strata::util
