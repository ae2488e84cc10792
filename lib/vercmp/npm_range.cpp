// npm ranges: a transcription of node-semver's classes/range.js and internal/re.js. The
// desugaring runs the same regular expressions over the same strings (std::regex, ECMAScript
// grammar), so quirks such as "~> 1" or loose-mode filtering come out as npm's do.
#include "vercmp/npm_range.hpp"

#include <regex>

#include "vercmp/scheme_util.hpp"

namespace strata::vercmp::npm_range {
namespace {

constexpr std::size_t k_max_range_length = 1024;  // bounds std::regex recursion depth

// The regular expressions of node-semver's internal/re.js (source strings).
struct Sources {
  std::string numid = "0|[1-9]\\d*";
  std::string numid_loose = "\\d+";
  std::string nonnumid = "\\d*[a-zA-Z-][a-zA-Z0-9-]*";
  std::string preid = "(?:" + nonnumid + "|" + numid + ")";
  std::string preid_loose = "(?:" + nonnumid + "|" + numid_loose + ")";
  std::string prerelease = "(?:-(" + preid + "(?:\\." + preid + ")*))";
  std::string prerelease_loose = "(?:-?(" + preid_loose + "(?:\\." + preid_loose + ")*))";
  std::string build = "(?:\\+([a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*))";
  std::string main = "(" + numid + ")\\.(" + numid + ")\\.(" + numid + ")";
  std::string main_loose = "(" + numid_loose + ")\\.(" + numid_loose + ")\\.(" + numid_loose + ")";
  std::string fullplain = "v?" + main + prerelease + "?" + build + "?";
  std::string looseplain = "[v=\\s]*" + main_loose + prerelease_loose + "?" + build + "?";
  std::string gtlt = "((?:<|>)?=?)";
  std::string xrid = numid + "|x|X|\\*";
  std::string xrid_loose = numid_loose + "|x|X|\\*";
  std::string xrangeplain = "[v=\\s]*(" + xrid + ")(?:\\.(" + xrid + ")(?:\\.(" + xrid +
                            ")(?:" + prerelease + ")?" + build + "?)?)?";
  std::string xrangeplain_loose = "[v=\\s]*(" + xrid_loose + ")(?:\\.(" + xrid_loose + ")(?:\\.(" +
                                  xrid_loose + ")(?:" + prerelease_loose + ")?" + build + "?)?)?";
};

struct Regexes {
  std::regex build, xrange, tilde, caret, comparator, hyphen;
  std::regex comparator_trim, tilde_trim, caret_trim, star, gte0, gte0pre;
};

const Regexes& regexes(bool loose) {
  static const auto make = [](bool lo) {
    Sources s;
    const std::string& xr = lo ? s.xrangeplain_loose : s.xrangeplain;
    auto re = [](const std::string& src) { return std::regex(src, std::regex::ECMAScript); };
    Regexes r;
    r.build = re(s.build);
    r.xrange = re("^" + s.gtlt + "\\s*" + xr + "$");
    r.tilde = re("^(?:~>?)" + xr + "$");
    r.caret = re("^(?:\\^)" + xr + "$");
    r.comparator = re("^" + s.gtlt + "\\s*(" + (lo ? s.looseplain : s.fullplain) + ")$|^$");
    r.hyphen = re("^\\s*(" + xr + ")\\s+-\\s+(" + xr + ")\\s*$");
    r.comparator_trim = re("(\\s*)" + s.gtlt + "\\s*(" + s.looseplain + "|" + s.xrangeplain + ")");
    r.tilde_trim = re("(\\s*)(?:~>?)\\s+");
    r.caret_trim = re("(\\s*)(?:\\^)\\s+");
    r.star = re("(<|>)?=?\\s*\\*");
    r.gte0 = re("^\\s*>=\\s*0\\.0\\.0\\s*$");
    r.gte0pre = re("^\\s*>=\\s*0\\.0\\.0-0\\s*$");
    return r;
  };
  static const Regexes strict_set = make(false);
  static const Regexes loose_set = make(true);
  return loose ? loose_set : strict_set;
}

// JavaScript's \s, ASCII part: the same set as C's isspace.
constexpr auto is_js_space = scheme_util::is_c_space;

std::string js_trim(std::string_view s) {
  while (!s.empty() && is_js_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_js_space(s.back())) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

// JavaScript's s.split(/\s+/): runs of whitespace separate; leading/trailing runs give "".
std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  std::size_t i = 0;
  while (i < s.size()) {
    if (is_js_space(s[i])) {
      out.push_back(std::move(cur));
      cur.clear();
      while (i < s.size() && is_js_space(s[i])) {
        ++i;
      }
    } else {
      cur += s[i++];
    }
  }
  out.push_back(std::move(cur));
  return out;
}

// JavaScript's s.split(sep) for a literal separator.
std::vector<std::string> split_literal(const std::string& s, std::string_view sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t at = s.find(sep, start);
    if (at == std::string::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, at - start));
    start = at + sep.size();
  }
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out += sep;
    }
    out += parts[i];
  }
  return out;
}

// A capture group as JavaScript sees it: "" for an unmatched group (both are falsy).
std::string group(const std::smatch& m, std::size_t i) {
  return i < m.size() && m[i].matched ? m[i].str() : std::string();
}

bool is_x(const std::string& id) {
  return id.empty() || id == "x" || id == "X" || id == "*";
}

// JavaScript's `${+n + 1}` for a decimal string.
std::string inc(std::string n) {
  std::size_t z = 0;
  while (z + 1 < n.size() && n[z] == '0') {
    ++z;
  }
  n.erase(0, z);
  for (std::size_t i = n.size(); i-- > 0;) {
    if (n[i] != '9') {
      ++n[i];
      return n;
    }
    n[i] = '0';
  }
  return "1" + n;
}

// String.prototype.replace(regex, fn) for the anchored expressions: the whole string or nothing.
template <typename Fn>
std::string replace_anchored(const std::string& s, const std::regex& re, Fn&& fn) {
  std::smatch m;
  if (!std::regex_search(s, m, re)) {
    return s;
  }
  return m.prefix().str() + fn(m) + m.suffix().str();
}

std::string replace_first(const std::string& s, const std::regex& re, const char* with) {
  return std::regex_replace(s, re, with, std::regex_constants::format_first_only);
}

std::string replace_tilde(const std::string& comp, const Options& o) {
  const std::string z = o.include_prerelease ? "-0" : "";
  return replace_anchored(comp, regexes(o.loose).tilde, [&](const std::smatch& m) {
    std::string M = group(m, 1), mi = group(m, 2), p = group(m, 3), pr = group(m, 4);
    if (is_x(M)) {
      return std::string();
    }
    if (is_x(mi)) {
      return ">=" + M + ".0.0" + z + " <" + inc(M) + ".0.0-0";
    }
    if (is_x(p)) {
      return ">=" + M + "." + mi + ".0" + z + " <" + M + "." + inc(mi) + ".0-0";
    }
    if (!pr.empty()) {
      return ">=" + M + "." + mi + "." + p + "-" + pr + " <" + M + "." + inc(mi) + ".0-0";
    }
    return ">=" + M + "." + mi + "." + p + " <" + M + "." + inc(mi) + ".0-0";
  });
}

std::string replace_caret(const std::string& comp, const Options& o) {
  const std::string z = o.include_prerelease ? "-0" : "";
  return replace_anchored(comp, regexes(o.loose).caret, [&](const std::smatch& m) {
    std::string M = group(m, 1), mi = group(m, 2), p = group(m, 3), pr = group(m, 4);
    if (is_x(M)) {
      return std::string();
    }
    if (is_x(mi)) {
      return ">=" + M + ".0.0" + z + " <" + inc(M) + ".0.0-0";
    }
    if (is_x(p)) {
      if (M == "0") {
        return ">=" + M + "." + mi + ".0" + z + " <" + M + "." + inc(mi) + ".0-0";
      }
      return ">=" + M + "." + mi + ".0" + z + " <" + inc(M) + ".0.0-0";
    }
    std::string from = ">=" + M + "." + mi + "." + p + (pr.empty() ? "" : "-" + pr);
    if (M == "0") {
      if (mi == "0") {
        return from + " <" + M + "." + mi + "." + inc(p) + "-0";
      }
      return from + " <" + M + "." + inc(mi) + ".0-0";
    }
    return from + " <" + inc(M) + ".0.0-0";
  });
}

std::string replace_xrange(const std::string& raw, const Options& o) {
  std::string comp = js_trim(raw);
  return replace_anchored(comp, regexes(o.loose).xrange, [&](const std::smatch& m) {
    std::string gtlt = group(m, 1), M = group(m, 2), mi = group(m, 3), p = group(m, 4);
    if ((is_x(M) && !is_x(mi)) || (is_x(mi) && !p.empty() && !is_x(p))) {
      return comp;  // invalidXRangeOrder: "x.1", "1.x.2"
    }
    bool xM = is_x(M);
    bool xm = xM || is_x(mi);
    bool xp = xm || is_x(p);
    bool any_x = xp;
    if (gtlt == "=" && any_x) {
      gtlt = "";
    }
    std::string pr = o.include_prerelease ? "-0" : "";
    if (xM) {
      return (gtlt == ">" || gtlt == "<") ? std::string("<0.0.0-0") : std::string("*");
    }
    if (!gtlt.empty() && any_x) {
      if (xm) {
        mi = "0";
      }
      p = "0";
      if (gtlt == ">") {
        gtlt = ">=";
        if (xm) {
          M = inc(M);
          mi = "0";
        } else {
          mi = inc(mi);
        }
      } else if (gtlt == "<=") {
        gtlt = "<";
        if (xm) {
          M = inc(M);
        } else {
          mi = inc(mi);
        }
      }
      if (gtlt == "<") {
        pr = "-0";
      }
      return gtlt + M + "." + mi + "." + p + pr;
    }
    if (xm) {
      return ">=" + M + ".0.0" + pr + " <" + inc(M) + ".0.0-0";
    }
    if (xp) {
      return ">=" + M + "." + mi + ".0" + pr + " <" + M + "." + inc(mi) + ".0-0";
    }
    return m.str();
  });
}

std::string hyphen_replace(const std::smatch& m, bool inc_pr) {
  std::string from = group(m, 1), fM = group(m, 2), fm = group(m, 3), fp = group(m, 4),
              fpr = group(m, 5);
  std::string to = group(m, 7), tM = group(m, 8), tm = group(m, 9), tp = group(m, 10),
              tpr = group(m, 11);
  const std::string z = inc_pr ? "-0" : "";
  if (is_x(fM)) {
    from = "";
  } else if (is_x(fm)) {
    from = ">=" + fM + ".0.0" + z;
  } else if (is_x(fp)) {
    from = ">=" + fM + "." + fm + ".0" + z;
  } else if (!fpr.empty()) {
    from = ">=" + from;
  } else {
    from = ">=" + from + z;
  }
  if (is_x(tM)) {
    to = "";
  } else if (is_x(tm)) {
    to = "<" + inc(tM) + ".0.0-0";
  } else if (is_x(tp)) {
    to = "<" + tM + "." + inc(tm) + ".0-0";
  } else if (!tpr.empty()) {
    to = "<=" + tM + "." + tm + "." + tp + "-" + tpr;
  } else if (inc_pr) {
    to = "<" + tM + "." + tm + "." + inc(tp) + "-0";
  } else {
    to = "<=" + to;
  }
  return js_trim(from + " " + to);
}

std::string parse_comparator(std::string comp, const Options& o) {
  const Regexes& re = regexes(o.loose);
  comp = replace_first(comp, re.build, "");
  std::vector<std::string> parts = split_ws(js_trim(comp));
  for (auto& p : parts) {
    p = replace_caret(p, o);
  }
  comp = join(parts, " ");
  parts = split_ws(js_trim(comp));
  for (auto& p : parts) {
    p = replace_tilde(p, o);
  }
  comp = join(parts, " ");
  parts = split_ws(comp);
  for (auto& p : parts) {
    p = replace_xrange(p, o);
  }
  comp = join(parts, " ");
  return replace_first(js_trim(comp), re.star, "");
}

// The canonical value node-semver keys comparators by: "" for any, else operator + version.
std::string comparator_value(const Comparator& c) {
  static constexpr const char* k_ops[] = {"", "", "<", "<=", ">", ">="};
  if (c.op == Comparator::Op::any) {
    return "";
  }
  return k_ops[static_cast<int>(c.op)] + semver::canonical(c.version);
}

util::Result<Comparator> make_comparator(const std::string& text, const Options& o) {
  std::string comp = join(split_ws(js_trim(text)), " ");
  std::smatch m;
  if (!std::regex_search(comp, m, regexes(o.loose).comparator)) {
    return util::input_error("invalid comparator '{}'", comp);
  }
  Comparator c;
  std::string version = group(m, 2);
  if (version.empty()) {
    return c;  // any
  }
  std::string op = group(m, 1);
  c.op = op == "<"    ? Comparator::Op::lt
         : op == "<=" ? Comparator::Op::le
         : op == ">"  ? Comparator::Op::gt
         : op == ">=" ? Comparator::Op::ge
                      : Comparator::Op::eq;
  auto v = semver::parse(version, o.loose ? semver::Mode::loose : semver::Mode::strict);
  if (!v) {
    return std::move(v).error();
  }
  c.version = std::move(*v);
  return c;
}

// Range.parseRange: one "||"-separated part to its comparator set.
util::Result<std::vector<Comparator>> parse_set(std::string part, const Options& o) {
  const Regexes& re = regexes(o.loose);
  part = std::regex_replace(part, re.build, "");
  part = replace_anchored(part, re.hyphen, [&](const std::smatch& m) {
    return hyphen_replace(m, o.include_prerelease);
  });
  part = std::regex_replace(part, re.comparator_trim, "$1$2$3");
  part = std::regex_replace(part, re.tilde_trim, "$1~");
  part = std::regex_replace(part, re.caret_trim, "$1^");
  std::vector<std::string> list;
  {
    std::vector<std::string> pieces = split_literal(part, " ");
    for (auto& p : pieces) {
      p = parse_comparator(p, o);
    }
    list = split_ws(join(pieces, " "));
  }
  // All comparators are built first (an invalid one fails the range), then a null set wins.
  std::vector<Comparator> all;
  for (auto& comp : list) {
    comp = std::regex_replace(js_trim(comp), o.include_prerelease ? re.gte0pre : re.gte0, "",
                              std::regex_constants::format_first_only);
    if (o.loose && !std::regex_search(comp, regexes(true).comparator)) {
      continue;  // loose mode drops invalid comparators
    }
    TRY_ASSIGN(Comparator c, make_comparator(comp, o));
    all.push_back(std::move(c));
  }
  std::vector<Comparator> set;
  std::vector<std::string> values;
  for (auto& c : all) {
    std::string value = comparator_value(c);
    if (value == "<0.0.0-0") {
      return std::vector<Comparator>{std::move(c)};  // the null set
    }
    bool seen = false;
    for (const auto& v : values) {
      seen = seen || v == value;
    }
    if (!seen) {
      values.push_back(value);
      set.push_back(std::move(c));
    }
  }
  if (set.size() > 1) {  // "any" adds nothing next to other comparators
    for (std::size_t i = 0; i < set.size(); ++i) {
      if (set[i].op == Comparator::Op::any) {
        set.erase(set.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
  }
  return set;
}

bool test_comparator(const Comparator& c, const semver::Version& v) {
  if (c.op == Comparator::Op::any) {
    return true;
  }
  int r = semver::compare(v, c.version);
  switch (c.op) {
    case Comparator::Op::eq:
      return r == 0;
    case Comparator::Op::lt:
      return r < 0;
    case Comparator::Op::le:
      return r <= 0;
    case Comparator::Op::gt:
      return r > 0;
    case Comparator::Op::ge:
      return r >= 0;
    case Comparator::Op::any:
      break;
  }
  return true;
}

bool test_set(const std::vector<Comparator>& set, const semver::Version& v, const Options& o) {
  for (const auto& c : set) {
    if (!test_comparator(c, v)) {
      return false;
    }
  }
  if (!v.prerelease.empty() && !o.include_prerelease) {
    for (const auto& c : set) {
      if (c.op != Comparator::Op::any && !c.version.prerelease.empty() &&
          semver::compare_core(c.version, v) == 0) {
        return true;
      }
    }
    return false;
  }
  return true;
}

}  // namespace

bool Range::test(const semver::Version& version) const {
  for (const auto& set : m_sets) {
    if (test_set(set, version, m_options)) {
      return true;
    }
  }
  return false;
}

std::string Range::str() const {
  std::string out;
  for (std::size_t i = 0; i < m_sets.size(); ++i) {
    if (i > 0) {
      out += "||";
    }
    for (std::size_t k = 0; k < m_sets[i].size(); ++k) {
      if (k > 0) {
        out += ' ';
      }
      out += comparator_value(m_sets[i][k]);
    }
  }
  return out;
}

util::Result<Range> parse_range(std::string_view text, Options options) {
  if (text.size() > k_max_range_length) {
    return util::input_error("invalid npm range '{}...': longer than {} characters",
                             text.substr(0, 32), k_max_range_length);
  }
  std::string raw = join(split_ws(js_trim(text)), " ");
  Range range;
  range.m_options = options;
  for (const auto& part : split_literal(raw, "||")) {
    auto set = parse_set(js_trim(part), options);
    if (!set) {
      return util::input_error("invalid npm range '{}': {}", text, set.error().message);
    }
    if (!set->empty()) {
      range.m_sets.push_back(std::move(*set));
    }
  }
  if (range.m_sets.empty()) {
    return util::input_error("invalid npm range '{}': no valid comparator set", text);
  }
  auto is_null = [](const std::vector<Comparator>& s) {
    return comparator_value(s[0]) == "<0.0.0-0";
  };
  if (range.m_sets.size() > 1) {
    std::vector<std::vector<Comparator>> kept;
    for (auto& s : range.m_sets) {
      if (!is_null(s)) {
        kept.push_back(s);
      }
    }
    if (kept.empty()) {
      kept.push_back(range.m_sets.front());
    } else if (kept.size() > 1) {
      for (auto& s : kept) {
        if (s.size() == 1 && s[0].op == Comparator::Op::any) {
          std::vector<Comparator> only = s;
          kept.assign(1, std::move(only));
          break;
        }
      }
    }
    range.m_sets = std::move(kept);
  }
  return range;
}

util::Result<bool> satisfies(std::string_view version, std::string_view range,
                             const Options& options) {
  auto v = semver::parse(version, options.loose ? semver::Mode::loose : semver::Mode::strict);
  if (!v) {
    return util::input_error("{} (version)", v.error().message);
  }
  auto r = parse_range(range, options);
  if (!r) {
    return util::input_error("{} (range)", r.error().message);
  }
  return r->test(*v);
}

util::Result<bool> satisfies(std::string_view version, std::string_view range) {
  return satisfies(version, range, Options{});
}

}  // namespace strata::vercmp::npm_range
