#include "secret/scanner.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <re2/set.h>

#include "secret/compiled.hpp"
#include "secret/filters.hpp"

namespace strata::secret {

namespace {

constexpr std::size_t k_binary_probe = 8u << 10;
// The keyword set is one DFA over a few dozen literals: this bounds its memory (an exhausted
// budget makes the prefilter fall back to running every rule, never to missing one).
constexpr std::int64_t k_set_memory = 32 << 20;

bool is_binary(std::string_view content) {
  auto probe = content.substr(0, k_binary_probe);
  return std::memchr(probe.data(), '\0', probe.size()) != nullptr;
}

bool magic_matches(const detail::Magic& magic, std::string_view content) {
  if (content.size() < magic.size()) {
    return false;
  }
  for (std::size_t i = 0; i < magic.size(); ++i) {
    if (!magic[i].any && static_cast<unsigned char>(content[i]) != magic[i].value) {
      return false;
    }
  }
  return true;
}

re2::StringPiece piece(std::string_view s) {
  return {s.data(), s.size()};
}

// Line numbers of offsets in one file, from an index of its line breaks built on first use.
class Lines {
 public:
  explicit Lines(std::string_view content) : m_content(content) {}

  // 1-based line of `offset`.
  std::uint32_t line_of(std::size_t offset) {
    build();
    return static_cast<std::uint32_t>(std::lower_bound(m_breaks.begin(), m_breaks.end(), offset) -
                                      m_breaks.begin() + 1);
  }

  // Lines [first, last] (1-based, clamped) as one view.
  std::string_view span(std::int64_t first, std::int64_t last) {
    build();
    auto count = static_cast<std::int64_t>(m_breaks.size()) + 1;
    first = std::clamp<std::int64_t>(first, 1, count);
    last = std::clamp<std::int64_t>(last, 1, count);
    std::size_t begin = first == 1 ? 0 : m_breaks[static_cast<std::size_t>(first - 2)] + 1;
    std::size_t end =
        last == count ? m_content.size() : m_breaks[static_cast<std::size_t>(last - 1)];
    return m_content.substr(begin, end - begin);
  }

 private:
  void build() {
    if (m_built) {
      return;
    }
    m_built = true;
    for (const char *p = m_content.data(), *end = p + m_content.size();
         (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p))));
         ++p) {
      m_breaks.push_back(static_cast<std::size_t>(p - m_content.data()));
    }
  }

  std::string_view m_content;
  std::vector<std::size_t> m_breaks;
  bool m_built = false;
};

}  // namespace

struct Scanner::Impl {
  std::vector<detail::CompiledRule> text_rules;
  std::vector<detail::CompiledRule> magic_rules;
  std::unique_ptr<re2::RE2::Set> keywords;              // null when no rule has keywords
  std::vector<std::vector<std::size_t>> keyword_rules;  // keyword index -> text rule indices
  std::vector<std::size_t> unfiltered_rules;            // text rules without keywords
  std::unique_ptr<re2::RE2::Set> allow_paths;           // global allow rules' paths; null when none
  std::vector<detail::CompiledAllow> allow;             // global allow rules
  ScanLimits limits;

  bool path_allowed(std::string_view abs) const {
    if (!allow_paths) {
      return false;
    }
    if (allow_paths->Match(piece(abs), nullptr)) {
      return true;
    }
    return abs.size() > 1 && allow_paths->Match(piece(abs.substr(1)), nullptr);
  }

  bool value_allowed(std::string_view value) const {
    return std::any_of(allow.begin(), allow.end(), [&](const detail::CompiledAllow& a) {
      return a.regex && re2::RE2::PartialMatch(piece(value), *a.regex);
    });
  }
};

util::Result<Scanner> Scanner::create(const RuleSet& rules, ScanLimits limits) {
  auto impl = std::make_shared<Impl>();
  impl->limits = limits;

  std::set<std::string> ids;
  for (const auto& rule : rules.rules) {
    if (!ids.insert(rule.id).second) {
      return util::input_error("{}: rule '{}': duplicate id", rule.origin, rule.id);
    }
    TRY_ASSIGN(auto compiled, detail::compile_rule(rule));
    if (compiled.regex) {
      impl->text_rules.push_back(std::move(compiled));
    } else {
      impl->magic_rules.push_back(std::move(compiled));
    }
  }

  // The keyword prefilter: each distinct keyword once in the set, as a quoted literal,
  // case-insensitive ("(?i)" per pattern) unless its rule asks for case-sensitive keywords.
  re2::RE2::Options set_options;
  set_options.set_log_errors(false);
  set_options.set_max_mem(k_set_memory);
  auto set = std::make_unique<re2::RE2::Set>(set_options, re2::RE2::UNANCHORED);
  std::map<std::string, std::size_t> keyword_index;
  for (std::size_t i = 0; i < impl->text_rules.size(); ++i) {
    const auto& rule = impl->text_rules[i].rule;
    if (rule.keywords.empty()) {
      impl->unfiltered_rules.push_back(i);
      continue;
    }
    for (const auto& keyword : rule.keywords) {
      std::string pattern =
          (rule.keywords_case_sensitive ? "" : "(?i)") + re2::RE2::QuoteMeta(piece(keyword));
      auto [it, added] = keyword_index.emplace(pattern, impl->keyword_rules.size());
      if (added) {
        if (set->Add(piece(pattern), nullptr) < 0) {
          return util::input_error("{}: rule '{}': keywords: cannot be compiled", rule.origin,
                                   rule.id);
        }
        impl->keyword_rules.emplace_back();
      }
      auto& owners = impl->keyword_rules[it->second];
      if (owners.empty() || owners.back() != i) {
        owners.push_back(i);
      }
    }
  }
  if (!impl->keyword_rules.empty()) {
    if (!set->Compile()) {
      return util::input_error("secret rules: the keyword set is too large to compile");
    }
    impl->keywords = std::move(set);
  }

  auto path_set = std::make_unique<re2::RE2::Set>(
      [] {
        re2::RE2::Options o;
        o.set_log_errors(false);
        return o;
      }(),
      re2::RE2::UNANCHORED);
  bool any_path = false;
  for (const auto& allow : rules.allow_rules) {
    TRY_ASSIGN(auto compiled,
               detail::compile_allow(allow, fmt::format("allow rule '{}'", allow.id)));
    if (!allow.path.empty()) {
      if (path_set->Add(piece(allow.path), nullptr) < 0) {
        return util::input_error("allow rule '{}': path: invalid regular expression", allow.id);
      }
      any_path = true;
    }
    impl->allow.push_back(std::move(compiled));
  }
  if (any_path) {
    if (!path_set->Compile()) {
      return util::input_error("secret rules: the allow-rule paths are too large to compile");
    }
    impl->allow_paths = std::move(path_set);
  }
  return Scanner(std::move(impl));
}

std::size_t Scanner::rule_count() const {
  return m_impl->text_rules.size() + m_impl->magic_rules.size();
}

bool Scanner::wants(std::string_view path, std::uint64_t size) const {
  if (size > m_impl->limits.max_file_size) {
    return false;
  }
  std::string storage;
  return !m_impl->path_allowed(detail::absolute_path(path, storage));
}

void Scanner::scan(std::string_view path, std::string_view content,
                   std::vector<model::Secret>& out) const {
  const Impl& impl = *m_impl;
  std::string storage;
  auto abs = detail::absolute_path(path, storage);
  if (impl.path_allowed(abs)) {
    return;
  }
  std::set<std::tuple<const detail::CompiledRule*, std::uint32_t, std::string>> seen;
  std::size_t found = 0;
  const std::size_t first = out.size();
  // A Generic finding on a line where a specific rule found something says the same thing less
  // precisely (an .npmrc's _authToken= line, a .pypirc's password =): only the specific one is
  // reported.
  struct DropGenericDuplicates {
    std::vector<model::Secret>& out;
    std::size_t first;
    ~DropGenericDuplicates() {
      std::set<std::uint32_t> specific;
      for (std::size_t i = first; i < out.size(); ++i) {
        if (out[i].category != "Generic") {
          specific.insert(out[i].line);
        }
      }
      if (specific.empty()) {
        return;
      }
      auto from = out.begin() + static_cast<std::ptrdiff_t>(first);
      out.erase(std::remove_if(from, out.end(),
                               [&](const model::Secret& s) {
                                 return s.category == "Generic" && specific.count(s.line) != 0;
                               }),
                out.end());
    }
  } drop_generic_duplicates{out, first};

  auto rule_applies = [&](const detail::CompiledRule& rule) {
    if (rule.path && !detail::path_matches(*rule.path, abs)) {
      return false;
    }
    return std::none_of(rule.allow.begin(), rule.allow.end(), [&](const detail::CompiledAllow& a) {
      return a.path && detail::path_matches(*a.path, abs);
    });
  };
  auto emit = [&](const detail::CompiledRule& rule, std::uint32_t line, std::string match) {
    if (found >= k_max_findings_per_file || !seen.emplace(&rule, line, match).second) {
      return;
    }
    ++found;
    model::Secret s;
    s.rule_id = rule.rule.id;
    s.category = rule.rule.category;
    s.severity = rule.rule.severity;
    s.title = rule.rule.title;
    s.path = std::string(abs);
    s.line = line;
    s.match = std::move(match);
    out.push_back(std::move(s));
  };

  for (const auto& rule : impl.magic_rules) {
    if (!rule_applies(rule) ||
        std::none_of(rule.magic.begin(), rule.magic.end(),
                     [&](const detail::Magic& m) { return magic_matches(m, content); })) {
      continue;
    }
    if (rule.validator && !rule.validator({}, content)) {
      continue;
    }
    // The value of a binary match is shown as hex: the first 2 bytes (the DER header).
    std::string shown;
    for (char c : content.substr(0, 2)) {
      shown += fmt::format("{:02x}", static_cast<unsigned char>(c));
    }
    emit(rule, 0, shown + "*****");
  }

  if (is_binary(content)) {
    return;
  }

  // Which rules to run: those whose keyword occurs, plus those without keywords.
  std::vector<char> run(impl.text_rules.size(), 0);
  for (auto i : impl.unfiltered_rules) {
    run[i] = 1;
  }
  if (impl.keywords) {
    std::vector<int> hits;
    re2::RE2::Set::ErrorInfo error{};
    if (impl.keywords->Match(piece(content), &hits, &error)) {
      for (int k : hits) {
        for (auto i : impl.keyword_rules[static_cast<std::size_t>(k)]) {
          run[i] = 1;
        }
      }
    } else if (error.kind != re2::RE2::Set::kNoError) {
      std::fill(run.begin(), run.end(), 1);  // the DFA ran out of memory: run everything
    }
  }

  Lines lines(content);
  for (std::size_t i = 0; i < impl.text_rules.size(); ++i) {
    if (!run[i]) {
      continue;
    }
    const auto& rule = impl.text_rules[i];
    if (!rule_applies(rule)) {
      continue;
    }
    std::optional<bool> near_anywhere;
    auto groups_wanted = static_cast<std::size_t>(rule.group) + 1;
    std::vector<re2::StringPiece> groups(groups_wanted);
    std::size_t pos = 0;
    while (pos <= content.size() && found < k_max_findings_per_file &&
           rule.regex->Match(piece(content), pos, content.size(), re2::RE2::UNANCHORED,
                             groups.data(), static_cast<int>(groups_wanted))) {
      auto whole = std::string_view(groups[0].data(), groups[0].size());
      auto start = static_cast<std::size_t>(whole.data() - content.data());
      pos = start + std::max<std::size_t>(whole.size(), 1);
      auto value_piece = groups[static_cast<std::size_t>(rule.group)];
      if (value_piece.data() == nullptr || value_piece.empty()) {
        continue;
      }
      std::string_view value(value_piece.data(), value_piece.size());
      if (rule.rule.min_entropy > 0 && shannon_entropy(value) < rule.rule.min_entropy) {
        continue;
      }
      if (rule.rule.skip_placeholders && is_placeholder(value)) {
        continue;
      }
      if (std::any_of(rule.allow.begin(), rule.allow.end(), [&](const detail::CompiledAllow& a) {
            return a.regex && re2::RE2::PartialMatch(piece(value), *a.regex);
          })) {
        continue;
      }
      if (impl.value_allowed(value)) {
        continue;
      }
      // The line of the match start, past a line break the match may begin with (a rule's
      // leading boundary such as (?:^|[^a-z]) can take the previous line's '\n').
      auto value_start = static_cast<std::size_t>(value.data() - content.data());
      auto match_start = start;
      while (match_start < value_start &&
             (content[match_start] == '\n' || content[match_start] == '\r')) {
        ++match_start;
      }
      auto line = lines.line_of(match_start);
      if (rule.near) {
        bool near = false;
        if (rule.rule.near_lines < 0) {
          if (!near_anywhere) {
            near_anywhere = re2::RE2::PartialMatch(piece(content), *rule.near);
          }
          near = *near_anywhere;
        } else {
          auto window = lines.span(static_cast<std::int64_t>(line) - rule.rule.near_lines,
                                   static_cast<std::int64_t>(line) + rule.rule.near_lines);
          near = re2::RE2::PartialMatch(piece(window), *rule.near);
        }
        if (!near) {
          continue;
        }
      }
      if (rule.validator && !rule.validator(value, content)) {
        continue;
      }
      emit(rule, line, redact(value));
    }
  }
}

}  // namespace strata::secret
