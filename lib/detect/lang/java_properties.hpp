#pragma once
// Java .properties text, read as java.util.Properties.load(InputStream) reads it (Maven writes
// pom.properties this way):
//  - bytes are ISO-8859-1 characters; the result is UTF-8;
//  - natural lines end at LF, CR or CRLF; leading blanks (space, tab, form feed) are skipped;
//    a line whose first non-blank character is '#' or '!' is a comment (even if it ends with a
//    backslash); blank lines are skipped;
//  - a line ending with an odd number of backslashes continues on the next natural line, whose
//    leading blanks are dropped (the backslash is dropped too, also at the end of the text);
//  - the key ends at the first unescaped '=', ':' or blank; blanks, one optional '=' or ':',
//    and blanks again separate it from the value ("k=v", "k: v", "k v", "k" = empty value);
//  - escapes in keys and values: \t \n \r \f, \uXXXX (UTF-16, surrogate pairs combined, a lone
//    surrogate becomes U+FFFD), and backslash + any other character = that character;
//  - a later key replaces an earlier one.
// Java rejects the whole file on a malformed \uXXXX; here it is kept as the literal text and
// reported in `malformed_escape`.

#include <map>
#include <string>
#include <string_view>

namespace strata::detect::lang {

struct JavaProperties {
  std::map<std::string, std::string> values;
  bool malformed_escape = false;  // a "\u" not followed by four hex digits
};

// Never fails: any byte string reads as some (maybe empty) set of properties.
JavaProperties parse_java_properties(std::string_view text);

}  // namespace strata::detect::lang
