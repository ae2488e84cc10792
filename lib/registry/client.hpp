#pragma once
// A client for one repository on one registry, over the OCI Distribution API (/v2/).
//
// Auth: requests go out anonymously first. On a 401 the WWW-Authenticate challenge decides:
// - Bearer: GET realm?service=S&scope=repository:NAME:pull (with Basic credentials when a
//   username is set), token from the JSON field `token` or `access_token`; the request is retried
//   once with `Authorization: Bearer TOKEN`, and the token is kept for later requests (a later
//   401, e.g. an expired token, fetches a new one, once per request; a token refreshed on a blob
//   stream's thread is used by the requests after it too).
// - Basic: retried once with the username/password; without credentials the 401 stands.
// Credentials and tokens never appear in logs or error messages.
//
// Errors: one line naming the registry, the repository and the status:
//   "127.0.0.1:5000/strata/alpine:upgrade: image not found (HTTP 404)",
//   "...: authentication required (HTTP 401)", "...: access denied (HTTP 403)",
// other statuses "...: registry answered HTTP 500". Category `network`; a digest mismatch is an
// `input` error naming the digests.
//
// Transport: https unless `plain_http` (the registry was given as http://... or --insecure).
// Not thread-safe; open_blob streams on its own thread with its own HTTP client.

#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "http/client.hpp"
#include "image/manifest.hpp"
#include "image/platform.hpp"
#include "image/schema1.hpp"
#include "util/result.hpp"
#include "util/stream.hpp"

namespace strata::registry {

inline constexpr std::uint64_t k_default_max_blob_size = 64ull << 30;  // 64 GiB
inline constexpr std::uint64_t k_max_token_response = 1u << 20;
// How many image indexes may lead to a manifest (an index of indexes of ...): more is an error.
inline constexpr int k_max_index_depth = 4;
// Bounds of a listing (catalog, tags/list) against a registry whose pages never end.
inline constexpr int k_max_list_pages = 100000;
inline constexpr std::size_t k_max_listed_repositories = 1000000;
inline constexpr std::size_t k_max_listed_tags = 100000;

struct RegistryOptions {
  std::string username;
  std::string password;
  // An OAuth2 refresh token (Docker's `identitytoken`): a Bearer challenge is then answered with
  // POST realm, form grant_type=refresh_token&service=..&scope=..&client_id=strata&refresh_token=..
  // (GET realm as below when the POST is answered 404).
  std::string identity_token;
  bool plain_http = false;               // http:// instead of https://
  http::ClientOptions http;              // timeouts, retries, CA file
  std::size_t stream_buffer = 4u << 20;  // bytes buffered between download and analysis
  // The largest manifest, index or config accepted (as containerd: 4 MiB); a longer body is
  // cut there and is an error, and a config whose descriptor declares more is not fetched.
  // Token server answers are capped at k_max_token_response.
  std::uint64_t max_json_size = 4u << 20;
  // The largest layer blob accepted: a descriptor declaring more is refused before any byte is
  // downloaded, and a blob without a declared size (schema 1) is cut there. A blob longer than
  // its declared size is refused as soon as the extra byte arrives.
  std::uint64_t max_blob_size = k_default_max_blob_size;
  // Manifests and configs kept by digest (registry/metadata_cache.hpp); empty: no cache. With
  // it, a tag is first asked with HEAD (Docker-Content-Digest; GET when the registry does not
  // send it) and a cached manifest is not downloaded again; a digest-pinned reference needs no
  // manifest request at all when cached.
  std::string metadata_cache_dir;
  // Layers fetched and analysed at once by source::load_registry_image (1: one after another).
  int parallel = 4;
};

// A manifest resolved for one platform: the manifest's own digest (what a pinned reference
// would name), its parsed content, and the index it came from when there was one.
struct ResolvedManifest {
  std::string digest;  // "sha256:..." of the manifest bytes (verified)
  std::string media_type;
  std::string index_digest;  // empty when the reference named a manifest directly
  // For a Docker schema 1 manifest: `manifest` holds its applied layers (bottom-up, throwaway
  // ones dropped) and no config; `schema1` the parsed document. The digest is the payload's
  // (image/schema1.hpp).
  image::Manifest manifest;
  std::optional<image::Schema1Manifest> schema1;
};

// The Accept header value listing every manifest type strata reads.
std::string manifest_accept_header();

class RegistryClient {
 public:
  // `host`: "registry-1.docker.io", "127.0.0.1:5000"; `repository`: "library/alpine".
  RegistryClient(std::string host, std::string repository, RegistryOptions options);
  ~RegistryClient();
  RegistryClient(RegistryClient&&) noexcept;
  RegistryClient& operator=(RegistryClient&&) noexcept;

  // GET /v2/: Ok when the registry answers 200 (or 401 with a challenge we can satisfy).
  util::Status ping();

  // Fetches the manifest for `reference` (tag or "sha256:..."), verifying its sha256 against a
  // pinned digest and against Docker-Content-Digest. An index is resolved with `platform`
  // (image/platform.hpp rule); no match is an input error listing the platforms on offer.
  util::Result<ResolvedManifest> resolve(const std::string& reference,
                                         const image::Platform& platform);

  // A small blob (a config) in memory, sha256 and size verified against `desc` (from the
  // metadata cache when there).
  util::Result<std::string> fetch_blob(const image::Descriptor& desc);

  // A blob as a stream, never written to disk: the transfer runs on a producer thread into a
  // bounded buffer (RegistryOptions::stream_buffer). The stream verifies the sha256 (and size)
  // while reading: the last read() returns an input error instead of end-of-stream on a
  // mismatch. HTTP errors (404, 401, ...) surface from read(). A 401 on the blob (an expired
  // token) is answered once on the stream's thread, with its own HTTP client. A transfer cut
  // mid-blob is resumed with a Range request while retries remain (http/client.hpp), so the
  // reader never sees a restart. A stop requested on `stop` aborts the transfer and makes
  // read() return a "cancelled" error (see pull_stream.hpp).
  // Errors of the transfer name the registry, repository and blob digest.
  util::Result<std::unique_ptr<util::InputStream>> open_blob(const image::Descriptor& desc,
                                                             std::stop_token stop = {});

  // The repository's tags: GET /v2/<name>/tags/list?n=PAGE_SIZE, then each page its Link header
  // (rel="next") leads to, on the same registry only, in the registry's order. A registry may
  // send fewer or more names per page than asked (Distribution sends the list whole).
  // Errors: the HTTP status (404: no such repository), a page that is not JSON, a listing that
  // does not end (k_max_list_pages, k_max_listed_tags, a page that leads back).
  util::Result<std::vector<std::string>> list_tags(int page_size);

  // The repositories of the registry at `host`: GET /v2/_catalog?n=PAGE_SIZE and its Link pages
  // as list_tags does, with a token for the scope "registry:catalog:*" when one is asked for.
  // Registries that keep their catalog to themselves answer 401, 403 or 404: the error says so.
  static util::Result<std::vector<std::string>> list_repositories(const std::string& host,
                                                                  RegistryOptions options,
                                                                  int page_size);

  // The digest of the manifest (or index) `tag` points at: HEAD's Docker-Content-Digest, else
  // the sha256 of the manifest as GET returns it (kept in the metadata cache).
  util::Result<std::string> manifest_digest(const std::string& tag);

  // "host/repository", for messages.
  std::string display_name() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace strata::registry
