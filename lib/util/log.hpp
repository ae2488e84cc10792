#pragma once
// Logging to stderr (or a file set by `cli`). The macros check the level before formatting, so a
// disabled log line costs one comparison. The library never writes to stdout.

#include <cstdio>
#include <string_view>

#include <fmt/format.h>

namespace strata::util::log {

enum class Level { trace = 0, debug, info, warn, error, off };

Level level();
void set_level(Level level);
// Where log lines go; nullptr restores stderr. The caller keeps the FILE open.
void set_sink(std::FILE* sink);
// Parses "trace|debug|info|warn|error|off"; returns false on anything else.
bool parse_level(std::string_view text, Level& out);
inline bool enabled(Level l) {
  return l >= level();
}
void write(Level level, std::string_view message);

}  // namespace strata::util::log

#define STRATA_LOG(lvl, ...)                                       \
  do {                                                             \
    if (::strata::util::log::enabled(lvl)) {                       \
      ::strata::util::log::write(lvl, ::fmt::format(__VA_ARGS__)); \
    }                                                              \
  } while (false)
#define LOG_TRACE(...) STRATA_LOG(::strata::util::log::Level::trace, __VA_ARGS__)
#define LOG_DEBUG(...) STRATA_LOG(::strata::util::log::Level::debug, __VA_ARGS__)
#define LOG_INFO(...) STRATA_LOG(::strata::util::log::Level::info, __VA_ARGS__)
#define LOG_WARN(...) STRATA_LOG(::strata::util::log::Level::warn, __VA_ARGS__)
#define LOG_ERROR(...) STRATA_LOG(::strata::util::log::Level::error, __VA_ARGS__)
