#pragma once
// Line walking shared by the package databases made of blank-line-separated stanzas (dpkg
// status, apk installed): line by line, or stanza by stanza into a record.

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
  util::for_each_line(content, [&](std::string_view line) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (util::trim(line).empty()) {
      if (in_stanza) {
        on_stanza_end();
      }
      in_stanza = false;
      return;
    }
    in_stanza = true;
    on_line(line, line_no);
  });
  if (in_stanza) {
    on_stanza_end();
  }
}

// Reads each stanza into a fresh Record (a struct with a `std::size_t line` member).
// read_line(record, line, line_no) is called for every non-blank line and returns whether the
// line belongs to the record (false: ignored, like a dpkg continuation line); `record.line` is
// the number of the first line that did. After a stanza with at least one such line,
// on_record(record) is called.
template <typename Record, typename ReadLine, typename OnRecord>
void for_each_stanza_record(std::string_view content, ReadLine&& read_line, OnRecord&& on_record) {
  Record record;
  bool started = false;
  auto on_line = [&](std::string_view line, std::size_t line_no) {
    if (read_line(record, line, line_no) && !started) {
      started = true;
      record.line = line_no;
    }
  };
  auto on_stanza_end = [&] {
    if (started) {
      on_record(record);
    }
    record = Record{};
    started = false;
  };
  for_each_stanza_line(content, on_line, on_stanza_end);
}

}  // namespace strata::detect
