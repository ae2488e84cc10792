#!/usr/bin/env python3
"""paged_registry.py --port-file F [--log L] [--catalog-status CODE] LAYOUT: a small read-only
OCI distribution registry for tests, serving the OCI layout LAYOUT whose index.json names each
image `org.opencontainers.image.ref.name` = "REPO:TAG" (tests/support/fleet_images.py writes such
layouts; a bare "TAG" goes to repository --default-repo).

Unlike Debian's CNCF registry (2.8), which paginates the catalog but returns tag lists whole, it
paginates BOTH with `n` and `last` and a `Link: <...>; rel="next"` header:
  GET  /v2/                                   200 {}
  GET  /v2/_catalog[?n=N&last=R]              {"repositories": [...]} (sorted), Link when more
  GET  /v2/<name>/tags/list[?n=N&last=T]      {"name", "tags": [...]} (sorted), Link when more
  HEAD/GET /v2/<name>/manifests/<tag|digest>  Content-Type, Docker-Content-Digest, Content-Length
  HEAD/GET /v2/<name>/blobs/<digest>          the blob (only blobs of that repository's images)
Without `n` a list is returned whole. --catalog-status 401|403|404 refuses the catalog the way
hosted registries do (401 with a Basic challenge, 403/404 with a distribution error body).
--log writes one line per request: "METHOD PATH?QUERY STATUS".
"""
import json
import os
import sys
import threading
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_server_util as tsu  # noqa: E402


def load(layout, default_repo):
    """repos: name -> {tag: descriptor}; blobs: name -> set of digests."""
    with open(os.path.join(layout, "index.json")) as f:
        index = json.load(f)
    repos, blobs = {}, {}
    for e in index["manifests"]:
        ref = e.get("annotations", {}).get("org.opencontainers.image.ref.name")
        if not ref:
            continue
        repo, tag = ref.rsplit(":", 1) if ":" in ref else (default_repo, ref)
        repos.setdefault(repo, {})[tag] = e
        have = blobs.setdefault(repo, set())
        have.add(e["digest"])
        with open(os.path.join(layout, "blobs", "sha256", e["digest"][7:]), "rb") as f:
            m = json.load(f)
        for d in [m.get("config")] + m.get("layers", []) + m.get("manifests", []):
            if d:
                have.add(d["digest"])
    return repos, blobs


def page(items, query, url):
    """The page of sorted `items` after `last`, at most `n`; the Link header when more remain."""
    items = sorted(items)
    last = query.get("last", [None])[0]
    if last is not None:
        items = [i for i in items if i > last]
    n = query.get("n", [None])[0]
    if n is None:
        return items, []
    n = int(n)
    if n <= 0:
        return [], []
    if len(items) <= n:
        return items, []
    return items[:n], [("Link", f'<{url}?n={n}&last={items[n - 1]}>; rel="next"')]


def main():
    ap = tsu.arg_parser(__doc__.split("\n")[0])
    ap.add_argument("--catalog-status", type=int, default=200)
    ap.add_argument("--default-repo", default="library/test")
    ap.add_argument("layout")
    a = ap.parse_args()
    repos, blobs = load(a.layout, a.default_repo)
    by_digest = {}
    for tags in repos.values():
        for e in tags.values():
            by_digest[e["digest"]] = e
    lock = threading.Lock()

    def blob_path(digest):
        return os.path.join(a.layout, "blobs", "sha256", digest.split(":", 1)[-1])

    class Handler(tsu.QuietHandler):
        def error(self, status, code, message, headers=()):
            body = json.dumps({"errors": [{"code": code, "message": message, "detail": None}]})
            self.reply(status, body.encode(), [("Content-Type", "application/json")] + list(headers))
            return status

        def route(self):
            u = urlsplit(self.path)
            q = parse_qs(u.query)
            p = u.path
            if p in ("/v2/", "/v2"):
                self.reply(200, b"{}", [("Content-Type", "application/json")])
                return 200
            if p == "/v2/_catalog":
                if a.catalog_status == 401:
                    return self.error(401, "UNAUTHORIZED", "authentication required",
                                      [("WWW-Authenticate", 'Basic realm="paged-registry"')])
                if a.catalog_status == 403:
                    return self.error(403, "DENIED", "requested access to the resource is denied")
                if a.catalog_status == 404:
                    return self.error(404, "UNSUPPORTED", "the catalog is not available")
                items, link = page(repos.keys(), q, "/v2/_catalog")
                self.reply(200, json.dumps({"repositories": items}).encode(),
                           [("Content-Type", "application/json")] + link)
                return 200
            for kind in ("/tags/list", "/manifests/", "/blobs/"):
                i = p.find(kind, 4)
                if i > 4:
                    name, rest = p[4:i], p[i + len(kind):]
                    break
            else:
                return self.error(404, "NOT_FOUND", "no such route")
            if name not in repos:
                return self.error(404, "NAME_UNKNOWN", f"repository {name} not known")
            if kind == "/tags/list":
                items, link = page(repos[name].keys(), q, f"/v2/{name}/tags/list")
                self.reply(200, json.dumps({"name": name, "tags": items}).encode(),
                           [("Content-Type", "application/json")] + link)
                return 200
            if kind == "/manifests/":
                e = repos[name].get(rest) if not rest.startswith("sha256:") else (
                    by_digest.get(rest) if rest in blobs[name] else None)
                if e is None:
                    return self.error(404, "MANIFEST_UNKNOWN", f"manifest {rest} unknown")
                with open(blob_path(e["digest"]), "rb") as f:
                    data = f.read()
                self.reply(200, data, [("Content-Type", e["mediaType"]),
                                       ("Docker-Content-Digest", e["digest"])])
                return 200
            if rest not in blobs[name] or not os.path.exists(blob_path(rest)):
                return self.error(404, "BLOB_UNKNOWN", f"blob {rest} unknown")
            with open(blob_path(rest), "rb") as f:
                data = f.read()
            self.reply(200, data, [("Content-Type", "application/octet-stream"),
                                   ("Docker-Content-Digest", rest)])
            return 200

        def handle_one(self):
            status = self.route()
            with lock:
                tsu.append_line(a.log, f"{self.command} {self.path} {status}")

        def do_GET(self):
            self.handle_one()

        def do_HEAD(self):
            self.handle_one()

    tsu.serve(Handler, a.port_file)


if __name__ == "__main__":
    main()
