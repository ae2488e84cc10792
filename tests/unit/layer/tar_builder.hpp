#pragma once
// Test helper: writes small ustar archives in memory (no compression), so tests can craft
// layers with exactly the entries they need (whiteouts, links, "../" names, missing footers).

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace strata::test {

class TarBuilder {
 public:
  TarBuilder& file(std::string_view name, std::string_view content, unsigned mode = 0644) {
    header(name, '0', content.size(), {}, mode);
    m_data.append(content);
    m_data.append((512 - content.size() % 512) % 512, '\0');
    return *this;
  }
  TarBuilder& dir(std::string_view name) {
    header(name, '5', 0, {}, 0755);
    return *this;
  }
  TarBuilder& symlink(std::string_view name, std::string_view target) {
    header(name, '2', 0, target, 0777);
    return *this;
  }
  TarBuilder& hardlink(std::string_view name, std::string_view target) {
    header(name, '1', 0, target, 0644);
    return *this;
  }
  // The archive with its two-block end-of-archive footer.
  std::string finish() const { return m_data + std::string(1024, '\0'); }
  // The archive without footer.
  const std::string& without_footer() const { return m_data; }

 private:
  void header(std::string_view name, char type, std::size_t size, std::string_view link,
              unsigned mode) {
    char h[512] = {};
    std::memcpy(h, name.data(), std::min<std::size_t>(name.size(), 100));
    std::snprintf(h + 100, 8, "%07o", mode);
    std::snprintf(h + 108, 8, "%07o", 0);
    std::snprintf(h + 116, 8, "%07o", 0);
    std::snprintf(h + 124, 12, "%011zo", size);
    std::snprintf(h + 136, 12, "%011o", 0);
    h[156] = type;
    if (!link.empty()) {
      std::memcpy(h + 157, link.data(), std::min<std::size_t>(link.size(), 100));
    }
    std::memcpy(h + 257, "ustar", 6);
    std::memcpy(h + 263, "00", 2);
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) {
      sum += c;
    }
    std::snprintf(h + 148, 8, "%06o", sum);
    m_data.append(h, 512);
  }
  std::string m_data;
};

}  // namespace strata::test
