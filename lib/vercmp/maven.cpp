// Maven ComparableVersion, transcribed from apache/maven
// compat/maven-artifact/.../versioning/ComparableVersion.java (parseVersion, ListItem.normalize,
// the compareTo of each item type). The Java code works on UTF-16; we decode UTF-8 into code
// points and reproduce the places where the difference shows (Character.isDigit on a BMP char,
// String.compareTo in code-unit order).
#include "vercmp/maven.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "vercmp/scheme_util.hpp"

namespace strata::vercmp::maven {
namespace {

constexpr std::size_t k_max_utf16_length = 256;  // ComparableVersion.MAX_VERSION_LENGTH
constexpr int k_release_rank = 5;
constexpr int k_unknown_rank = 7;

// --- UTF-8 ---------------------------------------------------------------------------------------

// Decodes `s` into code points; false on malformed UTF-8 (overlongs, surrogates, > U+10FFFF).
bool decode_utf8(std::string_view s, std::u32string& out) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto b0 = static_cast<unsigned char>(s[i]);
    char32_t cp = 0;
    std::size_t len = 0;
    if (b0 < 0x80) {
      cp = b0;
      len = 1;
    } else if ((b0 & 0xE0) == 0xC0) {
      cp = b0 & 0x1F;
      len = 2;
    } else if ((b0 & 0xF0) == 0xE0) {
      cp = b0 & 0x0F;
      len = 3;
    } else if ((b0 & 0xF8) == 0xF0) {
      cp = b0 & 0x07;
      len = 4;
    } else {
      return false;
    }
    if (i + len > s.size()) {
      return false;
    }
    for (std::size_t k = 1; k < len; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr char32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < k_min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    out.push_back(cp);
    i += len;
  }
  return true;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Next code point of valid UTF-8 at `i` (advancing it); 0 at the end.
char32_t next_cp(std::string_view s, std::size_t& i) {
  if (i >= s.size()) {
    return 0;
  }
  auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = b0 < 0x80 ? 1 : (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : 4;
  char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (std::size_t k = 1; k < len; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  }
  i += len;
  return cp;
}

// A key whose order is UTF-16 code-unit order: supplementary characters (surrogate pairs,
// 0xD800..) sort between U+D7FF and U+E000.
std::uint32_t utf16_order_key(char32_t cp) {
  if (cp < 0xD800) {
    return cp;
  }
  if (cp >= 0x10000) {
    return 0xD800 + (cp - 0x10000);
  }
  return cp + 0x110000;
}

// Java's String.compareTo on the UTF-16 forms of two valid UTF-8 strings (sign only).
int compare_utf16(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    std::uint32_t ka = utf16_order_key(next_cp(a, i));
    std::uint32_t kb = utf16_order_key(next_cp(b, j));
    if (ka != kb) {
      return ka < kb ? -1 : 1;
    }
  }
  if (i < a.size()) {
    return 1;
  }
  return j < b.size() ? -1 : 0;
}

// --- Character classes
// ----------------------------------------------------------------------------

// String.toLowerCase(Locale.ENGLISH) for ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic and
// fullwidth Latin; other characters are kept.
void append_lower(char32_t c, std::u32string& out) {
  if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
      (c >= 0x391 && c <= 0x3AB && c != 0x3A2) || (c >= 0x410 && c <= 0x42F) ||
      (c >= 0xFF21 && c <= 0xFF3A)) {
    out.push_back(c + 32);
  } else if (c == 0x130) {  // LATIN CAPITAL LETTER I WITH DOT ABOVE -> i + COMBINING DOT ABOVE
    out.push_back('i');
    out.push_back(0x307);
  } else if ((c >= 0x100 && c <= 0x137 && c % 2 == 0) || (c >= 0x139 && c <= 0x148 && c % 2 == 1) ||
             (c >= 0x14A && c <= 0x177 && c % 2 == 0) || (c >= 0x179 && c <= 0x17E && c % 2 == 1) ||
             (c >= 0x460 && c <= 0x481 && c % 2 == 0) || (c >= 0x48A && c <= 0x4BF && c % 2 == 0)) {
    out.push_back(c + 1);
  } else if (c == 0x178) {
    out.push_back(0xFF);
  } else if (c == 0x386) {
    out.push_back(0x3AC);
  } else if (c >= 0x388 && c <= 0x38A) {
    out.push_back(c + 37);
  } else if (c == 0x38C) {
    out.push_back(0x3CC);
  } else if (c == 0x38E || c == 0x38F) {
    out.push_back(c + 63);
  } else if (c >= 0x400 && c <= 0x40F) {
    out.push_back(c + 80);
  } else {
    out.push_back(c);
  }
}

// Character.isDigit(char) (Unicode Nd, BMP only): the digit's value, or -1.
int java_digit_value(char32_t c) {
  static constexpr std::array<char32_t, 24> k_zeros = {
      0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6,
      0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0,
      0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0xA620, 0xFF10};
  for (char32_t zero : k_zeros) {
    if (c >= zero && c <= zero + 9) {
      return static_cast<int>(c - zero);
    }
  }
  return -1;
}

bool is_ascii_digit(char32_t c) {
  return c >= '0' && c <= '9';
}

// --- Items
// ------------------------------------------------------------------------------------------

std::string strip_leading_zeroes(std::string digits) {
  std::size_t nz = digits.find_first_not_of('0');
  if (nz == std::string::npos) {
    return "0";
  }
  return digits.substr(nz);
}

Item make_zero() {
  Item item;
  item.kind = Item::Kind::number;
  item.digits = "0";
  return item;
}

Item make_list() {
  Item item;
  item.kind = Item::Kind::list;
  return item;
}

// StringItem(value, followedByDigit): shorthand expansion, the cr alias, and the rank.
void set_qualifier(Item& item, std::u32string_view value, bool followed_by_digit) {
  std::string text;
  for (char32_t c : value) {
    append_utf8(text, c);
  }
  if (followed_by_digit && text.size() == 1) {
    if (text == "a") {
      text = "alpha";
    } else if (text == "b") {
      text = "beta";
    } else if (text == "m") {
      text = "milestone";
    }
  }
  if (text == "cr") {
    text = "rc";
  }
  static constexpr std::array<std::string_view, 7> k_qualifiers = {
      "alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
  item.rank = k_unknown_rank;
  for (std::size_t i = 0; i < k_qualifiers.size(); ++i) {
    if (text == k_qualifiers[i]) {
      item.rank = static_cast<int>(i);
    }
  }
  if (text == "ga" || text == "final" || text == "release") {
    item.rank = k_release_rank;
  }
  item.text = std::move(text);
}

// parseItem(isCombination, isDigit, buf).
util::Result<Item> parse_item(bool is_combination, bool is_digit, std::u32string_view buf) {
  Item item;
  if (is_combination) {
    std::u32string value;
    for (char32_t c : buf) {
      if (c != '-') {
        value.push_back(c);
      }
    }
    std::size_t index = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (java_digit_value(value[i]) >= 0) {
        index = i;
        break;
      }
    }
    item.kind = Item::Kind::combination;
    set_qualifier(item, std::u32string_view(value).substr(0, index), true);
    std::string digits;
    for (std::size_t i = index; i < value.size(); ++i) {
      int d = java_digit_value(value[i]);
      if (d < 0) {
        return util::input_error("number part of a qualifier is not a number");
      }
      digits.push_back(static_cast<char>('0' + d));
    }
    item.digits = strip_leading_zeroes(std::move(digits));
    return item;
  }
  if (is_digit) {
    item.kind = Item::Kind::number;
    std::string digits;
    for (char32_t c : buf) {
      digits.push_back(static_cast<char>(c));
    }
    item.digits = strip_leading_zeroes(std::move(digits));
    return item;
  }
  item.kind = Item::Kind::qualifier;
  set_qualifier(item, buf, false);
  return item;
}

bool is_null(const Item& item) {
  switch (item.kind) {
    case Item::Kind::number:
      return item.digits == "0";
    case Item::Kind::qualifier:
      return item.text.empty();
    case Item::Kind::combination:
      return false;
    case Item::Kind::list:
      return item.children.empty();
  }
  return false;
}

// ListItem.normalize().
void normalize(Item& list) {
  auto& items = list.children;
  for (std::size_t n = items.size(); n > 0; --n) {
    std::size_t i = n - 1;
    if (!is_null(items[i])) {
      continue;
    }
    if (i == items.size() - 1 || items[i + 1].kind == Item::Kind::qualifier) {
      items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (items[i + 1].kind == Item::Kind::list) {
      Item::Kind first = items[i + 1].children.front().kind;
      if (first == Item::Kind::combination || first == Item::Kind::qualifier) {
        items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
      }
    }
  }
  if (items.size() == 1 && items[0].kind == Item::Kind::list) {
    std::vector<Item> inner = std::move(items[0].children);
    items = std::move(inner);
  }
}

// --- Comparison
// -----------------------------------------------------------------------------------

int compare_numbers(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) {
    return a.size() < b.size() ? -1 : 1;
  }
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int number_vs_null(const std::string& digits) {
  return digits == "0" ? 0 : 1;
}

// StringItem.compareTo(StringItem) via comparableQualifier().
int compare_qualifiers(const Item& a, const Item& b) {
  if (a.rank != b.rank) {
    return a.rank < b.rank ? -1 : 1;
  }
  return a.rank == k_unknown_rank ? compare_utf16(a.text, b.text) : 0;
}

int qualifier_vs_null(const Item& a) {
  return a.rank < k_release_rank ? -1 : (a.rank > k_release_rank ? 1 : 0);
}

int compare_items(const Item& a, const Item* b);

int compare_list(const Item& a, const Item* b) {
  const auto& items = a.children;
  if (b == nullptr) {
    for (const Item& i : items) {
      if (int r = compare_items(i, nullptr); r != 0) {
        return r;
      }
    }
    return 0;
  }
  switch (b->kind) {
    case Item::Kind::number:
      return -1;  // 1-1 < 1.0.x
    case Item::Kind::qualifier:
    case Item::Kind::combination: {
      int r = items.empty() ? -compare_items(*b, nullptr) : compare_items(items[0], b);
      for (std::size_t i = 1; r == 0 && i < items.size(); ++i) {
        r = compare_items(items[i], nullptr);
      }
      return r;
    }
    case Item::Kind::list: {
      const auto& other = b->children;
      std::size_t n = std::max(items.size(), other.size());
      for (std::size_t i = 0; i < n; ++i) {
        const Item* l = i < items.size() ? &items[i] : nullptr;
        const Item* r = i < other.size() ? &other[i] : nullptr;
        int result =
            l == nullptr ? (r == nullptr ? 0 : -compare_items(*r, nullptr)) : compare_items(*l, r);
        if (result != 0) {
          return result;
        }
      }
      return 0;
    }
  }
  return 0;
}

int compare_items(const Item& a, const Item* b) {
  switch (a.kind) {
    case Item::Kind::number:
      if (b == nullptr) {
        return number_vs_null(a.digits);  // 1.0 == 1, 1.1 > 1
      }
      return b->kind == Item::Kind::number ? compare_numbers(a.digits, b->digits) : 1;
    case Item::Kind::qualifier:
      if (b == nullptr) {
        return qualifier_vs_null(a);  // 1-rc < 1, 1-sp > 1
      }
      switch (b->kind) {
        case Item::Kind::number:
          return -1;
        case Item::Kind::qualifier:
          return compare_qualifiers(a, *b);
        case Item::Kind::combination: {
          int r = compare_qualifiers(a, *b);
          if (r == 0) {
            return qualifier_vs_null(a) == 0 ? -number_vs_null(b->digits) : -1;
          }
          return r;
        }
        case Item::Kind::list:
          return -compare_list(*b, &a);
      }
      return 0;
    case Item::Kind::combination:
      if (b == nullptr) {
        int r = qualifier_vs_null(a);  // 1-rc1 < 1, 1-ga1 > 1
        return r == 0 ? number_vs_null(a.digits) : r;
      }
      switch (b->kind) {
        case Item::Kind::number:
          return -1;
        case Item::Kind::qualifier: {
          int r = compare_qualifiers(a, *b);
          if (r == 0) {
            return qualifier_vs_null(a) == 0 ? number_vs_null(a.digits) : 1;  // X1 > X
          }
          return r;
        }
        case Item::Kind::list:
          return -compare_list(*b, &a);
        case Item::Kind::combination: {
          int r = compare_qualifiers(a, *b);
          return r == 0 ? compare_numbers(a.digits, b->digits) : r;
        }
      }
      return 0;
    case Item::Kind::list:
      return compare_list(a, b);
  }
  return 0;
}

void append_canonical(const Item& item, std::string& out) {
  switch (item.kind) {
    case Item::Kind::number:
      out += item.digits;
      return;
    case Item::Kind::qualifier:
      out += item.text;
      return;
    case Item::Kind::combination:
      out += item.text;
      out += item.digits;
      return;
    case Item::Kind::list: {
      std::string buffer;
      for (const Item& child : item.children) {
        if (!buffer.empty()) {
          buffer.push_back(child.kind == Item::Kind::list ? '-' : '.');
        }
        append_canonical(child, buffer);
      }
      out += buffer;
      return;
    }
  }
}

// --- Parsing -----------------------------------------------------------------------------------

// The code points of `text`, lower-cased as String.toLowerCase(Locale.ENGLISH) does; an error when
// it is empty, not UTF-8, or longer than ComparableVersion allows (in UTF-16 units).
util::Result<std::u32string> lowered_code_points(std::string_view text) {
  if (text.empty()) {
    return util::input_error("empty");
  }
  std::u32string raw;
  if (!decode_utf8(text, raw)) {
    return util::input_error("not valid UTF-8");
  }
  std::size_t utf16_length = 0;
  for (char32_t c : raw) {
    utf16_length += c >= 0x10000 ? 2 : 1;
  }
  if (utf16_length > k_max_utf16_length) {
    return util::input_error("longer than {} characters", k_max_utf16_length);
  }
  std::u32string lowered;
  lowered.reserve(raw.size());
  for (char32_t c : raw) {
    append_lower(c, lowered);
  }
  return lowered;
}

// ComparableVersion.parseVersion's character loop: its locals are the members, each branch of
// the loop (on '.', on '-', on an ASCII digit, on anything else) is a method, and finish() is
// what follows the loop. Holds pointers into itself: use once, in place.
class Parser {
 public:
  explicit Parser(std::u32string lowered) : m_v(std::move(lowered)) {}
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  util::Result<Version> run() {
    for (std::size_t i = 0; i < m_v.size(); ++i) {
      char32_t c = m_v[i];
      if (c == '.') {
        TRY(on_dot(i));
      } else if (c == '-') {
        TRY(on_hyphen(i));
      } else if (is_ascii_digit(c)) {
        on_digit(i);
      } else {
        TRY(on_other(i));
      }
    }
    TRY(finish());
    return std::move(m_version);
  }

 private:
  // A new list as the last child of the current one, which it then becomes. So the lists form
  // one chain and the pointers in m_stack stay valid: nothing is ever appended to a list above
  // the current one.
  void open_list() {
    m_list->children.push_back(make_list());
    m_list = &m_list->children.back();
    m_stack.push_back(m_list);
  }
  void open_list_unless_empty() {
    if (!m_list->children.empty()) {
      open_list();
    }
  }
  // parseItem on [m_start, to), added to the current list.
  util::Status add_item(std::size_t to) {
    TRY_ASSIGN(Item item, parse_item(m_is_combination, m_is_digit,
                                     std::u32string_view(m_v).substr(m_start, to - m_start)));
    m_list->children.push_back(std::move(item));
    return {};
  }
  // An empty item is a zero ("1..2" is 1.0.2).
  util::Status add_item_or_zero(std::size_t to) {
    if (to == m_start) {
      m_list->children.push_back(make_zero());
      return {};
    }
    return add_item(to);
  }

  util::Status on_dot(std::size_t i) {
    TRY(add_item_or_zero(i));
    m_is_combination = false;
    m_start = i + 1;
    return {};
  }
  util::Status on_hyphen(std::size_t i) {
    // X-1 is treated as X1 (Character.isDigit on the next UTF-16 unit: BMP only)
    if (i != m_start && !m_is_digit && i != m_v.size() - 1 && m_v[i + 1] < 0x10000 &&
        java_digit_value(m_v[i + 1]) >= 0) {
      m_is_combination = true;
      return {};
    }
    TRY(add_item_or_zero(i));
    m_start = i + 1;
    open_list_unless_empty();
    m_is_combination = false;
    return {};
  }
  void on_digit(std::size_t i) {
    if (!m_is_digit && i > m_start) {
      m_is_combination = true;  // X1
      open_list_unless_empty();
    }
    m_is_digit = true;
  }
  util::Status on_other(std::size_t i) {
    if (m_is_digit && i > m_start) {
      TRY(add_item(i));
      m_start = i;
      open_list();
      m_is_combination = false;
    }
    m_is_digit = false;
    return {};
  }
  util::Status finish() {
    if (m_v.size() > m_start) {
      // 1.0.0.X1 < 1.0.0-X2: treat .X as -X for any string qualifier X
      if (!m_is_digit) {
        open_list_unless_empty();
      }
      TRY(add_item(m_v.size()));
    }
    for (auto it = m_stack.rbegin(); it != m_stack.rend(); ++it) {
      normalize(**it);
    }
    return {};
  }

  std::u32string m_v;
  Version m_version;
  Item* m_list = &m_version.root;  // the list items are added to
  std::vector<Item*> m_stack{m_list};
  bool m_is_digit = false;
  bool m_is_combination = false;
  std::size_t m_start = 0;  // where the current item began
};

util::Result<Version> parse_impl(std::string_view text) {
  TRY_ASSIGN(std::u32string lowered, lowered_code_points(text));
  Parser parser(std::move(lowered));
  return parser.run();
}

}  // namespace

util::Result<Version> parse(std::string_view text) {
  return scheme_util::parse_with("maven", parse_impl, text);
}

int compare(const Version& left, const Version& right) {
  return compare_items(left.root, &right.root);
}

std::string canonical(const Version& version) {
  std::string out;
  append_canonical(version.root, out);
  return out;
}

util::Result<int> compare_strings(std::string_view left, std::string_view right) {
  return scheme_util::compare_with("maven", parse_impl, compare, left, right);
}

util::Status validate(std::string_view version) {
  return scheme_util::validate_with(parse, version);
}

}  // namespace strata::vercmp::maven
