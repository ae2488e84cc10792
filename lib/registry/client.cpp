#include "registry/client.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <mutex>
#include <set>

#include "http/pull_stream.hpp"
#include "http/url.hpp"
#include "image/auth_challenge.hpp"
#include "image/media_types.hpp"
#include "registry/metadata_cache.hpp"
#include "util/base64.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"

namespace strata::registry {

namespace {

std::string strip_params(std::string value) {
  auto semi = value.find(';');
  if (semi != std::string::npos) {
    value.resize(semi);
  }
  while (!value.empty() && value.back() == ' ') {
    value.pop_back();
  }
  return value;
}

// Checks a blob's size and digest as read against its descriptor; the error names `what`.
util::Status check_blob(const image::Descriptor& desc, std::uint64_t size,
                        const std::string& digest, const std::string& what) {
  if (desc.size >= 0 && static_cast<std::uint64_t>(desc.size) != size) {
    return util::input_error("{}: blob has {} bytes, its descriptor says {}", what, size,
                             desc.size);
  }
  if (digest != desc.digest) {
    return util::input_error("{}: blob does not match its digest (sha256 is {})", what, digest);
  }
  return {};
}

util::Error status_error(long status, const std::string& what) {
  switch (status) {
    case 401:
      return util::make_error(util::ErrorCategory::network,
                              "{}: authentication required (HTTP 401)", what);
    case 403:
      return util::make_error(util::ErrorCategory::network, "{}: access denied (HTTP 403)", what);
    case 404:
      return util::make_error(util::ErrorCategory::network, "{}: image not found (HTTP 404)", what);
    default:
      return util::make_error(util::ErrorCategory::network, "{}: registry answered HTTP {}", what,
                              status);
  }
}

std::string basic_authorization(const RegistryOptions& options) {
  return "Basic " + util::base64_encode(options.username + ":" + options.password);
}

// The token in a token server's JSON answer ("token", or OAuth2's "access_token"); empty when
// there is none.
std::string token_of(const std::string& body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object()) {
    for (const char* key : {"token", "access_token"}) {
      if (json.contains(key) && json[key].is_string() && !json[key].get<std::string>().empty()) {
        return json[key].get<std::string>();
      }
    }
  }
  return {};
}

// Asks the token server at `realm` for a token for `scope` ("repository:NAME:pull",
// "registry:catalog:*"): with an identity token the OAuth2 refresh-token grant (a POST, as the
// Docker client does), else, or when the server answers that POST with 404, a GET carrying Basic
// credentials when there are any. Returns the token server's answer as it is.
util::Result<http::Response> request_token(http::Client& client, const std::string& realm,
                                           const std::string& service, const std::string& scope,
                                           const RegistryOptions& options) {
  if (!options.identity_token.empty()) {
    http::Request post;
    post.method = "POST";
    post.url = realm;
    post.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    post.body = "grant_type=refresh_token&service=" + http::url_escape(service) +
                "&scope=" + http::url_escape(scope) +
                "&client_id=strata&refresh_token=" + http::url_escape(options.identity_token);
    LOG_DEBUG("registry: exchanging the identity token for {} at {}", scope,
              http::redact_url(realm));
    TRY_ASSIGN(http::Response resp, client.fetch(post, k_max_token_response));
    if (resp.status != 404) {
      return resp;
    }
    LOG_DEBUG("registry: {} does not take POST (404); asking with GET", http::redact_url(realm));
  }
  std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
  if (!service.empty()) {
    url += "service=" + http::url_escape(service) + "&";
  }
  url += "scope=" + http::url_escape(scope);
  http::Request req;
  req.url = url;
  if (!options.username.empty()) {
    req.headers.emplace_back("Authorization", basic_authorization(options));
  }
  LOG_DEBUG("registry: fetching a token for {} from {}", scope, http::redact_url(realm));
  return client.fetch(req, k_max_token_response);
}

// The Authorization value that answers the 401 `challenge_response` (see the header comment):
// a Bearer token fetched with `client`, or Basic credentials; an error when nothing can.
util::Result<std::string> answer_challenge(http::Client& client,
                                           const http::Response& challenge_response,
                                           const std::string& scope, const RegistryOptions& options,
                                           const std::string& what) {
  std::string header;
  for (const auto& v : challenge_response.header_values("WWW-Authenticate")) {
    header += (header.empty() ? "" : ", ") + v;
  }
  auto challenges = image::parse_www_authenticate(header);
  if (!challenges) {
    return challenges.error().wrap(what);
  }
  if (const auto* bearer = image::find_challenge(*challenges, "bearer")) {
    std::string realm = bearer->param_or_empty("realm");
    if (realm.empty()) {
      return util::make_error(util::ErrorCategory::network, "{}: Bearer challenge without a realm",
                              what);
    }
    TRY_ASSIGN(http::Response resp,
               request_token(client, realm, bearer->param_or_empty("service"), scope, options));
    if (resp.status != 200) {
      return status_error(resp.status == 404 ? 401 : resp.status, what);
    }
    std::string token = token_of(resp.body);
    if (token.empty()) {
      return util::make_error(util::ErrorCategory::network,
                              "{}: the token server's answer holds no token", what);
    }
    return "Bearer " + token;
  }
  if (image::find_challenge(*challenges, "basic") && !options.username.empty()) {
    return basic_authorization(options);
  }
  return status_error(401, what);
}

// The target of the rel="next" entry of a Link header ("</v2/_catalog?last=b&n=2>;
// rel=\"next\"") as a path on the registry at `base` ("http://host:port"): a path, or an
// absolute URL on that same registry (one elsewhere would get our credentials: an error).
// nullopt when there is no next page.
util::Result<std::optional<std::string>> next_link(std::string_view header, const std::string& base,
                                                   const std::string& what) {
  for (std::size_t pos = 0; pos < header.size();) {
    auto open = header.find('<', pos);
    auto close = open == std::string_view::npos ? open : header.find('>', open);
    if (close == std::string_view::npos) {
      return std::optional<std::string>();
    }
    std::string_view target = header.substr(open + 1, close - open - 1);
    auto end = header.find('<', close);
    std::string params(
        header.substr(close + 1, end == std::string_view::npos ? end : end - close - 1));
    pos = end == std::string_view::npos ? header.size() : end;
    std::erase(params, ' ');
    std::erase(params, '"');
    if (params.find(";rel=next") == std::string::npos) {
      continue;
    }
    if (target.starts_with("/") && !target.starts_with("//")) {
      return std::optional<std::string>(std::string(target));
    }
    if (target.starts_with(base + "/")) {
      return std::optional<std::string>(std::string(target.substr(base.size())));
    }
    return util::input_error("{}: the next page is on another server ({})", what,
                             http::redact_url(std::string(target)));
  }
  return std::optional<std::string>();
}

}  // namespace

std::string manifest_accept_header() {
  // Schema 1 last: registries that hold schema 2 serve it when it is accepted (distribution
  // converts to schema 1 only for clients that do not accept schema 2).
  return fmt::format("{}, {}, {}, {}, {}, {}", image::k_oci_manifest, image::k_oci_index,
                     image::k_docker_manifest, image::k_docker_manifest_list,
                     image::k_docker_manifest_v1_signed, image::k_docker_manifest_v1);
}

// The Authorization value in use, shared with the blob streams' threads so that a token one of
// them refreshed (after a 401) serves the requests that follow.
class SharedAuthorization {
 public:
  std::string get() const {
    std::lock_guard lock(m_mutex);
    return m_value;
  }
  void set(std::string value) {
    std::lock_guard lock(m_mutex);
    m_value = std::move(value);
  }

 private:
  mutable std::mutex m_mutex;
  std::string m_value;
};

struct RegistryClient::Impl {
  std::string host;
  std::string repository;
  std::string scope;  // what a token is asked for: "repository:NAME:pull" (the catalog's: its own)
  RegistryOptions options;
  http::Client client;
  MetadataCache cache;
  // "Bearer ..." / "Basic ..." once a challenge was answered
  std::shared_ptr<SharedAuthorization> authorization = std::make_shared<SharedAuthorization>();
  bool answered = false;  // a request got a non-401 answer (with `authorization` as it is)

  Impl(std::string h, std::string r, RegistryOptions o)
      : host(std::move(h)),
        repository(std::move(r)),
        scope("repository:" + repository + ":pull"),
        options(std::move(o)),
        client(options.http),
        cache(options.metadata_cache_dir) {}

  std::string base() const { return (options.plain_http ? "http://" : "https://") + host; }
  std::string display() const { return host + "/" + repository; }

  util::Status authenticate(const http::Response& challenge_response, const std::string& what) {
    TRY_ASSIGN(std::string value,
               answer_challenge(client, challenge_response, scope, options, what));
    authorization->set(std::move(value));
    return {};
  }

  http::Request make_request(const std::string& path) const {
    http::Request req;
    req.url = base() + path;
    if (std::string value = authorization->get(); !value.empty()) {
      req.headers.emplace_back("Authorization", std::move(value));
    }
    return req;
  }

  // GET (or `method`) with the auth dance: one re-authentication on 401.
  util::Result<http::Response> get(const std::string& path, http::Headers extra,
                                   std::uint64_t max_body, const std::string& what,
                                   const char* method = "GET") {
    for (int attempt = 0;; ++attempt) {
      http::Request req = make_request(path);
      req.method = method;
      for (const auto& h : extra) {
        req.headers.push_back(h);
      }
      TRY_ASSIGN(http::Response resp, client.fetch(req, max_body));
      answered = answered || resp.status != 401;
      if (resp.status == 401 && attempt == 0) {
        std::string before = authorization->get();
        TRY(authenticate(resp, what));
        if (authorization->get() == before && before.rfind("Basic ", 0) == 0) {
          return status_error(401, what);  // the same Basic credentials were just refused
        }
        continue;
      }
      return resp;
    }
  }

  // The digest a tag points at, from HEAD's Docker-Content-Digest; empty when the registry does
  // not say (no header, or HEAD not answered 200): the caller then GETs the manifest.
  util::Result<std::string> head_manifest_digest(const std::string& tag, const std::string& what) {
    TRY_ASSIGN(http::Response resp, get("/v2/" + repository + "/manifests/" + tag,
                                        {{"Accept", manifest_accept_header()}}, 0, what, "HEAD"));
    auto header = resp.header("Docker-Content-Digest");
    if (resp.status != 200 || !header || !util::parse_digest(*header)) {
      LOG_DEBUG("registry: HEAD {} answered {} without a usable digest; fetching the manifest",
                what, resp.status);
      return std::string();
    }
    return *header;
  }

  // The names in the string array `field` of a listing (catalog, tags/list) at `path`, page after
  // page as the Link headers lead (same registry only). A page that comes back, more than
  // k_max_list_pages pages or more than `max_items` names end the listing with an error.
  util::Result<std::vector<std::string>> list_pages(std::string path, const char* field,
                                                    std::size_t max_items,
                                                    const std::string& what) {
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (int page = 0;; ++page) {
      if (page >= k_max_list_pages || !seen.insert(path).second) {
        return util::input_error("{}: the listing does not end (page {} leads back or past {})",
                                 what, page + 1, k_max_list_pages);
      }
      TRY_ASSIGN(http::Response resp, get(path, {}, options.max_json_size, what));
      if (resp.status != 200) {
        return status_error(resp.status, what);
      }
      auto json = nlohmann::json::parse(resp.body, nullptr, false);
      if (!json.is_object() ||
          (json.contains(field) && !json[field].is_array() && !json[field].is_null())) {
        return util::input_error("{}: the answer is not a JSON object with a \"{}\" array", what,
                                 field);
      }
      if (json.contains(field) && json[field].is_array()) {
        for (const auto& item : json[field]) {
          if (!item.is_string()) {
            return util::input_error("{}: \"{}\" holds something other than names", what, field);
          }
          if (names.size() >= max_items) {
            return util::input_error("{}: more than {} names", what, max_items);
          }
          names.push_back(item.get<std::string>());
        }
      }
      std::string header;
      for (const auto& v : resp.header_values("Link")) {
        header += (header.empty() ? "" : ", ") + v;
      }
      TRY_ASSIGN(std::optional<std::string> next, next_link(header, base(), what));
      if (!next) {
        return names;
      }
      path = std::move(*next);
    }
  }

  util::Result<std::string> fetch_manifest(const std::string& reference, std::string& media_type,
                                           std::string& digest) {
    const std::string sep = reference.rfind("sha256:", 0) == 0 ? "@" : ":";
    const std::string what = display() + sep + reference;
    if (cache.enabled()) {
      std::string known = reference;
      if (sep == ":") {
        TRY_ASSIGN(known, head_manifest_digest(reference, what));
      }
      if (auto body = known.empty() ? std::nullopt : cache.get(known, options.max_json_size)) {
        LOG_DEBUG("registry: manifest {} of {} from the metadata cache", known, what);
        digest = known;
        media_type = image::sniff_media_type(*body);
        return std::move(*body);
      }
    }
    TRY_ASSIGN(http::Response resp,
               get("/v2/" + repository + "/manifests/" + reference,
                   {{"Accept", manifest_accept_header()}}, options.max_json_size, what));
    if (resp.status != 200) {
      return status_error(resp.status, what);
    }
    media_type = strip_params(resp.header("Content-Type").value_or(""));
    if (!image::is_index_media_type(media_type) && !image::is_manifest_media_type(media_type) &&
        !image::is_schema1_media_type(media_type)) {
      media_type = image::sniff_media_type(resp.body);
    }
    if (image::is_schema1_media_type(media_type)) {
      // The digest of a signed schema 1 manifest covers its payload only; keep just that.
      auto payload = image::schema1_payload(resp.body);
      if (!payload) {
        return payload.error().wrap(what);
      }
      resp.body = std::move(*payload);
    }
    digest = "sha256:" + util::sha256_hex(resp.body);
    if (sep == "@" && digest != reference) {
      return util::input_error("{}: manifest content has digest {}, not the one asked for", what,
                               digest);
    }
    if (auto header = resp.header("Docker-Content-Digest");
        header && header->rfind("sha256:", 0) == 0 && *header != digest) {
      return util::input_error("{}: manifest content has digest {} but the registry says {}", what,
                               digest, *header);
    }
    cache.put(digest, resp.body);
    return std::move(resp.body);
  }
};

RegistryClient::RegistryClient(std::string host, std::string repository, RegistryOptions options)
    : m_impl(std::make_unique<Impl>(std::move(host), std::move(repository), std::move(options))) {}
RegistryClient::~RegistryClient() = default;
RegistryClient::RegistryClient(RegistryClient&&) noexcept = default;
RegistryClient& RegistryClient::operator=(RegistryClient&&) noexcept = default;

std::string RegistryClient::display_name() const {
  return m_impl->display();
}

util::Status RegistryClient::ping() {
  const std::string what = m_impl->host;
  TRY_ASSIGN(http::Response resp, m_impl->get("/v2/", {}, 1u << 20, what));
  if (resp.status != 200) {
    return status_error(resp.status, what);
  }
  return {};
}

util::Result<ResolvedManifest> RegistryClient::resolve(const std::string& reference,
                                                       const image::Platform& platform) {
  ResolvedManifest out;
  std::string ref = reference;
  for (int depth = 0;; ++depth) {
    if (depth > k_max_index_depth) {
      return util::input_error("{}: image indexes nested more than {} deep", display_name(),
                               k_max_index_depth);
    }
    std::string media_type, digest;
    TRY_ASSIGN(std::string body, m_impl->fetch_manifest(ref, media_type, digest));
    const std::string where = display_name() + "@" + digest;
    if (image::is_schema1_media_type(media_type)) {
      auto schema1 = image::parse_schema1_manifest(body);
      if (!schema1) {
        return schema1.error().wrap(where);
      }
      out.digest = digest;
      out.media_type = media_type;
      out.manifest.media_type = media_type;
      out.manifest.layers = schema1->applied_layers();
      out.schema1 = std::move(*schema1);
      return out;
    }
    if (image::is_manifest_media_type(media_type)) {
      auto manifest = image::parse_manifest(body);
      if (!manifest) {
        return manifest.error().wrap(where);
      }
      out.digest = digest;
      out.media_type = media_type;
      out.manifest = std::move(*manifest);
      return out;
    }
    if (!image::is_index_media_type(media_type)) {
      return util::input_error("{}: unsupported manifest type '{}'", where, media_type);
    }
    auto index = image::parse_index(body);
    if (!index) {
      return index.error().wrap(where);
    }
    if (out.index_digest.empty()) {
      out.index_digest = digest;
    }
    TRY_ASSIGN(image::Descriptor pick, image::select_manifest(*index, platform, where));
    ref = pick.digest;
  }
}

util::Result<std::string> RegistryClient::fetch_blob(const image::Descriptor& desc) {
  const std::string what = display_name() + "@" + desc.digest;
  if (desc.size > 0 && static_cast<std::uint64_t>(desc.size) > m_impl->options.max_json_size) {
    return util::input_error("{}: the descriptor declares {} bytes, more than the limit of {}",
                             what, desc.size, m_impl->options.max_json_size);
  }
  if (auto cached = m_impl->cache.get(desc.digest, m_impl->options.max_json_size);
      cached && (desc.size < 0 || static_cast<std::uint64_t>(desc.size) == cached->size())) {
    LOG_DEBUG("registry: blob {} from the metadata cache", what);
    return std::move(*cached);
  }
  // A body longer than declared is cut (and refused) right there.
  const std::uint64_t max_body = desc.size >= 0 ? std::min(static_cast<std::uint64_t>(desc.size),
                                                           m_impl->options.max_json_size)
                                                : m_impl->options.max_json_size;
  TRY_ASSIGN(http::Response resp, m_impl->get("/v2/" + m_impl->repository + "/blobs/" + desc.digest,
                                              {}, max_body, what));
  if (resp.status != 200) {
    return status_error(resp.status, what);
  }
  TRY(check_blob(desc, resp.body.size(), "sha256:" + util::sha256_hex(resp.body), what));
  m_impl->cache.put(desc.digest, resp.body);
  return std::move(resp.body);
}

util::Result<std::unique_ptr<util::InputStream>> RegistryClient::open_blob(
    const image::Descriptor& desc, std::stop_token stop) {
  const std::string what = display_name() + "@" + desc.digest;
  const std::uint64_t max_blob = m_impl->options.max_blob_size;
  if (desc.size > 0 && static_cast<std::uint64_t>(desc.size) > max_blob) {
    return util::input_error(
        "{}: the descriptor declares {} bytes, more than the layer size limit "
        "of {}",
        what, desc.size, max_blob);
  }
  // A body may not go past what the descriptor declares (or the limit when it declares nothing).
  const std::uint64_t cap = desc.size >= 0 ? static_cast<std::uint64_t>(desc.size) : max_blob;
  if (!m_impl->answered) {
    // Nothing was asked yet: learn the auth scheme on this thread first (a HEAD is cheap); the
    // stream thread then sends the credentials from the start.
    http::Request head =
        m_impl->make_request("/v2/" + m_impl->repository + "/blobs/" + desc.digest);
    head.method = "HEAD";
    TRY_ASSIGN(http::Response resp, m_impl->client.fetch(head, 0));
    if (resp.status == 401) {
      TRY(m_impl->authenticate(resp, what));
    }
  }
  http::Request req = m_impl->make_request("/v2/" + m_impl->repository + "/blobs/" + desc.digest);
  req.resumable = true;  // content-addressed: a cut transfer goes on with a Range request
  http::Producer producer = [req, what, desc, cap, scope = m_impl->scope, options = m_impl->options,
                             shared = m_impl->authorization](
                                const http::PushSink& sink,
                                std::stop_token token) mutable -> util::Status {
    http::Client client(options.http);
    util::Sha256 hash;
    std::uint64_t size = 0;
    auto to_sink = [&](std::span<const std::byte> data) -> util::Status {
      if (data.size() > cap - size) {
        return util::input_error("{}: blob is longer than {} bytes ({})", what, cap,
                                 desc.size >= 0 ? "its descriptor's size" : "the layer size limit");
      }
      hash.update(data.data(), data.size());
      size += data.size();
      return sink(data);
    };
    req.stop = token;
    // "GET <url>: " repeats what `what` says already; a redirect's other URL stays.
    auto with_what = [&, prefix = "GET " + http::redact_url(req.url) + ": "](util::Error e) {
      if (e.message.starts_with(prefix)) {
        e.message.erase(0, prefix.size());
      }
      return e.wrap(what);
    };
    auto resp = client.stream(req, to_sink);
    if (!resp) {
      return with_what(std::move(resp).error());
    }
    if (resp->status == 401) {
      // An expired token: answer the challenge again, once, and go on from the bytes we have.
      TRY_ASSIGN(std::string authorization, answer_challenge(client, *resp, scope, options, what));
      std::erase_if(req.headers, [](const auto& h) { return h.first == "Authorization"; });
      req.headers.emplace_back("Authorization", authorization);
      shared->set(std::move(authorization));
      req.offset = size;
      resp = client.stream(req, to_sink);
      if (!resp) {
        return with_what(std::move(resp).error());
      }
    }
    if (resp->status < 200 || resp->status > 299) {
      return status_error(resp->status, what);
    }
    return check_blob(desc, size, "sha256:" + hash.hex_digest(), what);
  };
  return std::unique_ptr<util::InputStream>(std::make_unique<http::PullStream>(
      what, std::move(producer), m_impl->options.stream_buffer, std::move(stop)));
}

util::Result<std::vector<std::string>> RegistryClient::list_tags(int page_size) {
  const std::string what = display_name() + " (tags/list)";
  return m_impl->list_pages(fmt::format("/v2/{}/tags/list?n={}", m_impl->repository, page_size),
                            "tags", k_max_listed_tags, what);
}

util::Result<std::vector<std::string>> RegistryClient::list_repositories(const std::string& host,
                                                                         RegistryOptions options,
                                                                         int page_size) {
  Impl impl(host, "", std::move(options));
  impl.scope = "registry:catalog:*";
  return impl.list_pages(fmt::format("/v2/_catalog?n={}", page_size), "repositories",
                         k_max_listed_repositories, host + " (/v2/_catalog)");
}

util::Result<std::string> RegistryClient::manifest_digest(const std::string& tag) {
  const std::string what = display_name() + ":" + tag;
  TRY_ASSIGN(std::string digest, m_impl->head_manifest_digest(tag, what));
  if (!digest.empty()) {
    return digest;
  }
  std::string media_type;
  TRY(m_impl->fetch_manifest(tag, media_type, digest));
  return digest;
}

}  // namespace strata::registry
