#pragma once
// Secret rules: what to look for in file contents, as plain data (regex sources, not compiled
// regexes; Scanner::create compiles them). Read from Trivy's secret-config YAML, so a user's
// `trivy-secret.yaml` works as `--secret-config FILE`:
//
//   rules:                        # rules added to the built-in ones
//     - id: my-token              # required, unique
//       category: MyCompany       # default "Custom"
//       title: My token           # default: the id
//       severity: HIGH            # required: CRITICAL | HIGH | MEDIUM | LOW (any case)
//       keywords: [myco_]         # literal prefilter words (case-insensitive): the regex runs
//                                 # only on files holding one of them. A rule without keywords
//                                 # runs its regex over every text file: expensive, avoid.
//       regex: 'myco_[0-9a-f]{32}'         # RE2 syntax (= Go's regexp, which Trivy uses)
//       secret-group-name: secret          # named group (?P<secret>...) holding the value;
//                                          # default the whole match
//       path: '\.env$'                     # the rule applies only to paths this matches
//       allow-rules: [{id, description, path, regex}]  # per-rule allow-list (see below)
//       # strata's extensions (Trivy ignores keys it does not know):
//       keywords-case-sensitive: true   # for fixed-case prefixes ("AKIA"): fewer files whose
//                                       # keyword occurs by chance ("Asia/Tokyo")
//       min-entropy: 3.5          # the value's Shannon entropy must be >= this (bits/char)
//       skip-placeholders: true   # values like "changeme", "${VAR}", "<password>" are no finding
//       near: 'REGEX'             # this must also match in the file ...
//       near-lines: 1             # ... within this many lines of the match (default: anywhere)
//       validate: jwt             # a check in code: jwt | docker-auth | pkcs12-key
//       magic: ['3082????020103'] # hex prefix (?? = any byte) of a binary file: a rule with magic
//                                 # instead of a regex applies to binary content too, line 0
//   allow-rules:                  # global allow-list, added to the built-in one
//     - id: my-fixtures
//       path: '^/srv/fixtures/'   # files whose path matches are not scanned at all
//       regex: '^dummy'           # findings whose value matches are dropped
//   disable-rules: [jwt-token]         # built-in rules to switch off
//   disable-allow-rules: [markdown]    # built-in allow rules to switch off
//   enable-builtin-rules: [private-key]  # if present, only these built-in rules run
//
// Allow rules behave as Trivy's: a path and a regex act independently (either one suppresses).
// Path regexes see the absolute path ("/etc/app/x.yaml") and, for Trivy configs written against
// relative paths ("^etc/app/"), the same path without its leading '/': one match suffices.
// Trivy's `exclude-block` is not supported (a warning; it only ever removes findings).

#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace strata::secret {

struct AllowRule {
  std::string id;
  std::string description;
  std::string path;   // RE2 on the file's path; empty: none
  std::string regex;  // RE2 on the secret value (the named group, else the whole match)

  bool operator==(const AllowRule&) const = default;
};

struct Rule {
  std::string id;
  std::string category;
  std::string title;
  std::string severity;  // "CRITICAL" | "HIGH" | "MEDIUM" | "LOW"
  std::vector<std::string> keywords;
  bool keywords_case_sensitive = false;
  std::string regex;         // empty only for a magic rule
  std::string secret_group;  // empty: the whole match
  std::string path;          // empty: every path
  std::vector<AllowRule> allow_rules;
  double min_entropy = 0;
  bool skip_placeholders = false;
  std::string near;                // empty: no such condition
  int near_lines = -1;             // -1: anywhere in the file
  std::string validate;            // "", "jwt", "docker-auth", "pkcs12-key"
  std::vector<std::string> magic;  // hex prefixes with ?? wildcards
  std::string origin;  // the file it came from ("built-in rules.yaml" or the config's path)

  bool operator==(const Rule&) const = default;
};

// A parsed config file, before merging.
struct RuleConfig {
  std::string origin;
  std::vector<Rule> rules;
  std::vector<AllowRule> allow_rules;
  std::vector<std::string> disable_rules;
  std::vector<std::string> disable_allow_rules;
  bool has_enable_builtin_rules = false;
  std::vector<std::string> enable_builtin_rules;
  std::vector<std::string> warnings;
};

// What a Scanner runs.
struct RuleSet {
  std::vector<Rule> rules;
  std::vector<AllowRule> allow_rules;
  std::vector<std::string> warnings;  // one line each, naming the file: ignored settings,
                                      // disable-rules naming no built-in rule
};

// Parses `yaml` (the format above); `origin` names the file in errors. Every regex is compiled
// to check it. Errors (input category) are one line: "ORIGIN: rule 'ID': PROBLEM" or
// "ORIGIN:LINE: PROBLEM"; they never quote a regex or a value (a regex may hold a secret).
util::Result<RuleConfig> parse_rule_config(std::string_view yaml, std::string_view origin);

// The built-in rules and allow rules (lib/secret/rules.yaml, compiled in). Parsed once; the
// embedded file is tested, so a broken one is a bug (std::logic_error).
const RuleSet& builtin_rules();

// `builtin` with `config` on top: enable-builtin-rules and disable-rules filter the built-in
// rules, disable-allow-rules the built-in allow rules, then the config's rules and allow rules
// are added. Error: a config rule (or allow rule) whose id is already taken by a rule still
// enabled (disable the built-in one to replace it). Unknown ids in the disable/enable lists are
// warnings.
util::Result<RuleSet> merge_rule_config(const RuleSet& builtin, const RuleConfig& config);

// The built-in rules, merged with the config file at `config_path` when it is not empty (read
// with util::read_file; errors name the path).
util::Result<RuleSet> load_rule_set(const std::string& config_path = {});

}  // namespace strata::secret
