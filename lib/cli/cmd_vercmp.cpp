// `strata vercmp SCHEME A B` and `strata vercmp SCHEME --batch`: version comparison for every
// scheme the matcher knows, like `dpkg --compare-versions` but printing the relation.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cli/commands.hpp"
#include "vercmp/semver.hpp"
#include "vercmp/vercmp.hpp"

namespace strata::cli {
namespace {

constexpr std::string_view k_npm_range = "npm-range";
constexpr std::size_t k_io_buffer = 1 << 20;

struct VercmpOptions {
  std::string scheme;
  std::string left;
  std::string right;
  bool batch = false;
};

// A scheme name resolved: a vercmp scheme, or the npm range check.
struct Scheme {
  std::optional<vercmp::SchemeId> id;  // nullopt: npm-range
};

util::Result<Scheme> resolve_scheme(std::string_view name) {
  if (name == k_npm_range) {
    return Scheme{};
  }
  if (auto id = vercmp::scheme_by_name(name)) {
    return Scheme{id};
  }
  return util::make_error(
      util::ErrorCategory::usage,
      "unknown version scheme '{}' (known: dpkg, rpm, apk, pep440, semver, npm-range, "
      "go, maven, rubygems, nuget, composer, exact)",
      name);
}

const char* relation(int c) {
  return c < 0 ? "<" : (c > 0 ? ">" : "=");
}

// One comparison: "<", "=", ">" (or "in"/"out" for npm-range), or the error.
util::Result<const char*> evaluate(const Scheme& scheme, std::string_view left,
                                   std::string_view right) {
  if (!scheme.id) {
    TRY_ASSIGN(bool in, vercmp::npm_range::satisfies(left, right));
    return in ? "in" : "out";
  }
  TRY_ASSIGN(int c, vercmp::compare(*scheme.id, left, right));
  return relation(c);
}

// Buffered stdout: one fwrite per megabyte, never a flush per line.
class OutputBuffer {
 public:
  OutputBuffer() { m_data.reserve(k_io_buffer + 64); }
  ~OutputBuffer() { flush(); }
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;

  void line(std::string_view text) {
    m_data.append(text);
    m_data.push_back('\n');
    if (m_data.size() >= k_io_buffer) {
      flush();
    }
  }
  void flush() {
    if (!m_data.empty()) {
      std::fwrite(m_data.data(), 1, m_data.size(), stdout);
      m_data.clear();
    }
    std::fflush(stdout);
  }

 private:
  std::string m_data;
};

std::string_view evaluate_line(const Scheme& scheme, std::string_view line) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  std::size_t tab = line.find('\t');
  if (tab == std::string_view::npos) {
    return "invalid";
  }
  auto result = evaluate(scheme, line.substr(0, tab), line.substr(tab + 1));
  return result ? std::string_view(*result) : std::string_view("invalid");
}

// Reads `left<TAB>right` lines from stdin in large blocks; prints one answer per line.
int run_batch(const Scheme& scheme) {
  OutputBuffer out;
  auto block = std::make_unique<char[]>(k_io_buffer);
  std::string carry;  // an incomplete last line of the previous block
  while (true) {
    std::size_t n = std::fread(block.get(), 1, k_io_buffer, stdin);
    if (n == 0) {
      break;
    }
    std::string_view data(block.get(), n);
    std::size_t pos = 0;
    if (!carry.empty()) {
      std::size_t nl = data.find('\n');
      if (nl == std::string_view::npos) {
        carry.append(data);
        continue;
      }
      carry.append(data.substr(0, nl));
      out.line(evaluate_line(scheme, carry));
      carry.clear();
      pos = nl + 1;
    }
    while (true) {
      std::size_t nl = data.find('\n', pos);
      if (nl == std::string_view::npos) {
        carry.assign(data.substr(pos));
        break;
      }
      out.line(evaluate_line(scheme, data.substr(pos, nl - pos)));
      pos = nl + 1;
    }
  }
  if (std::ferror(stdin)) {
    return report_error(util::input_error("vercmp: reading standard input failed"));
  }
  if (!carry.empty()) {
    out.line(evaluate_line(scheme, carry));
  }
  return k_exit_ok;
}

int run_vercmp(const VercmpOptions& opts, const CLI::App& sub) {
  auto scheme = resolve_scheme(opts.scheme);
  if (!scheme) {
    return report_error(scheme.error());
  }
  if (opts.batch) {
    if (sub.count("left") > 0) {
      return report_error(util::make_error(util::ErrorCategory::usage,
                                           "vercmp: --batch reads the pairs from standard input; "
                                           "give no versions on the command line"));
    }
    return run_batch(*scheme);
  }
  if (sub.count("left") == 0 || sub.count("right") == 0) {
    return report_error(util::make_error(util::ErrorCategory::usage,
                                         "vercmp: expected SCHEME A B (or SCHEME --batch)"));
  }
  auto result = evaluate(*scheme, opts.left, opts.right);
  if (!result) {
    return report_error(util::Error{util::ErrorCategory::usage, result.error().message});
  }
  std::fputs(*result, stdout);
  std::fputc('\n', stdout);
  return k_exit_ok;
}

}  // namespace

Command add_vercmp_command(CLI::App& app, const GlobalOptions&) {
  auto opts = std::make_shared<VercmpOptions>();
  auto* sub =
      app.add_subcommand("vercmp", "Compare two versions under an ecosystem's version scheme");
  sub->add_option(
         "scheme", opts->scheme,
         "dpkg, rpm, apk, pep440, semver, npm-range, go, maven, rubygems, nuget, composer, exact")
      ->required();
  sub->add_option("left", opts->left, "Version A");
  sub->add_option("right", opts->right,
                  "Version B (for npm-range: the range A is checked against)");
  sub->add_flag("--batch", opts->batch,
                "Read 'A<TAB>B' lines from standard input and print one answer per line "
                "('invalid' for a line with an invalid side or no tab)");
  sub->footer(
      "Prints '<', '=' or '>' (A relative to B) and exits 0. An invalid version is reported on\n"
      "stderr, naming the side (left = A, right = B), with exit code 2; so is an unknown scheme.\n"
      "With npm-range, A is a version and B an npm range ('^1.2.0 || >=2.0.0-rc.1'); the answer\n"
      "is 'in' or 'out'. 'exact' only knows equality (other strings compare by bytes).\n"
      "Versions that start with '-' go after '--'.\n\n"
      "Examples:\n"
      "  strata vercmp dpkg 1:1.2-1 1.3-1           # >\n"
      "  strata vercmp maven 1.0-RC1 1.0            # <\n"
      "  strata vercmp npm-range 1.4.2 '^1.2.0'     # in\n"
      "  printf '1.0\\t1.0.0\\n' | strata vercmp pep440 --batch\n");
  return {sub, [opts, sub] { return run_vercmp(*opts, *sub); }};
}

}  // namespace strata::cli
