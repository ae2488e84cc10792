#pragma once
// Line walking shared by the package databases made of blank-line-separated stanzas (dpkg
// status, apk installed).

#include <cstddef>
#include <string_view>

#include "util/strings.hpp"

namespace strata::detect {

// Calls on_line(line, line_no) for every non-blank line (a trailing '\r' stripped, line numbers
// from 1) and on_stanza_end() after each run of non-blank lines, including a last one that is
// not followed by a blank line.
template <typename OnLine, typename OnStanzaEnd>
void for_each_stanza_line(std::string_view content, OnLine&& on_line, OnStanzaEnd&& on_stanza_end) {
  std::size_t line_no = 0;
  bool in_stanza = false;
  for (auto line : util::split(content, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (util::trim(line).empty()) {
      if (in_stanza) {
        on_stanza_end();
      }
      in_stanza = false;
      continue;
    }
    in_stanza = true;
    on_line(line, line_no);
  }
  if (in_stanza) {
    on_stanza_end();
  }
}

}  // namespace strata::detect
