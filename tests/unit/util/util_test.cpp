#include <catch2/catch.hpp>

#include "support/temp_dir.hpp"
#include "util/file.hpp"
#include "util/hash.hpp"
#include "util/parallel.hpp"
#include "util/result.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"
#include "util/warnings.hpp"

using namespace strata::util;

TEST_CASE("sha256 of known inputs") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 h;
  h.update("a");
  h.update("bc");
  CHECK(h.hex_digest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("parse_digest accepts sha256 only") {
  auto d = parse_digest("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  REQUIRE(d.ok());
  CHECK(d->str() == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK_FALSE(parse_digest("sha512:abc").ok());
  CHECK_FALSE(parse_digest("sha256:E3B0").ok());
  CHECK_FALSE(parse_digest("nocolon").ok());
}

TEST_CASE("Result carries value or error") {
  Result<int> ok = 5;
  Result<int> bad = input_error("bad {}", 1);
  CHECK(ok.ok());
  CHECK(*ok == 5);
  CHECK_FALSE(bad.ok());
  CHECK(bad.error().message == "bad 1");
  CHECK(bad.error().wrap("ctx").message == "ctx: bad 1");
}

TEST_CASE("string helpers") {
  CHECK(trim("  a b \n") == "a b");
  CHECK(split("a,,b", ',').size() == 3);
  CHECK(to_lower("AbC") == "abc");
  CHECK(iequals("HeLLo", "hello"));
}

TEST_CASE("atomic write then read") {
  char tmpl[] = "/tmp/strata-util-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  std::string path = std::string(tmpl) + "/f.txt";
  REQUIRE(write_file_atomic(path, "hello").ok());
  auto r = read_file(path);
  REQUIRE(r.ok());
  CHECK(*r == "hello");
  CHECK_FALSE(read_file(path, 2).ok());
  CHECK_FALSE(read_file(std::string(tmpl) + "/missing").ok());
  std::remove(path.c_str());
  rmdir(tmpl);
}

TEST_CASE("TempFile: removed unless renamed into place or kept") {
  strata::test_support::TempDir dir("strata-util");
  auto is_file = [](const std::string& p) { return is_regular_file(p); };
  std::string dropped;
  {
    auto t = TempFile::create(dir.sub("a.tmp."));
    REQUIRE(t.ok());
    REQUIRE(t->write("x").ok());
    dropped = t->path();
    CHECK(is_file(dropped));
  }
  CHECK_FALSE(is_file(dropped));  // destroyed: removed
  {
    auto t = TempFile::create(dir.sub("b.tmp."));
    REQUIRE(t.ok());
    REQUIRE(t->write("hello").ok());
    REQUIRE(t->sync_and_close().ok());
    REQUIRE(t->rename_to(dir.sub("b")).ok());
  }
  CHECK(*read_file(dir.sub("b")) == "hello");  // renamed: stays
  std::string kept;
  {
    auto t = TempFile::create(dir.sub("c.tmp."));
    REQUIRE(t.ok());
    REQUIRE(t->write("kept").ok());
    auto k = t->keep();
    REQUIRE(k.ok());
    kept = *k;
  }
  CHECK(*read_file(kept) == "kept");  // kept: stays under its temp name
  {
    auto t = TempFile::create(dir.sub("d.tmp."));
    REQUIRE(t.ok());
    std::string name = t->path();
    t->unlink();
    CHECK_FALSE(is_file(name));  // unlinked at once, the descriptor still writes
    CHECK(t->write("scratch").ok());
  }
  auto bad = TempFile::create(dir.sub("missing/e.tmp."));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find(dir.sub("missing") + ": cannot create a temp file") == 0);
}

TEST_CASE("parse_rfc3339: forms OSV records and image configs use") {
  using strata::util::parse_rfc3339;
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339("2024-01-01T00:00:00Z") == 1704067200);
  CHECK(parse_rfc3339("2024-01-01") == 1704067200);
  CHECK(parse_rfc3339("2024-01-01T00:00:00.123456789Z") == 1704067200);
  CHECK(parse_rfc3339("2024-01-01t01:00:00+01:00") == 1704067200);
  CHECK(parse_rfc3339("2023-12-31 23:00:00-01:00") == 1704067200);
  CHECK(parse_rfc3339("2024-02-29T00:00:00Z") == 1709164800);
  CHECK(parse_rfc3339("1969-12-31T23:59:59Z") == -1);
  for (const char* bad : {"", "2024", "2024-13-01", "2023-02-29", "2024-01-01T24:00:00Z",
                          "2024-01-01T00:00:00", "2024-01-01T00:00:00.Z", "2024-01-01X",
                          "2024-01-01T00:00:00+0100", "2024-1-01T00:00:00Z"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_rfc3339(bad).has_value());
  }
}

TEST_CASE("read_file_head: the first bytes, fewer for a short file, an error naming the path") {
  strata::test_support::TempDir tmp;
  REQUIRE(write_file_atomic(tmp.sub("f"), "PK\x03\x04rest"));
  REQUIRE(write_file_atomic(tmp.sub("short"), "PK"));
  REQUIRE(write_file_atomic(tmp.sub("empty"), ""));
  auto head = read_file_head(tmp.sub("f"), 4);
  REQUIRE(head);
  CHECK(*head == "PK\x03\x04");
  CHECK(read_file_head(tmp.sub("short"), 4).value() == "PK");
  CHECK(read_file_head(tmp.sub("empty"), 4).value().empty());
  auto missing = read_file_head(tmp.sub("missing"), 4);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == tmp.sub("missing") + ": No such file or directory");
}

TEST_CASE("printable escapes control characters and cuts long strings", "[util]") {
  using strata::util::printable;
  CHECK(printable("plain text, UTF-8: é 日本") == "plain text, UTF-8: é 日本");
  CHECK(printable("a\nstrata: note: scan OK") == "a\\nstrata: note: scan OK");
  CHECK(printable("\x1b[31mred\x1b[0m\r\t") == "\\x1b[31mred\\x1b[0m\\r\\t");
  CHECK(printable(std::string("nul\0byte", 8)) == "nul\\x00byte");
  CHECK(printable("del\x7f") == "del\\x7f");
  CHECK(printable("c1 \xc2\x9b"
                  "2J") == "c1 \\u009b2J");  // U+009B CSI
  CHECK(printable("bad \xff\xfe utf8 \xc3") == "bad \\xff\\xfe utf8 \\xc3");
  CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a UTF-16 surrogate is not UTF-8
  CHECK(printable(std::string(10, 'a'), 4) == "aaaa...(10 bytes)");
  CHECK(printable("ab日本", 4) == "ab...(8 bytes)");  // cut on a character boundary
  CHECK(strata::util::is_printable("ok"));
  CHECK_FALSE(strata::util::is_printable("no\n"));
}

TEST_CASE("file warnings keep the first ones and count the rest", "[util]") {
  std::vector<std::string> out{"earlier"};
  {
    strata::util::FileWarnings w(out, "/var/lib/dpkg/status", 3);
    for (int i = 0; i < 10; ++i) {
      w.add("line {}", i);
    }
    CHECK(w.full());
  }
  REQUIRE(out.size() == 5);
  CHECK(out[1] == "line 0");
  CHECK(out[3] == "line 2");
  CHECK(out[4] == "/var/lib/dpkg/status: 7 more warnings like these not shown");

  std::vector<std::string> many(1500, "w");
  strata::util::cap_warnings(many);
  REQUIRE(many.size() == strata::util::k_warnings_per_scan + 1);
  CHECK(many.back() == "500 more warnings not shown (at most 1000 are reported)");
  std::vector<std::string> few(3, "w");
  strata::util::cap_warnings(few);
  CHECK(few.size() == 3);
}

TEST_CASE("for_each_line gives what split gives", "[util]") {
  for (std::string_view s : {"", "a", "a\n", "a\nb", "\n\n", "x\ny\n\nz"}) {
    std::vector<std::string_view> got;
    strata::util::for_each_line(s, [&](std::string_view line) { got.push_back(line); });
    CHECK(got == strata::util::split(s, '\n'));
  }
}

TEST_CASE("a quota says when its total passes the limit", "[util]") {
  strata::util::Quota q(100);
  CHECK(q.take(60));
  CHECK(q.take(40));
  CHECK_FALSE(q.take(1));
  CHECK(q.used() == 101);
}
