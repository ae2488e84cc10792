#pragma once
// A reader for the block-style YAML subset pnpm-lock.yaml and Yarn 2+ yarn.lock are written in:
// one "key: value" or "key:" per line, nesting by indentation, '#' comments, "---" between
// documents. Keys and scalar values may be plain, 'single-' or "double-quoted"; a flow
// collection ("{integrity: sha512-..}", "[x64]") is kept as its raw text; block scalars ("|",
// ">") are skipped; sequence items ("- x") and lines that are not "key: value" are ignored.
//
// Why not libyaml-cpp: the lockfiles use only this subset and strata needs a handful of keys
// from them; yaml-cpp reports malformed input by throwing, builds the whole document tree
// recursively (deeply nested flow input has overflowed its stack: CVE-2017-5950 and later
// reports), and would be one more build dependency. A line reader is bounded by construction:
// memory is the key lines it returns (at most max_lines) and nesting is capped at max_depth.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata::detect::lang {

struct YamlLine {
  std::size_t number = 0;         // 1-based line number
  std::size_t document = 0;       // 0-based; each "---" line starts the next
  std::vector<std::string> path;  // the enclosing keys, outermost first (empty at top level)
  std::string key;                // unquoted
  std::string
      value;  // unquoted scalar, a flow collection's raw text, "" when the key opens a block
};

// The key lines of `content`. Problems (lines nested deeper than `max_depth` keys, more than
// `max_lines` key lines, an unterminated quoted key) are appended to `problems` once each,
// without a location prefix; the lines concerned are left out.
std::vector<YamlLine> read_yaml_lines(std::string_view content, std::size_t max_depth,
                                      std::size_t max_lines, std::vector<std::string>& problems);

// `text` without its surrounding quotes: 'it''s' -> it's; "a\"b\n" -> a"b<newline> (the common
// escapes; \uXXXX as UTF-8); plain text as is. An unterminated quote: the rest, unquoted.
std::string yaml_unquote(std::string_view text);

}  // namespace strata::detect::lang
