// A layer blob (layer/analyze.hpp) read as a scan reads it: gzip or zstd or plain tar, entry
// names, pax headers, whiteouts, hard links and symlinks, with the scan's file selection (package
// databases kept, language files extracted). The analysis is then merged (layer/merge.hpp) as a
// lower and an upper layer, and the OS and its packages are detected in the merged view
// (detect/detect.hpp). The whole input is the blob.
#include <string>
#include <vector>

#include "common.hpp"
#include "detect/catalog.hpp"
#include "detect/detect.hpp"
#include "detect/lang/extract.hpp"
#include "layer/analyze.hpp"
#include "layer/merge.hpp"
#include "util/stream.hpp"

namespace {

using namespace strata;

const layer::ReadOptions& options() {
  static const layer::ReadOptions o = [] {
    layer::ReadOptions r;
    r.wants = detect::wants_path;
    r.accepts = detect::keep_content;
    r.size_limit = detect::kept_size_limit;
    r.extracts = detect::lang::is_language_file;
    r.extracts_head = detect::lang::is_executable_head;
    r.extract = detect::lang::extract_language_packages;
    return r;
  }();
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  util::MemoryInputStream blob(std::span(reinterpret_cast<const std::byte*>(data), size), "fuzz");
  auto analysis = layer::analyze_layer(blob, options());
  if (!analysis.ok()) {
    return 0;
  }
  (void)layer::replaced_in(*analysis, "/etc/os-release");
  vfs::MemFs merged = layer::merge_layers({&*analysis, &*analysis});
  std::vector<std::string> warnings;
  const model::OsInfo os = detect::detect_os(merged, warnings);
  (void)detect::detect_packages(merged, os, warnings);
  return 0;
}
