// Rule files: the user's config merged onto the built-in rules, the allow lists, and config
// errors (one line, naming the file and the rule, never quoting a value).

#include <catch2/catch.hpp>

#include <fstream>

#include "fixtures.hpp"
#include "secret/rules.hpp"
#include "support/temp_dir.hpp"

using namespace strata;
using namespace strata::secret;
using namespace strata::secret::testing;

namespace {

Scanner scanner_for(std::string_view yaml) {
  auto config = parse_rule_config(yaml, "user.yaml");
  INFO((config ? std::string() : config.error().message));
  REQUIRE(config);
  auto rules = merge_rule_config(builtin_rules(), *config);
  INFO((rules ? std::string() : rules.error().message));
  REQUIRE(rules);
  auto scanner = Scanner::create(*rules);
  REQUIRE(scanner);
  return std::move(scanner).value();
}

std::string config_error(std::string_view yaml) {
  auto config = parse_rule_config(yaml, "user.yaml");
  if (!config) {
    return config.error().message;
  }
  auto rules = merge_rule_config(builtin_rules(), *config);
  REQUIRE_FALSE(rules);
  return rules.error().message;
}

}  // namespace

TEST_CASE("a user rule in Trivy's format") {
  auto scanner = scanner_for(R"(
rules:
  - id: acme-token
    category: Acme
    title: Acme API token
    severity: high
    keywords: [acme_]
    regex: 'key=(?P<secret>acme_[0-9a-f]{32})'
    secret-group-name: secret
    path: '\.conf$'
)");
  auto token = "acme_" + gen(k_hex, 32, 300);
  auto findings = scan("/etc/acme.conf", "# acme\nkey=" + token + "\n", scanner);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].rule_id == "acme-token");
  CHECK(findings[0].category == "Acme");
  CHECK(findings[0].title == "Acme API token");
  CHECK(findings[0].severity == "HIGH");
  CHECK(findings[0].line == 2);
  CHECK(findings[0].match == "acme*****");
  CHECK(scan("/etc/acme.txt", "key=" + token, scanner).empty());  // path
  // The built-in rules still run.
  CHECK(rule_ids(scan("/app/x", "ghp_" + gen(k_base62, 36, 301), scanner)) ==
        std::vector<std::string>{"github-pat"});
}

TEST_CASE("user rules can use the entropy, placeholder, near and validate options") {
  auto scanner = scanner_for(R"(
rules:
  - id: acme-password
    severity: MEDIUM
    keywords: [acme_pw]
    regex: 'acme_pw=(?P<secret>\S+)'
    secret-group-name: secret
    min-entropy: 3.0
    skip-placeholders: true
    near: '\[acme\]'
    near-lines: 2
  - id: acme-jwt
    severity: LOW
    keywords: [bearer]
    regex: 'bearer (?P<secret>\S+)'
    secret-group-name: secret
    validate: jwt
)");
  auto pw = gen(k_base62, 12, 302);
  CHECK(rule_ids(scan("/app/x", "[acme]\nacme_pw=" + pw, scanner)) ==
        std::vector<std::string>{"acme-password"});
  CHECK(scan("/app/x", "[acme]\n\n\n\nacme_pw=" + pw, scanner).empty());       // not near
  CHECK(scan("/app/x", "[acme]\nacme_pw=${ACME_PASSWORD}", scanner).empty());  // placeholder
  CHECK(scan("/app/x", "[acme]\nacme_pw=aaaabbbbaaaa", scanner).empty());      // entropy
  auto findings = scan("/app/x", "[acme]\nacme_pw=" + pw, scanner);
  CHECK(findings.at(0).category == "Custom");
  CHECK(findings.at(0).title == "acme-password");
  CHECK(scan("/app/x", "bearer not-a-jwt-at-all", scanner).empty());
}

TEST_CASE("keywords are case-insensitive unless keywords-case-sensitive") {
  auto scanner = scanner_for(R"(
rules:
  - id: any-case
    severity: LOW
    keywords: [acme_]
    regex: '(?i)acme_[0-9]{8}'
  - id: exact-case
    severity: LOW
    keywords: [ACME-]
    keywords-case-sensitive: true
    regex: '(?i)acme-[0-9]{8}'
)");
  CHECK(rule_ids(scan("/app/x", "ACME_12345678", scanner)) == std::vector<std::string>{"any-case"});
  CHECK(rule_ids(scan("/app/x", "ACME-12345678", scanner)) ==
        std::vector<std::string>{"exact-case"});
  // The regex would match, but the keyword does not occur in this case: the rule never runs.
  CHECK(scan("/app/x", "acme-12345678", scanner).empty());
}

TEST_CASE("global allow rules: path (absolute or Trivy's relative) and value") {
  auto token = "ghp_" + gen(k_base62, 36, 303);
  auto scanner = scanner_for(R"(
allow-rules:
  - id: fixtures
    description: our fixtures
    path: '^/srv/fixtures/'
  - id: trivy-style
    path: '^opt/legacy/'
  - id: known-value
    regex: ')" + token.substr(0, 12) +
                             R"('
)");
  CHECK_FALSE(scanner.wants("/srv/fixtures/a.txt", 10));
  CHECK_FALSE(scanner.wants("/opt/legacy/a.txt", 10));
  CHECK(scanner.wants("/srv/other/a.txt", 10));
  auto other = "ghp_" + gen(k_base62, 36, 304);
  CHECK(scan("/srv/fixtures/a.txt", other, scanner).empty());
  CHECK(scan("/opt/legacy/a.txt", other, scanner).empty());
  CHECK(scan("/srv/other/a.txt", token, scanner).empty());  // the allowed value
  CHECK(scan("/srv/other/a.txt", other, scanner).size() == 1);
}

TEST_CASE("per-rule allow rules") {
  auto scanner = scanner_for(R"(
rules:
  - id: acme-token
    severity: LOW
    keywords: [acme_]
    regex: 'acme_[0-9a-f]{16}'
    allow-rules:
      - id: acme-test-keys
        regex: '^acme_0000'
      - id: acme-vendored
        path: '/vendor/'
)");
  CHECK(scan("/app/x", "acme_" + gen(k_hex, 16, 305), scanner).size() == 1);
  CHECK(scan("/app/x", "acme_0000" + gen(k_hex, 12, 305), scanner).empty());
  CHECK(scan("/app/vendor/x", "acme_" + gen(k_hex, 16, 305), scanner).empty());
  // ... and the per-rule allow rules of built-in rules apply to that rule only.
  CHECK(rule_ids(scan("/usr/lib/app/x.py", "token = 'ghp_" + gen(k_base62, 36, 306) + "'",
                      scanner)) == std::vector<std::string>{"github-pat"});
}

TEST_CASE("disable-rules, enable-builtin-rules, disable-allow-rules") {
  auto ghp = "ghp_" + gen(k_base62, 36, 307);
  auto gho = "gho_" + gen(k_base62, 36, 308);
  auto both = ghp + "\n" + gho + "\n";

  auto disabled = scanner_for("disable-rules: [github-pat]\n");
  CHECK(rule_ids(scan("/app/x", both, disabled)) == std::vector<std::string>{"github-oauth"});
  CHECK(disabled.rule_count() == builtin_rules().rules.size() - 1);

  auto only_pat = scanner_for("enable-builtin-rules: [github-pat]\n");
  CHECK(rule_ids(scan("/app/x", both, only_pat)) == std::vector<std::string>{"github-pat"});
  CHECK(only_pat.rule_count() == 1);

  auto docs = scanner_for("disable-allow-rules: [docs]\n");
  CHECK(docs.wants("/usr/share/doc/x/README", 10));
  CHECK(rule_ids(scan("/usr/share/doc/x/README", ghp, docs)) ==
        std::vector<std::string>{"github-pat"});
  CHECK_FALSE(builtin_scanner().wants("/usr/share/doc/x/README", 10));

  // A built-in rule replaced by the user's own version.
  auto replaced = scanner_for(R"(
disable-rules: [github-pat]
rules:
  - id: github-pat
    severity: LOW
    keywords: [ghp_]
    regex: 'ghp_[0-9a-zA-Z]{36}'
)");
  auto findings = scan("/app/x", ghp, replaced);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == "LOW");
}

TEST_CASE("warnings: unknown ids, Trivy's exclude-block") {
  auto config = parse_rule_config(R"(
disable-rules: [no-such-rule]
disable-allow-rules: [no-such-allow]
enable-builtin-rules: [github-pat, nope]
exclude-block:
  regexes: ['x']
)",
                                  "user.yaml");
  REQUIRE(config);
  auto rules = merge_rule_config(builtin_rules(), *config);
  REQUIRE(rules);
  CHECK(rules->warnings == std::vector<std::string>{
                               "user.yaml: exclude-block is not supported and is ignored",
                               "user.yaml: disable-rules: no built-in rule 'no-such-rule'",
                               "user.yaml: enable-builtin-rules: no built-in rule 'nope'",
                               "user.yaml: disable-allow-rules: no built-in allow rule "
                               "'no-such-allow'",
                           });
  CHECK(rules->rules.size() == 1);
}

TEST_CASE("an empty config changes nothing") {
  for (auto yaml : {"", "# nothing\n", "rules: []\nallow-rules: []\n"}) {
    auto config = parse_rule_config(yaml, "user.yaml");
    REQUIRE(config);
    auto rules = merge_rule_config(builtin_rules(), *config);
    REQUIRE(rules);
    CHECK(rules->rules == builtin_rules().rules);
    CHECK(rules->allow_rules == builtin_rules().allow_rules);
  }
}

TEST_CASE("config errors: one line, naming the file and the rule, never a value") {
  // A value that must not appear in any message.
  auto planted = "ghp_" + gen(k_base62, 36, 309);
  struct Case {
    std::string yaml;
    std::string expected;
  };
  std::vector<Case> cases = {
      {"rules: [", "user.yaml:1: invalid YAML: "},
      {"rules:\n  - id: a\n    severity: HIGH\n    regex: '(?P<secret>" + planted + "'\n",
       "user.yaml: rule 'a': regex: missing closing )"},
      {"rules:\n  - id: a\n    severity: HIGH\n    regex: '(?=" + planted + ")'\n",
       "user.yaml: rule 'a': regex: unsupported Perl syntax"},
      {"rules:\n  - id: a\n    severity: URGENT\n    regex: x\n",
       "user.yaml: rule 'a': severity must be CRITICAL, HIGH, MEDIUM or LOW"},
      {"rules:\n  - id: a\n    regex: x\n", "user.yaml: rule 'a': severity missing"},
      {"rules:\n  - id: a\n    severity: LOW\n", "user.yaml: rule 'a': regex missing"},
      {"rules:\n  - id: a\n    severity: LOW\n    regex: x\n  - id: a\n    severity: LOW\n    "
       "regex: y\n",
       "user.yaml: rule 'a': duplicate id"},
      {"rules:\n  - id: github-pat\n    severity: LOW\n    regex: x\n",
       "user.yaml: rule 'github-pat': duplicate id: a built-in rule has it"},
      {"rules:\n  - id: a\n    severity: LOW\n    regex: '" + planted +
           "'\n    secret-group-name: secret\n",
       "user.yaml: rule 'a': secret-group-name: the regex has no group of that name"},
      {"rules:\n  - id: a\n    severity: LOW\n    regex: x\n    validate: luhn\n",
       "user.yaml: rule 'a': validate: unknown check"},
      {"rules:\n  - id: a\n    severity: LOW\n    regex: x\n    min-entropy: lots\n",
       "user.yaml: rule 'a': min-entropy must be a number"},
      {"rules:\n  - id: a\n    severity: LOW\n    magic: ['30zz']\n",
       "user.yaml: rule 'a': magic: hex digits or ?? expected"},
      {"rules:\n  - id: a\n    severity: LOW\n    regex: x\n    regexp: y\n",
       "user.yaml: rule 'a': unknown key 'regexp'"},
      {"rules:\n  - severity: LOW\n    regex: x\n", "user.yaml:2: rule without an id"},
      {"rules:\n  - id: a\n    severity: LOW\n    regex: x\n    allow-rules:\n      - id: b\n"
       "        regex: '[" +
           planted + "'\n",
       "user.yaml: rule 'a': allow rule 'b': regex: missing closing ]"},
      {"allow-rules:\n  - id: b\n    path: '(" + planted + "'\n",
       "user.yaml: allow rule 'b': path: missing closing )"},
      {"allow-rules:\n  - id: b\n    description: nothing to match\n",
       "user.yaml: allow rule 'b': needs a path or a regex"},
      {"allow-rules:\n  - id: docs\n    path: x\n",
       "user.yaml: allow rule 'docs': duplicate id: a built-in allow rule has it"},
      {"disable-rules: {a: b}\n", "user.yaml:1: disable-rules must be a list of strings"},
      {"rules:\n  - id: a\n    severity: LOW\n    regex: x\n    keywords: {k: v}\n",
       "user.yaml:5: rule 'a': keywords must be a list of strings"},
      {"rules:\n  - id: a\n    severity: LOW\n    regex: x\n    near-lines: 1\n",
       "user.yaml: rule 'a': near-lines needs near"},
      {"- just\n- a list\n", "user.yaml: the top level must be a map"},
  };
  for (const auto& c : cases) {
    INFO(c.yaml);
    auto message = config_error(c.yaml);
    CHECK_THAT(message, Catch::StartsWith(c.expected));
    CHECK(message.find('\n') == std::string::npos);
    CHECK(message.find(planted) == std::string::npos);
    CHECK(message.find(planted.substr(4, 8)) == std::string::npos);
  }
}

TEST_CASE("Scanner::create checks a rule set built by hand") {
  RuleSet rules;
  Rule rule;
  rule.id = "x";
  rule.severity = "HIGH";
  rule.regex = "(";
  rule.origin = "hand";
  rules.rules.push_back(rule);
  auto scanner = Scanner::create(rules);
  REQUIRE_FALSE(scanner);
  CHECK(scanner.error().message == "hand: rule 'x': regex: missing closing )");
  rules.rules[0].regex = "x";
  rules.rules.push_back(rules.rules[0]);
  CHECK(Scanner::create(rules).error().message == "hand: rule 'x': duplicate id");
}

TEST_CASE("load_rule_set reads the config file") {
  test_support::TempDir dir;
  auto path = dir.sub("trivy-secret.yaml");
  std::ofstream(path) << "disable-rules: [jwt-token]\n";
  auto rules = load_rule_set(path);
  REQUIRE(rules);
  CHECK(rules->rules.size() == builtin_rules().rules.size() - 1);
  auto builtin = load_rule_set();
  REQUIRE(builtin);
  CHECK(builtin->rules == builtin_rules().rules);
  auto missing = load_rule_set(dir.sub("nope.yaml"));
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Contains("nope.yaml"));
  std::ofstream(dir.sub("bad.yaml")) << "rules: [";
  auto bad = load_rule_set(dir.sub("bad.yaml"));
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Catch::StartsWith(dir.sub("bad.yaml") + ":1: invalid YAML"));
}
