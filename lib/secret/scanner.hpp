#pragma once
// Finds leaked secrets (API tokens, private keys, credentials) in the contents of files, with
// the rules of a RuleSet (rules.hpp; the built-in ones are lib/secret/rules.yaml). No I/O: the
// caller (the layer reader) hands over a path and the file's bytes.
//
// How a file is scanned:
//  1. a path that a global allow rule matches is skipped (wants() already says so);
//  2. magic rules (binary formats: PKCS#12 key stores) compare the first bytes;
//  3. content with a NUL byte in its first 8 KiB is binary: nothing more;
//  4. one pass over the content finds which rules' keywords occur (an RE2::Set of the literal,
//     case-insensitive keywords: a DFA, linear in the content, for all keywords at once);
//  5. only those rules (and rules without keywords) run their regex over the content; each
//     match passes the rule's path, allow rules, min-entropy, placeholder, near and validate
//     checks and the global value allow rules, and becomes a model::Secret with its 1-based line
//     and the redacted value (filters.hpp: redact). Identical (rule, line, match) are reported
//     once, and at most k_max_findings_per_file per file.
// RE2 matches in linear time, so hostile content cannot make a scan blow up.

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "model/secret.hpp"
#include "secret/rules.hpp"
#include "util/result.hpp"

namespace strata::secret {

struct ScanLimits {
  std::uint64_t max_file_size = 10u << 20;  // wants() is false for larger files
};

// Findings per file beyond which the rest are dropped (a generated file full of tokens).
inline constexpr std::size_t k_max_findings_per_file = 1000;

class Scanner {
 public:
  // Compiles `rules`. Errors (input category, one line, naming the rule's origin and id): a rule
  // that parse_rule_config would have rejected (a RuleSet built by hand).
  static util::Result<Scanner> create(const RuleSet& rules, ScanLimits limits = {});

  // From the tar header only (no content): would scan() look at this regular file? False for
  // files above max_file_size and for paths a global allow rule matches (the built-in ones:
  // documentation, man pages, locales, *.mo, Python bytecode, test suites and examples shipped
  // inside installed software and language packages, package READMEs, CA certificates,
  // zoneinfo, libraries and archives; see rules.yaml). One RE2::Set match of the path (two
  // for Trivy's relative patterns): cheap enough for every file of every layer. Thread-safe.
  bool wants(std::string_view path, std::uint64_t size) const;

  // Appends the findings in `content` of the file at `path` (absolute inside the image; a
  // relative "etc/x" or "./etc/x" is taken as "/etc/x") to `out`, with rule_id, category,
  // severity, title, path, line and the redacted match; layer and deleted are left for the
  // caller. Text only, but for magic rules: content with a NUL byte in its first 8 KiB is
  // binary. The unredacted value is never stored, logged or returned. Thread-safe: any number
  // of concurrent scan() calls on one Scanner.
  void scan(std::string_view path, std::string_view content, std::vector<model::Secret>& out) const;

  // The number of rules compiled (for logs).
  std::size_t rule_count() const;

 private:
  struct Impl;
  explicit Scanner(std::shared_ptr<const Impl> impl) : m_impl(std::move(impl)) {}
  std::shared_ptr<const Impl> m_impl;
};

}  // namespace strata::secret
