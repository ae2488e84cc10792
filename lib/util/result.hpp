#pragma once
// Result<T>: a value or an Error. Input-dependent failures (parse, file system, network) travel
// as Error values; exceptions are reserved for broken invariants (one top-level catch in `cli`).

#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace strata::util {

// What went wrong, coarsely: `cli` maps a category to the documented exit code.
enum class ErrorCategory {
  usage,     // bad flags or arguments (exit 2)
  input,     // bad image, archive, database, file not found, ... (exit 3)
  network,   // registry or engine unreachable, HTTP failure (exit 3)
  internal,  // a bug (exit 4)
};

struct Error {
  ErrorCategory category = ErrorCategory::input;
  std::string message;

  // Prefixes context: Error{"bad gzip"}.wrap("layer sha256:..") -> "layer sha256:..: bad gzip".
  Error wrap(std::string_view context) const& {
    return Error{category, fmt::format("{}: {}", context, message)};
  }
};

template <typename... Args>
Error make_error(ErrorCategory category, fmt::format_string<Args...> format, Args&&... args) {
  return Error{category, fmt::format(format, std::forward<Args>(args)...)};
}

template <typename... Args>
Error input_error(fmt::format_string<Args...> format, Args&&... args) {
  return Error{ErrorCategory::input, fmt::format(format, std::forward<Args>(args)...)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : m_data(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return m_data.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(m_data); }
  const T& value() const& { return std::get<0>(m_data); }
  T&& value() && { return std::get<0>(std::move(m_data)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(m_data); }
  Error&& error() && { return std::get<1>(std::move(m_data)); }

 private:
  std::variant<T, Error> m_data;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)), m_ok(false) {}

  bool ok() const { return m_ok; }
  explicit operator bool() const { return m_ok; }
  const Error& error() const& { return m_error; }
  Error&& error() && { return std::move(m_error); }

 private:
  Error m_error;
  bool m_ok = true;
};

using Status = Result<void>;

}  // namespace strata::util

// Early return on error: TRY(expr) for Result<void>, TRY_ASSIGN(var, expr) for Result<T>.
#define STRATA_CONCAT_INNER(a, b) a##b
#define STRATA_CONCAT(a, b) STRATA_CONCAT_INNER(a, b)
#define TRY(expr)                                   \
  do {                                              \
    auto strata_try_result_ = (expr);               \
    if (!strata_try_result_) {                      \
      return std::move(strata_try_result_).error(); \
    }                                               \
  } while (false)
#define TRY_ASSIGN_IMPL(tmp, var, expr) \
  auto tmp = (expr);                    \
  if (!tmp) {                           \
    return std::move(tmp).error();      \
  }                                     \
  var = std::move(tmp).value()
#define TRY_ASSIGN(var, expr) TRY_ASSIGN_IMPL(STRATA_CONCAT(strata_try_, __LINE__), var, expr)
