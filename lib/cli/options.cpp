#include "cli/options.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "secret/builtin_rules.hpp"
#include "secret/rules.hpp"
#include "secret/scanner.hpp"
#include "util/file.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

namespace strata::cli {

void add_match_options(CLI::App& sub, MatchFlags& flags) {
  sub.add_option("--db-dir", flags.db_dir,
                 "Vulnerability database directory (default: $XDG_CACHE_HOME/strata/db)")
      ->envname("STRATA_DB_DIR");
  sub.add_flag("--packages-only", flags.packages_only,
               "List packages without matching vulnerabilities (no database needed)")
      ->envname("STRATA_PACKAGES_ONLY");
  sub.add_flag("--ignore-unfixed", flags.ignore_unfixed,
               "Do not report vulnerabilities that have no fixed version yet")
      ->envname("STRATA_IGNORE_UNFIXED");
  sub.add_option("--pkg-types", flags.pkg_types,
                 "Package types to report, comma-separated: os (dpkg, apk, rpm), library "
                 "(language packages); the others are neither matched nor listed")
      ->capture_default_str()
      ->envname("STRATA_PKG_TYPES");
  sub.add_option("--scanners", flags.scanners,
                 "What to look for, comma-separated: vuln (packages matched against the "
                 "database), secret (leaked credentials and keys in the image's files)")
      ->capture_default_str()
      ->envname("STRATA_SCANNERS");
  sub.add_option("--secret-config", flags.secret_config,
                 "Secret rules and allow-lists to add to the built-in ones (Trivy's "
                 "trivy-secret.yaml format)")
      ->envname("STRATA_SECRET_CONFIG");
  sub.add_option("--severity", flags.severity,
                 "Report only findings of these severities, comma-separated: CRITICAL, HIGH, "
                 "MEDIUM, LOW, UNKNOWN (default: all)")
      ->envname("STRATA_SEVERITY");
  sub.add_flag("--only-fixed", flags.only_fixed,
               "Report only vulnerabilities that have a fixed version (the same as "
               "--ignore-unfixed)")
      ->envname("STRATA_ONLY_FIXED");
  sub.add_option("--ignore-file", flags.ignore_file,
                 "Vulnerabilities to accept: plain ids one per line, or YAML with packages, "
                 "reasons and expiry dates (default: ./.strataignore when present)")
      ->envname("STRATA_IGNORE_FILE");
  sub.add_option("--vex", flags.vex,
                 "OpenVEX or CycloneDX VEX document whose not_affected statements suppress "
                 "findings; repeatable")
      ->allow_extra_args(false);
  add_db_policy_options(sub, flags.db_policy);
}

util::Result<policy::Policy> make_policy(const MatchFlags& flags, const config::Environment& env) {
  policy::Policy p;
  if (!flags.severity.empty()) {
    TRY_ASSIGN(p.severities, policy::parse_severities(flags.severity));
  }
  std::string ignore_file = flags.ignore_file;
  if (ignore_file.empty() && util::is_regular_file(".strataignore")) {
    ignore_file = ".strataignore";
  }
  if (!ignore_file.empty()) {
    TRY_ASSIGN(p.ignores, policy::load_ignore_file(ignore_file));
    LOG_INFO("ignore file {}: {} entries", ignore_file, p.ignores.size());
  }
  for (const auto& path : flags.vex) {
    TRY_ASSIGN(auto statements, policy::load_vex(path));
    LOG_INFO("VEX {}: {} not_affected statements", path, statements.size());
    p.vex.insert(p.vex.end(), std::make_move_iterator(statements.begin()),
                 std::make_move_iterator(statements.end()));
  }
  auto now = config::source_date_epoch(env).value_or(
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  p.today = policy::date_of(now);
  return p;
}

util::Result<Scanners> parse_scanners(std::string_view text) {
  Scanners out{false, false};
  for (auto word : util::split(text, ',')) {
    word = util::trim(word);
    if (word == "vuln") {
      out.vuln = true;
    } else if (word == "secret") {
      out.secret = true;
    } else if (!word.empty()) {
      return util::make_error(util::ErrorCategory::usage,
                              "--scanners: unknown scanner '{}' (vuln, secret)", word);
    }
  }
  if (!out.vuln && !out.secret) {
    return util::make_error(util::ErrorCategory::usage,
                            "--scanners: name at least one of vuln, secret");
  }
  return out;
}

namespace {

// The scanner of the built-in rules, made on first use: a scan whose layers all come from the
// layer cache never parses or compiles them (about 25 ms). The built-in set is checked by the
// unit tests; failing here is a bug (an exception: exit 4).
class BuiltinScanner {
 public:
  const secret::Scanner& get() {
    std::call_once(m_once, [this] {
      auto rules = secret::load_rule_set();
      if (!rules) {
        throw std::runtime_error("built-in secret rules: " + rules.error().message);
      }
      auto scanner = secret::Scanner::create(*rules);
      if (!scanner) {
        throw std::runtime_error("built-in secret rules: " + scanner.error().message);
      }
      m_scanner.emplace(std::move(*scanner));
    });
    return *m_scanner;
  }

 private:
  std::once_flag m_once;
  std::optional<secret::Scanner> m_scanner;
};

}  // namespace

util::Result<scan::SecretHooks> make_secret_hooks(const std::string& config_path) {
  // The rule set's identity, for the layer cache: the built-in rules and the user's file.
  util::Sha256 id;
  id.update(secret::builtin_rules_yaml());
  std::function<const secret::Scanner&()> scanner;
  if (config_path.empty()) {
    auto builtin = std::make_shared<BuiltinScanner>();
    scanner = [builtin]() -> const secret::Scanner& { return builtin->get(); };
  } else {
    // A user's rules are read and compiled now: their errors stop the scan before it starts.
    TRY_ASSIGN(secret::RuleSet rules, secret::load_rule_set(config_path));
    for (const auto& w : rules.warnings) {
      LOG_WARN("{}", w);
    }
    TRY_ASSIGN(secret::Scanner compiled, secret::Scanner::create(rules));
    TRY_ASSIGN(std::string text, util::read_file(config_path));
    id.update(text);
    scanner = [compiled]() -> const secret::Scanner& { return compiled; };
  }
  scan::SecretHooks hooks;
  hooks.wants = [scanner](std::string_view path, std::uint64_t size) {
    return scanner().wants(path, size);
  };
  hooks.scan = [scanner](std::string_view path, std::string_view content,
                         std::vector<model::Secret>& found) {
    scanner().scan(path, content, found);
  };
  hooks.rules_id = "secret-rules-" + id.hex_digest().substr(0, 16);
  return hooks;
}

}  // namespace strata::cli
