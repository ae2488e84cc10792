#!/usr/bin/env python3
"""fleet_images.py OUT_LAYOUT --repos R --tags T [--testdata DIR] [--no-broken] [--top-kib K]
                 [--push HOST:PORT] [--push-only]

Writes ONE OCI image layout holding a registry's worth of small images for the fleet tests
(tests/golden/fleet*.sh) and bench/fleet, deterministically and without network:

- every image = one real base layer from testdata/demo (the Alpine 3.10.9 minirootfs of
  alpine-3.10.tar.gz for two repositories in three, the Ubuntu 18.04 dpkg database of
  ubuntu-18.04.tar.gz for the third), plus one small top layer (a few files) unique to
  (repository, variant) (with --top-kib K also K KiB of incompressible bytes, a real
  application layer's weight, for benchmarks); the config carries the right diff_ids. On Alpine the top layer also
  rewrites lib/apk/db/installed with older 3.10 releases of a few packages (musl always, openssl
  and busybox by variant), since the 3.10.9 minirootfs is newer than every fix of the demo
  database; so every image has real findings against the demo database, varying by variant. Base layers are gzipped once and shared by every image on that base.
- T tags over R repositories (the first T % R repositories get one more); a repository with k >= 2
  tags has versions 1.0 .. 1.(k-2) and `latest`, which is the same image (digest) as the last
  version; with k == 1 only `latest`. Every fifth repository is nested (`team-x/appNN`).
- the last repository is `mirror/<first repository>`: the same images (same digests) under the
  first repository's tag names, so one digest lives in two repositories.
- one broken image: tag 1.0 of the second repository, whose top layer is content-addressed bytes
  that are not gzip (media type tar+gzip), so scanning it fails with an input error (none with
  --no-broken, for benchmarks).

index.json names each image `org.opencontainers.image.ref.name` = "REPO:TAG" (one entry per tag).
OUT_LAYOUT/expected.tsv lists the full set: header `repo tag digest broken`, then one line per tag
(digest = the manifest digest, broken 0/1), sorted.

--push HOST:PORT then pushes every tag to that registry over plain HTTP with the registry API
directly (blob upload once per registry, cross-repository mounts elsewhere, one manifest PUT per
tag): ~100x faster than one `skopeo copy` per tag. Prints the push time on stderr.
"""
import argparse
import gzip
import hashlib
import http.client
import io
import json
import os
import random
import shutil
import sys
import tarfile
import time

MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
EPOCH = 1704067200  # 2024-01-01T00:00:00Z
CREATED = "2024-01-01T00:00:00Z"


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Layout:
    """An OCI layout being written: blobs by digest, index entries in order."""

    def __init__(self, path):
        self.path = path
        self.entries = []
        os.makedirs(os.path.join(path, "blobs", "sha256"), exist_ok=True)
        with open(os.path.join(path, "oci-layout"), "w") as f:
            f.write('{"imageLayoutVersion":"1.0.0"}')

    def blob(self, data, media_type):
        d = sha(data)
        p = os.path.join(self.path, "blobs", "sha256", d[7:])
        if not os.path.exists(p):
            with open(p, "wb") as f:
                f.write(data)
        return {"mediaType": media_type, "digest": d, "size": len(data)}

    def write_index(self):
        index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                 "manifests": self.entries}
        with open(os.path.join(self.path, "index.json"), "w") as f:
            json.dump(index, f, indent=1)


def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def docker_archive_layer(archive):
    """The only layer (uncompressed tar bytes) and its history line from a docker-save .tar.gz."""
    with tarfile.open(archive, "r:gz") as t:
        manifest = json.load(t.extractfile("manifest.json"))[0]
        config = json.load(t.extractfile(manifest["Config"]))
        layers = [t.extractfile(n).read() for n in manifest["Layers"]]
    if len(layers) != 1:
        sys.exit(f"fleet_images: {archive}: want one layer, got {len(layers)}")
    created_by = next(h["created_by"] for h in config["history"] if not h.get("empty_layer"))
    return layers[0], created_by


# Older releases of Alpine 3.10 packages (below fixes in testdata/demo/osv-alpine-v3.10): the
# 3.10.9 minirootfs is newer than every fix of the 2020 secdb, so an Alpine image gets findings
# only through a top layer that rewrites lib/apk/db/installed with some of these versions.
OLDER_APK = [("musl", "1.1.22-r2"), ("musl-utils", "1.1.22-r2"), ("libcrypto1.1", "1.1.1c-r0"),
             ("libssl1.1", "1.1.1c-r0"), ("busybox", "1.30.1-r1"), ("ssl_client", "1.30.1-r1")]


def downgrade_apk(installed, variant):
    """The apk database `installed` with the versions of some OLDER_APK packages (which ones
    depends on the variant) put back; the same text on every run."""
    k = int(hashlib.sha256(variant.encode()).hexdigest(), 16)
    older = dict(p for i, p in enumerate(OLDER_APK) if i < 2 or (k >> (i // 2)) & 1)
    out, pkg = [], None
    for line in installed.decode().split("\n"):
        if line.startswith("P:"):
            pkg = line[2:]
        elif line.startswith("V:") and pkg in older:
            line = "V:" + older[pkg]
        out.append(line)
    return "\n".join(out).encode()


def top_layer(repo, variant, apk_installed=None, payload_kib=0):
    """A small tar unique to (repo, variant): the same bytes on every run. On an Alpine base
    (`apk_installed` = the base's lib/apk/db/installed) it also rewrites the apk database; with
    `payload_kib` it also holds app/payload.bin, that many KiB of incompressible bytes (the
    application layer of a real image, for benchmarks)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        def add(name, data=None):
            info = tarfile.TarInfo(name)
            info.mtime, info.uid, info.gid, info.uname, info.gname = EPOCH, 0, 0, "root", "root"
            if data is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                t.addfile(info)
            else:
                info.size, info.mode = len(data), 0o644
                t.addfile(info, io.BytesIO(data))
        add("app")
        add("app/fleet-id", f"{repo} {variant}\n".encode())
        add("app/README", b"strata fleet test image: one small layer on a real base\n")
        seed = hashlib.sha256(f"{repo}/{variant}".encode()).digest()
        add("app/data.bin", seed * 16)
        if apk_installed is not None:
            add("lib/apk/db/installed", downgrade_apk(apk_installed, variant))
        if payload_kib:
            add("app/payload.bin", random.Random(seed).randbytes(payload_kib * 1024))
    return buf.getvalue()


def broken_layer():
    """Content-addressed bytes that are not gzip (no 1f 8b magic)."""
    data = hashlib.sha256(b"strata fleet broken layer").digest() * 16
    return b"NOTGZIP!" + data


def repo_names(n):
    names = []
    for i in range(n - 1):
        if i % 5 == 2:
            names.append(f"team-{'abc'[i % 3]}/app{i:02d}")
        else:
            names.append(f"repo{i:02d}")
    names.append("mirror/" + names[0])
    return names


def tag_names(k):
    if k == 1:
        return ["latest"]
    return [f"1.{j}" for j in range(k - 1)] + ["latest"]


def build(out, nrepos, ntags, testdata, with_broken=True, payload_kib=0):
    if nrepos < 3 or ntags < nrepos:
        sys.exit("fleet_images: need --repos >= 3 and --tags >= --repos")
    if os.path.exists(out):
        shutil.rmtree(out)
    lay = Layout(out)
    bases = {}
    for name, archive in (("alpine", "alpine-3.10.tar.gz"), ("ubuntu", "ubuntu-18.04.tar.gz")):
        raw, created_by = docker_archive_layer(os.path.join(testdata, "demo", archive))
        installed = None
        if name == "alpine":
            with tarfile.open(fileobj=io.BytesIO(raw)) as t:
                installed = t.extractfile("./lib/apk/db/installed").read()
        bases[name] = (lay.blob(gz(raw), MT_LAYER), sha(raw), created_by, installed)

    def image(repo, variant, base, broken=False):
        layer_desc, diff_id, created_by, installed = bases[base]
        if broken:
            top = broken_layer()
            top_desc, top_diff = lay.blob(top, MT_LAYER), sha(top)
        else:
            top = top_layer(repo, variant, installed, payload_kib)
            top_desc, top_diff = lay.blob(gz(top), MT_LAYER), sha(top)
        config = {"created": CREATED, "architecture": "amd64", "os": "linux",
                  "config": {"Cmd": ["/bin/sh"], "Labels": {"io.strata.fleet": f"{repo} {variant}"}},
                  "rootfs": {"type": "layers", "diff_ids": [diff_id, top_diff]},
                  "history": [{"created": CREATED, "created_by": created_by},
                              {"created": CREATED, "created_by": f"COPY app/ /app/ # {variant}"}]}
        cfg = lay.blob(json.dumps(config, sort_keys=True).encode(), MT_CONFIG)
        manifest = {"schemaVersion": 2, "mediaType": MT_MANIFEST, "config": cfg,
                    "layers": [layer_desc, top_desc]}
        return lay.blob(json.dumps(manifest, sort_keys=True).encode(), MT_MANIFEST)

    repos = repo_names(nrepos)
    counts = [ntags // nrepos + (1 if i < ntags % nrepos else 0) for i in range(nrepos)]
    rows = []  # (repo, tag, descriptor, broken)
    first = {}  # tag -> descriptor of the first repository
    for i, repo in enumerate(repos):
        tags = tag_names(counts[i])
        if i == nrepos - 1:  # the mirror: the first repository's images under its tag names
            tags = tag_names(counts[0])[: counts[i]]
            for tag in tags:
                rows.append((repo, tag, first[tag], 0))
            continue
        base = "ubuntu" if i % 3 == 2 else "alpine"
        for j, tag in enumerate(tags):
            variant = tags[j - 1] if tag == "latest" and j > 0 else tag
            broken = with_broken and i == 1 and tag == "1.0"
            desc = image(repo, variant, base, broken)
            rows.append((repo, tag, desc, 1 if broken else 0))
            if i == 0:
                first[tag] = desc
    if with_broken and not any(r[3] for r in rows):
        sys.exit("fleet_images: the second repository needs >= 2 tags for the broken image")
    for repo, tag, desc, _ in rows:
        e = dict(desc)
        e["annotations"] = {"org.opencontainers.image.ref.name": f"{repo}:{tag}"}
        lay.entries.append(e)
    lay.write_index()
    with open(os.path.join(out, "expected.tsv"), "w") as f:
        f.write("repo\ttag\tdigest\tbroken\n")
        for repo, tag, desc, broken in sorted(rows, key=lambda r: (r[0], r[1])):
            f.write(f"{repo}\t{tag}\t{desc['digest']}\t{broken}\n")
    return rows


class Pusher:
    """Pushes blobs and manifests over one keep-alive HTTP connection."""

    def __init__(self, hostport, layout):
        self.hostport, self.layout = hostport, layout
        self.conn = http.client.HTTPConnection(hostport, timeout=60)
        self.where = {}  # blob digest -> a repository that has it

    def request(self, method, url, body=None, headers=None, want=(200, 201, 202)):
        self.conn.request(method, url, body=body, headers=headers or {})
        r = self.conn.getresponse()
        data = r.read()
        if r.status not in want:
            sys.exit(f"fleet_images: {method} {url}: HTTP {r.status}: {data[:300]!r}")
        return r

    def read(self, digest):
        with open(os.path.join(self.layout, "blobs", "sha256", digest[7:]), "rb") as f:
            return f.read()

    def blob(self, repo, digest):
        have = self.where.setdefault(digest, set())
        if repo in have:
            return
        if have:
            src = sorted(have)[0]
            r = self.request("POST", f"/v2/{repo}/blobs/uploads/?mount={digest}&from={src}",
                             headers={"Content-Length": "0"})
            if r.status == 201:
                have.add(repo)
                return
            # 202: not mounted, an upload session was opened instead: fall through to a new one
        r = self.request("POST", f"/v2/{repo}/blobs/uploads/", headers={"Content-Length": "0"})
        loc = r.getheader("Location")
        if loc.startswith("http"):
            loc = "/" + loc.split("/", 3)[3]
        sep = "&" if "?" in loc else "?"
        self.request("PUT", f"{loc}{sep}digest={digest}", body=self.read(digest),
                     headers={"Content-Type": "application/octet-stream"})
        have.add(repo)

    def manifest(self, repo, tag, desc):
        data = self.read(desc["digest"])
        m = json.loads(data)
        for b in [m["config"]] + m["layers"]:
            self.blob(repo, b["digest"])
        self.request("PUT", f"/v2/{repo}/manifests/{tag}", body=data,
                     headers={"Content-Type": desc["mediaType"]})


def push(layout, hostport):
    with open(os.path.join(layout, "index.json")) as f:
        entries = json.load(f)["manifests"]
    t0 = time.monotonic()
    p = Pusher(hostport, layout)
    for e in entries:
        repo, tag = e["annotations"]["org.opencontainers.image.ref.name"].rsplit(":", 1)
        p.manifest(repo, tag, e)
    print(f"fleet_images: pushed {len(entries)} tags to {hostport} in "
          f"{time.monotonic() - t0:.2f} s", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("layout")
    ap.add_argument("--repos", type=int, default=21)
    ap.add_argument("--tags", type=int, default=105)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--testdata", default=os.path.join(here, "..", "..", "testdata"))
    ap.add_argument("--push", metavar="HOST:PORT", help="push every tag there (plain HTTP)")
    ap.add_argument("--top-kib", type=int, default=0,
                    help="add that many KiB of incompressible bytes to every top layer")
    ap.add_argument("--no-broken", action="store_true", help="leave the broken image out")
    ap.add_argument("--push-only", action="store_true", help="push an existing layout, build nothing")
    a = ap.parse_args()
    if not a.push_only:
        rows = build(a.layout, a.repos, a.tags, a.testdata, not a.no_broken, a.top_kib)
        print(f"fleet_images: {len(rows)} tags, {a.repos} repositories, "
              f"{len({(r[0], r[2]['digest']) for r in rows})} (repository, digest) pairs in {a.layout}",
              file=sys.stderr)
    if a.push:
        push(a.layout, a.push)


if __name__ == "__main__":
    main()
