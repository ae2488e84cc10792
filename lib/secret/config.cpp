// Reads secret rule files (Trivy's secret-config YAML, see rules.hpp) with yaml-cpp, and merges
// a user's file onto the built-in rules. yaml-cpp throws; every exception stops here and becomes
// a one-line input error.

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "secret/builtin_rules.hpp"
#include "secret/compiled.hpp"
#include "secret/rules.hpp"
#include "util/file.hpp"

namespace strata::secret {

namespace {

// A config error; `what` never holds YAML content (values may be secrets).
struct ConfigError {
  std::string what;
};

std::string at(std::string_view origin, const YAML::Node& node) {
  auto mark = node.Mark();
  if (mark.is_null()) {
    return std::string(origin);
  }
  return fmt::format("{}:{}", origin, mark.line + 1);
}

std::string scalar(const YAML::Node& node, std::string_view origin, std::string_view what) {
  if (!node.IsScalar()) {
    throw ConfigError{fmt::format("{}: {} must be a string", at(origin, node), what)};
  }
  return node.Scalar();
}

// A list of strings; a single string is a list of one.
std::vector<std::string> strings(const YAML::Node& node, std::string_view origin,
                                 std::string_view what) {
  std::vector<std::string> out;
  if (node.IsNull()) {
    return out;
  }
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return out;
  }
  if (!node.IsSequence()) {
    throw ConfigError{fmt::format("{}: {} must be a list of strings", at(origin, node), what)};
  }
  for (const auto& item : node) {
    out.push_back(scalar(item, origin, what));
  }
  return out;
}

void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> known,
                const std::string& where, std::vector<std::string>& warnings) {
  for (const auto& kv : map) {
    auto key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    if (key == "exclude-block") {
      warnings.push_back(fmt::format("{}: exclude-block is not supported and is ignored", where));
      continue;
    }
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      // The key is the user's own text, but a key is a name, not a value.
      throw ConfigError{fmt::format("{}: unknown key '{}'", where, key.substr(0, 40))};
    }
  }
}

AllowRule parse_allow(const YAML::Node& node, std::string_view origin, std::string_view owner,
                      std::vector<std::string>& warnings) {
  if (!node.IsMap()) {
    throw ConfigError{fmt::format("{}: {}allow rule must be a map", at(origin, node), owner)};
  }
  AllowRule allow;
  if (node["id"]) {
    allow.id = scalar(node["id"], origin, "allow rule id");
  }
  if (allow.id.empty()) {
    throw ConfigError{fmt::format("{}: {}allow rule without an id", at(origin, node), owner)};
  }
  auto where = fmt::format("{}: {}allow rule '{}'", origin, owner, allow.id);
  check_keys(node, {"id", "description", "path", "regex"}, where, warnings);
  auto what = [&](const char* key) {
    return fmt::format("{}allow rule '{}': {}", owner, allow.id, key);
  };
  if (node["description"]) {
    allow.description = scalar(node["description"], origin, what("description"));
  }
  if (node["path"]) {
    allow.path = scalar(node["path"], origin, what("path"));
  }
  if (node["regex"]) {
    allow.regex = scalar(node["regex"], origin, what("regex"));
  }
  auto compiled = detail::compile_allow(allow, where);
  if (!compiled) {
    throw ConfigError{compiled.error().message};
  }
  return allow;
}

std::vector<AllowRule> parse_allows(const YAML::Node& node, std::string_view origin,
                                    std::string_view owner, std::vector<std::string>& warnings) {
  std::vector<AllowRule> out;
  if (node.IsNull()) {
    return out;
  }
  if (!node.IsSequence()) {
    throw ConfigError{fmt::format("{}: {}allow-rules must be a list", at(origin, node), owner)};
  }
  std::set<std::string> ids;
  for (const auto& item : node) {
    auto allow = parse_allow(item, origin, owner, warnings);
    if (!ids.insert(allow.id).second) {
      throw ConfigError{
          fmt::format("{}: {}allow rule '{}': duplicate id", origin, owner, allow.id)};
    }
    out.push_back(std::move(allow));
  }
  return out;
}

Rule parse_rule(const YAML::Node& node, std::string_view origin,
                std::vector<std::string>& warnings) {
  if (!node.IsMap()) {
    throw ConfigError{fmt::format("{}: a rule must be a map", at(origin, node))};
  }
  Rule rule;
  rule.origin = std::string(origin);
  if (node["id"]) {
    rule.id = scalar(node["id"], origin, "rule id");
  }
  if (rule.id.empty()) {
    throw ConfigError{fmt::format("{}: rule without an id", at(origin, node))};
  }
  auto where = fmt::format("{}: rule '{}'", origin, rule.id);
  check_keys(node,
             {"id", "category", "title", "severity", "keywords", "keywords-case-sensitive", "regex",
              "secret-group-name", "path", "allow-rules", "min-entropy", "skip-placeholders",
              "near", "near-lines", "validate", "magic", "description"},
             where, warnings);
  auto text = [&](const char* key) {
    return node[key] ? scalar(node[key], origin, fmt::format("rule '{}': {}", rule.id, key))
                     : std::string();
  };
  rule.category = text("category");
  if (rule.category.empty()) {
    rule.category = "Custom";
  }
  rule.title = text("title");
  if (rule.title.empty()) {
    rule.title = rule.id;
  }
  rule.severity = text("severity");
  std::transform(rule.severity.begin(), rule.severity.end(), rule.severity.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (rule.severity.empty()) {
    throw ConfigError{fmt::format("{}: severity missing (CRITICAL, HIGH, MEDIUM or LOW)", where)};
  }
  if (node["keywords"]) {
    rule.keywords = strings(node["keywords"], origin, fmt::format("rule '{}': keywords", rule.id));
    for (const auto& k : rule.keywords) {
      if (k.empty()) {
        throw ConfigError{fmt::format("{}: keywords: an empty keyword", where)};
      }
    }
  }
  rule.regex = text("regex");
  rule.secret_group = text("secret-group-name");
  rule.path = text("path");
  rule.near = text("near");
  rule.validate = text("validate");
  if (node["allow-rules"]) {
    rule.allow_rules =
        parse_allows(node["allow-rules"], origin, fmt::format("rule '{}': ", rule.id), warnings);
  }
  if (node["min-entropy"]) {
    if (!YAML::convert<double>::decode(node["min-entropy"], rule.min_entropy)) {
      throw ConfigError{fmt::format("{}: min-entropy must be a number", where)};
    }
  }
  if (node["skip-placeholders"]) {
    if (!YAML::convert<bool>::decode(node["skip-placeholders"], rule.skip_placeholders)) {
      throw ConfigError{fmt::format("{}: skip-placeholders must be true or false", where)};
    }
  }
  if (node["keywords-case-sensitive"]) {
    if (!YAML::convert<bool>::decode(node["keywords-case-sensitive"],
                                     rule.keywords_case_sensitive)) {
      throw ConfigError{fmt::format("{}: keywords-case-sensitive must be true or false", where)};
    }
  }
  if (node["near-lines"]) {
    if (!YAML::convert<int>::decode(node["near-lines"], rule.near_lines) || rule.near_lines < 0) {
      throw ConfigError{fmt::format("{}: near-lines must be a number, 0 or more", where)};
    }
    if (rule.near.empty()) {
      throw ConfigError{fmt::format("{}: near-lines needs near", where)};
    }
  }
  if (node["magic"]) {
    rule.magic = strings(node["magic"], origin, fmt::format("rule '{}': magic", rule.id));
  }
  auto compiled = detail::compile_rule(rule);
  if (!compiled) {
    throw ConfigError{compiled.error().message};
  }
  return rule;
}

RuleConfig parse(std::string_view yaml, std::string_view origin) {
  RuleConfig config;
  config.origin = std::string(origin);
  YAML::Node loaded;
  try {
    loaded = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    // e.msg is yaml-cpp's fixed description ("end of map not found"), never input text.
    throw ConfigError{fmt::format("{}:{}: invalid YAML: {}", origin, e.mark.line + 1, e.msg)};
  }
  const YAML::Node& root = loaded;
  if (root.IsNull()) {
    return config;
  }
  if (!root.IsMap()) {
    throw ConfigError{fmt::format("{}: the top level must be a map", origin)};
  }
  check_keys(
      root,
      {"rules", "allow-rules", "disable-rules", "disable-allow-rules", "enable-builtin-rules"},
      std::string(origin), config.warnings);
  if (root["rules"] && !root["rules"].IsNull()) {
    if (!root["rules"].IsSequence()) {
      throw ConfigError{fmt::format("{}: rules must be a list", at(origin, root["rules"]))};
    }
    std::set<std::string> ids;
    for (const auto& node : root["rules"]) {
      auto rule = parse_rule(node, origin, config.warnings);
      if (!ids.insert(rule.id).second) {
        throw ConfigError{fmt::format("{}: rule '{}': duplicate id", origin, rule.id)};
      }
      config.rules.push_back(std::move(rule));
    }
  }
  if (root["allow-rules"]) {
    config.allow_rules = parse_allows(root["allow-rules"], origin, "", config.warnings);
  }
  if (root["disable-rules"]) {
    config.disable_rules = strings(root["disable-rules"], origin, "disable-rules");
  }
  if (root["disable-allow-rules"]) {
    config.disable_allow_rules =
        strings(root["disable-allow-rules"], origin, "disable-allow-rules");
  }
  if (root["enable-builtin-rules"]) {
    config.has_enable_builtin_rules = true;
    config.enable_builtin_rules =
        strings(root["enable-builtin-rules"], origin, "enable-builtin-rules");
  }
  return config;
}

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

util::Result<RuleConfig> parse_rule_config(std::string_view yaml, std::string_view origin) {
  try {
    return parse(yaml, origin);
  } catch (const ConfigError& e) {
    auto message = e.what;
    std::replace(message.begin(), message.end(), '\n', ' ');
    return util::input_error("{}", message);
  } catch (const YAML::Exception& e) {
    return util::input_error("{}:{}: invalid rule file: {}", origin, e.mark.line + 1, e.msg);
  }
}

const RuleSet& builtin_rules() {
  static const RuleSet k_builtin = [] {
    auto config = parse_rule_config(builtin_rules_yaml(), "built-in rules.yaml");
    if (!config) {
      throw std::logic_error(config.error().message);
    }
    return RuleSet{std::move(config->rules), std::move(config->allow_rules),
                   std::move(config->warnings)};
  }();
  return k_builtin;
}

util::Result<RuleSet> merge_rule_config(const RuleSet& builtin, const RuleConfig& config) {
  RuleSet out;
  out.warnings = builtin.warnings;
  out.warnings.insert(out.warnings.end(), config.warnings.begin(), config.warnings.end());
  auto known = [&](const std::string& id) {
    return std::any_of(builtin.rules.begin(), builtin.rules.end(),
                       [&](const Rule& r) { return r.id == id; });
  };
  for (const auto& id : config.disable_rules) {
    if (!known(id)) {
      out.warnings.push_back(
          fmt::format("{}: disable-rules: no built-in rule '{}'", config.origin, id));
    }
  }
  for (const auto& id : config.enable_builtin_rules) {
    if (!known(id)) {
      out.warnings.push_back(
          fmt::format("{}: enable-builtin-rules: no built-in rule '{}'", config.origin, id));
    }
  }
  for (const auto& id : config.disable_allow_rules) {
    if (std::none_of(builtin.allow_rules.begin(), builtin.allow_rules.end(),
                     [&](const AllowRule& a) { return a.id == id; })) {
      out.warnings.push_back(
          fmt::format("{}: disable-allow-rules: no built-in allow rule '{}'", config.origin, id));
    }
  }
  for (const auto& rule : builtin.rules) {
    if (config.has_enable_builtin_rules && !contains(config.enable_builtin_rules, rule.id)) {
      continue;
    }
    if (contains(config.disable_rules, rule.id)) {
      continue;
    }
    out.rules.push_back(rule);
  }
  for (const auto& rule : config.rules) {
    if (std::any_of(out.rules.begin(), out.rules.end(),
                    [&](const Rule& r) { return r.id == rule.id; })) {
      return util::input_error(
          "{}: rule '{}': duplicate id: a built-in rule has it (add it to disable-rules to "
          "replace it)",
          config.origin, rule.id);
    }
    out.rules.push_back(rule);
  }
  for (const auto& allow : builtin.allow_rules) {
    if (!contains(config.disable_allow_rules, allow.id)) {
      out.allow_rules.push_back(allow);
    }
  }
  for (const auto& allow : config.allow_rules) {
    if (std::any_of(out.allow_rules.begin(), out.allow_rules.end(),
                    [&](const AllowRule& a) { return a.id == allow.id; })) {
      return util::input_error(
          "{}: allow rule '{}': duplicate id: a built-in allow rule has it (add it to "
          "disable-allow-rules to replace it)",
          config.origin, allow.id);
    }
    out.allow_rules.push_back(allow);
  }
  return out;
}

util::Result<RuleSet> load_rule_set(const std::string& config_path) {
  if (config_path.empty()) {
    return builtin_rules();
  }
  TRY_ASSIGN(auto text, util::read_file(config_path, 16u << 20));
  TRY_ASSIGN(auto config, parse_rule_config(text, config_path));
  return merge_rule_config(builtin_rules(), config);
}

}  // namespace strata::secret
