#pragma once
// Orchestration of one scan: image source -> layers (read once, streamed) -> merged view ->
// OS and package detection -> layer attribution -> matching against the vulnerability database
// -> ScanResult. No printing: progress goes through a callback, the result to report writers.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "image/reference.hpp"
#include "model/types.hpp"
#include "registry/client.hpp"
#include "util/result.hpp"

namespace strata::scan {

struct Options {
  std::string input_path;               // image archive or OCI layout on disk
  // When input_path is empty: the image to pull from a registry, and how to talk to it.
  std::optional<image::Reference> reference;
  registry::RegistryOptions registry;
  std::string tag;                      // pick an image in a multi-image archive
  std::string platform = "linux/amd64"; // pick a manifest in an index
  std::string db_dir;                   // vulnerability database directory
  bool packages_only = false;           // skip matching (no database needed)
  bool ignore_unfixed = false;          // drop findings that have no fixed version
  std::uint64_t max_file_size = 32u << 20;
  // Called with a short description of each step ("reading layer 2/3 sha256:..").
  std::function<void(std::string_view)> progress;
};

// Scans an image from disk (input_path) or from a registry (reference). Errors: unreadable or invalid image (input), missing database
// (input, unless packages_only). Problems that do not invalidate the scan (a corrupt package
// entry, an OS the database has no data for) are warnings in the result.
util::Result<model::ScanResult> scan_image(const Options& options);

}  // namespace strata::scan
