#pragma once
// Orchestration of one scan: image source -> layers (read once, streamed) -> merged view ->
// OS and package detection -> layer attribution -> matching against the vulnerability database
// -> ScanResult. No printing: progress goes through a callback, the result to report writers.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docker/engine.hpp"
#include "host/host_fs.hpp"
#include "image/reference.hpp"
#include "layer/analyze.hpp"
#include "model/types.hpp"
#include "policy/policy.hpp"
#include "registry/client.hpp"
#include "scan/package_types.hpp"
#include "scan/secret_hooks.hpp"
#include "util/decode.hpp"
#include "util/result.hpp"

namespace strata::cache {
class LayerCache;
}

namespace strata::scan {

// An image found in a local engine (find_in_engines).
struct EngineImage {
  std::shared_ptr<docker::EngineClient> client;  // connected
  std::string name;
  docker::ImageInspect inspect;
};

// The first of `endpoints` that answers and has image `name`; nullopt when none has it, with one
// note per engine asked in `notes` ("unix:///var/run/docker.sock: no such image", or why it did
// not answer). Engines that do not answer are skipped, unless `must_answer` (the user named the
// engine: docker:NAME) and none answered: then the first one's error is returned.
util::Result<std::optional<EngineImage>> find_in_engines(
    const std::vector<docker::Endpoint>& endpoints, const std::string& name, bool must_answer,
    const http::ClientOptions& http, std::vector<std::string>& notes);

// What a scan demands of its database (--db-max-age, --fail-on-stale-db, --fail-on-unsupported).
struct DbPolicy {
  // A database built longer ago than this is stale: a warning in the result, or with
  // fail_on_stale an input error before the image is read ("run `strata db update`").
  std::optional<std::int64_t> max_age_seconds;
  bool fail_on_stale = false;
  // An OS that was detected but that the database has no data for (its ecosystem not imported,
  // or a distribution with no OSV feed) is an input error instead of a warning. An image with no
  // recognisable OS at all is not failed. Language packages (PyPI, Go, ...) whose ecosystem the
  // database has no data for are an input error the same way. Ignored with packages_only.
  bool fail_on_unsupported = false;
};

// Applies `policy.max_age_seconds` to a database built at `built` (RFC 3339) as of `now` (Unix
// seconds): a warning to add to the result (nullopt when fresh or no maximum is set), or the
// error when the policy says to fail. A build time that does not parse counts as stale.
util::Result<std::optional<std::string>> check_db_age(const std::string& built,
                                                      const DbPolicy& policy, std::int64_t now);

struct Options {
  std::string input_path;             // image archive or OCI layout on disk
  std::optional<EngineImage> engine;  // else: an image of a local engine
  // When input_path is empty: the image to pull from a registry, and how to talk to it.
  std::optional<image::Reference> reference;
  registry::RegistryOptions registry;
  std::string tag;                       // pick an image in a multi-image archive
  std::string platform = "linux/amd64";  // pick a manifest in an index
  std::string db_dir;                    // vulnerability database directory
  bool packages_only = false;            // skip matching (no database needed)
  bool ignore_unfixed = false;           // drop findings that have no fixed version
  // Applied to the findings after matching (policy::apply): --severity, ignore file, VEX.
  policy::Policy policy;
  // What is reported (--pkg-types): packages of the other kind are dropped after detection,
  // before matching (the layers are read the same way: the layer cache stays valid for both).
  PackageTypes pkg_types;
  DbPolicy db_policy;
  std::uint64_t max_file_size = 32u << 20;
  util::GzipDecoder gzip = util::GzipDecoder::automatic;  // STRATA_GZIP_DECODER
  int parallel = 4;  // --parallel: layers read at once from disk (registry: registry.parallel)
  // Bounds against hostile images (--max-layer-mb, --max-compression-ratio, --max-kept-mb):
  // layer::ReadOptions::max_layer_size and max_ratio, and what the image's layers may keep
  // (layer::ReadOptions::kept; cached analyses count too).
  static constexpr std::uint64_t k_default_max_layer_size =
      layer::ReadOptions::k_default_max_layer_size;
  static constexpr std::uint64_t k_default_max_ratio = layer::ReadOptions::k_default_max_ratio;
  static constexpr std::uint64_t k_default_max_kept = 192u << 20;
  std::uint64_t max_layer_size = k_default_max_layer_size;
  std::uint64_t max_ratio = k_default_max_ratio;
  std::uint64_t max_kept = k_default_max_kept;
  // --base-image: the image the scanned one is built on (resolved like the scanned image; only
  // its config is read, never its layers, except in an archive). The scanned image's layers from
  // the bottom that are the base's own (same diff_ids, in order) mark their packages and
  // findings in_base_image; without a base, in_base_image stays unset.
  struct BaseImage {
    std::string name;  // as given, for messages
    std::string input_path;
    std::optional<EngineImage> engine;
    std::optional<image::Reference> reference;
    registry::RegistryOptions registry;
  };
  std::optional<BaseImage> base_image;
  // Secrets (--scanners secret): nullopt = not looked for (ScanResult::secrets_scanned false).
  std::optional<SecretHooks> secrets;
  // The layer cache (cache/layer_cache.hpp): its directory ("" = no cache), size cap, and the
  // HMAC key records are signed with (nullopt: checksums only). A cache that cannot be opened
  // is a warning; the scan goes on without it.
  std::string layer_cache_dir;
  std::uint64_t cache_max_bytes = 1000ull << 20;
  std::optional<std::string> cache_key;
  // A layer cache opened already (open_layer_cache) to use instead of opening layer_cache_dir:
  // a process that scans many images (`strata registry`) keeps one open.
  std::shared_ptr<cache::LayerCache> open_cache;
  // Called with a short description of each step ("reading layer 2/3 sha256:..").
  std::function<void(std::string_view)> progress;
};

// The layer cache of `options` (layer_cache_dir, cache_max_bytes, cache_key), opened; nullptr
// when there is none or it cannot be opened (a warning: scans then go on without it).
std::shared_ptr<cache::LayerCache> open_layer_cache(const Options& options);

// Scans an image from disk (input_path) or from a registry (reference). Errors: unreadable or
// invalid image (input), missing database (input, unless packages_only). Problems that do not
// invalidate the scan (a corrupt package entry, an OS the database has no data for) are warnings in
// the result.
util::Result<model::ScanResult> scan_image(const Options& options);

// A live root filesystem: a host, a chroot, a debootstrap tree, a mounted disk.
struct RootfsOptions {
  std::string root;            // the directory to scan
  bool host = false;           // a live host: kind "host", host name, running kernel
  std::string proc = "/proc";  // where the running kernel's release is read (host only)
  host::HostFsOptions fs;      // what to skip (see host/host_fs.hpp)
  std::string db_dir;
  bool packages_only = false;
  bool ignore_unfixed = false;
  policy::Policy policy;  // as Options::policy
  // As Options::pkg_types; without `library` the tree is not walked for language files.
  PackageTypes pkg_types;
  DbPolicy db_policy;
  std::uint64_t max_file_size = 256u << 20;
  std::optional<SecretHooks> secrets;  // as Options::secrets
};

// Scans `root` read-only through host::HostFs with the image detectors. Target: kind "host"
// (name = host name, kernel = running kernel release) or "rootfs" (name = the directory).
// Packages have no layer. On a host, installed kernel packages that are not the running kernel
// are listed but not matched, with a warning naming them.
util::Result<model::ScanResult> scan_rootfs(const RootfsOptions& options);

}  // namespace strata::scan
