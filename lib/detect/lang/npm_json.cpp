#include "detect/lang/npm_json.hpp"

#include <fmt/format.h>

namespace strata::detect::lang {

namespace {

// A SAX handler that builds nothing: it checks nesting depth and keeps the first error.
class DepthCheck : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit DepthCheck(std::size_t max_depth) : m_max_depth(max_depth) {}

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return enter(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return leave(); }
  bool start_array(std::size_t) override { return enter(); }
  bool end_array() override { return leave(); }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> "line 1, ..."
    auto at = what.find(" at line ");
    m_error = at == std::string::npos ? what : what.substr(at + 4);
    return false;
  }

  const std::string& error() const { return m_error; }

 private:
  bool enter() {
    if (++m_depth > m_max_depth) {
      m_error = fmt::format("nested deeper than {} levels", m_max_depth);
      return false;
    }
    return true;
  }
  bool leave() {
    --m_depth;
    return true;
  }

  std::size_t m_max_depth;
  std::size_t m_depth = 0;
  std::string m_error;
};

}  // namespace

std::optional<nlohmann::json> parse_json_bounded(std::string_view content, std::size_t max_depth,
                                                 std::string& error) {
  DepthCheck check(max_depth);
  if (!nlohmann::json::sax_parse(content.begin(), content.end(), &check)) {
    error = check.error().empty() ? "not valid JSON" : check.error();
    return std::nullopt;
  }
  auto value = nlohmann::json::parse(content.begin(), content.end(), nullptr, false);
  if (value.is_discarded()) {
    error = "not valid JSON";
    return std::nullopt;
  }
  return value;
}

std::string json_string(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) {
    return {};
  }
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return {};
  }
  return it->get<std::string>();
}

bool json_bool(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) {
    return false;
  }
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace strata::detect::lang
