// False positives: every regular file of the real image layers in testdata/images (Alpine
// minirootfs 3.18/3.20 amd64 and arm64, Debian bookworm's dpkg metadata and hello, the rpm
// fixtures) is scanned -- also the files the global allow rules keep from the scanner (docs,
// package databases, certificates, ...) -- and nothing may be found. A rule that trips on a
// real file gets fixed, not this test.
//
// Also a benchmark, hidden from ctest: `unit_secret "[.bench]"` prints the scan throughput over
// the text files of these layers.

#include <catch2/catch.hpp>

#include <archive.h>
#include <archive_entry.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include "fixtures.hpp"

using namespace strata;
using namespace strata::secret;
using namespace strata::secret::testing;

namespace {

struct File {
  std::string path;
  std::string content;
};

// The regular files of a layer blob (any compression libarchive knows); empty for a blob that
// is not a tar stream (manifests, configs, indexes).
std::vector<File> layer_files(const std::string& blob) {
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  std::vector<File> files;
  if (archive_read_open_filename(a.get(), blob.c_str(), 1 << 16) != ARCHIVE_OK) {
    return files;
  }
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a.get(), &entry) == ARCHIVE_OK) {
    if (archive_entry_filetype(entry) != AE_IFREG) {
      continue;
    }
    File f;
    f.path = archive_entry_pathname(entry);
    f.content.resize(static_cast<std::size_t>(archive_entry_size(entry)));
    auto n = archive_read_data(a.get(), f.content.data(), f.content.size());
    if (n < 0) {
      break;  // the deliberately truncated layer of oci-alpine:insert-truncated
    }
    f.content.resize(static_cast<std::size_t>(n));
    files.push_back(std::move(f));
  }
  return files;
}

std::vector<File> image_files() {
  std::vector<File> all;
  for (auto layout : {"oci-alpine", "oci-debian-dpkgmeta", "oci-rpm"}) {
    auto blobs =
        std::filesystem::path(STRATA_TESTDATA_DIR) / "images" / layout / "blobs" / "sha256";
    for (const auto& blob : std::filesystem::directory_iterator(blobs)) {
      auto files = layer_files(blob.path().string());
      std::move(files.begin(), files.end(), std::back_inserter(all));
    }
  }
  return all;
}

}  // namespace

TEST_CASE("no finding in the real image layers of testdata/images") {
  auto files = image_files();
  // The layers hold hundreds of regular files: Alpine's busybox, apk database and certificates,
  // Debian's dpkg database, maintainer scripts and licences.
  REQUIRE(files.size() > 700);
  // The built-in rules without the global allow rules' paths.
  RuleSet everything = builtin_rules();
  std::erase_if(everything.allow_rules, [](const AllowRule& a) { return !a.path.empty(); });
  auto unfiltered = Scanner::create(everything);
  REQUIRE(unfiltered);
  std::size_t wanted = 0;
  std::size_t text = 0;
  std::vector<model::Secret> findings;
  for (const auto& f : files) {
    wanted += builtin_scanner().wants(f.path, f.content.size()) ? 1 : 0;
    text += f.content.substr(0, 8192).find('\0') == std::string::npos ? 1 : 0;
    REQUIRE(unfiltered->wants(f.path, f.content.size()));
    unfiltered->scan(f.path, f.content, findings);
  }
  for (const auto& s : findings) {
    UNSCOPED_INFO(s.path << ":" << s.line << " " << s.rule_id << " " << s.match);
  }
  CHECK(findings.empty());
  CHECK(text > 500);
  CHECK(wanted < files.size());  // CA certificates, locales, libraries, ...
}

TEST_CASE("scan throughput", "[.bench]") {
  auto files = image_files();
  std::string corpus;
  for (const auto& f : files) {
    if (f.content.substr(0, 8192).find('\0') == std::string::npos) {
      corpus += f.content;
    }
  }
  // ~64 MiB of real text: the corpus repeated.
  std::string big;
  while (big.size() < (64u << 20)) {
    big += corpus;
  }
  auto time = [&](const char* what, auto&& run) {
    auto start = std::chrono::steady_clock::now();
    run();
    std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
    std::cout << what << ": " << static_cast<double>(big.size()) / (1 << 20) / s.count()
              << " MiB/s\n";
  };
  std::vector<model::Secret> out;
  time("one 64 MiB text file", [&] { builtin_scanner().scan("/app/big.txt", big, out); });
  std::cout << "  findings: " << out.size() << "\n";
  // The same bytes cut into files of the corpus' sizes (per-file costs included; a path
  // outside every allow rule, so that each file is scanned).
  time("the same as files", [&] {
    std::size_t pos = 0;
    while (pos < big.size()) {
      for (const auto& f : files) {
        if (pos >= big.size()) {
          break;
        }
        auto n = std::min(f.content.size(), big.size() - pos);
        out.clear();
        builtin_scanner().scan("/app/file", std::string_view(big).substr(pos, n), out);
        pos += n;
      }
    }
  });
  // The layers' own files, as a layer scan sees them: wants() first, then scan() (20 rounds).
  std::size_t bytes = 0;
  auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < 20; ++round) {
    for (const auto& f : files) {
      bytes += f.content.size();
      if (builtin_scanner().wants(f.path, f.content.size())) {
        out.clear();
        builtin_scanner().scan(f.path, f.content, out);
      }
    }
  }
  std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
  std::cout << "the layers' files (text and binary) through wants() and scan(): "
            << static_cast<double>(bytes) / (1 << 20) / s.count() << " MiB/s\n";
  std::string no_keywords(64u << 20, 'a');
  for (std::size_t i = 0; i < no_keywords.size(); i += 80) {
    no_keywords[i] = '\n';
  }
  std::swap(big, no_keywords);
  time("64 MiB without any keyword (the prefilter alone)",
       [&] { builtin_scanner().scan("/app/a.txt", big, out); });
}
