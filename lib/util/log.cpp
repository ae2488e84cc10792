#include "util/log.hpp"
#include "util/strings.hpp"

#include <atomic>
#include <mutex>

namespace strata::util::log {
namespace {
std::atomic<Level> g_level{Level::warn};
std::atomic<std::FILE*> g_sink{nullptr};
std::mutex g_write_mutex;
constexpr const char* k_names[] = {"trace", "debug", "info", "warn", "error", "off"};
}  // namespace

Level level() {
  return g_level.load(std::memory_order_relaxed);
}
void set_level(Level l) {
  g_level.store(l, std::memory_order_relaxed);
}
void set_sink(std::FILE* sink) {
  g_sink.store(sink);
}

bool parse_level(std::string_view text, Level& out) {
  for (int i = 0; i <= static_cast<int>(Level::off); ++i) {
    if (text == k_names[i]) {
      out = static_cast<Level>(i);
      return true;
    }
  }
  if (text == "warning") {
    out = Level::warn;
    return true;
  }
  return false;
}

void write(Level l, std::string_view message) {
  std::FILE* sink = g_sink.load();
  if (sink == nullptr) {
    sink = stderr;
  }
  std::lock_guard lock(g_write_mutex);
  fmt::print(sink, "strata: {}: {}\n", k_names[static_cast<int>(l)], printable(message, 4096));
  std::fflush(sink);
}

}  // namespace strata::util::log
