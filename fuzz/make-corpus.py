#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<harness>/ from testdata/ and a few hand-written inputs.

Run from anywhere; rewrites fuzz/corpus/ entirely. The corpora are committed (CI fuzzes from
them); rerun this when testdata/ gains formats. Seeds of harnesses that dispatch on the first
byte start with that byte (fuzz/common.hpp: '0' = format 0, ...). Files are named by the SHA-1
of their content (as libFuzzer names what it adds), and each seed is capped in size.
"""
import base64
import gzip
import hashlib
import io
import json
import pathlib
import shutil
import sqlite3
import tarfile
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
TD = ROOT / "testdata"
OUT = ROOT / "fuzz" / "corpus"
CAP = 64 << 10
BIG_CAP = 256 << 10

corpora = {}


def add(harness, data, prefix=b"", cap=CAP):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > cap:
        data = data[:cap]
    corpora.setdefault(harness, set()).add(prefix + data)


def files(pattern, cap=CAP):
    for p in sorted(TD.glob(pattern)):
        if p.is_file() and p.stat().st_size <= cap * 4:
            yield p.read_bytes()


def sel(i):
    return bytes([ord("0") + i])


# --- reference: '0' reference '1' registry URL '2' domain '3' registry key ---------------------
for r in ["ubuntu", "ubuntu:16.04", "library/ubuntu:latest", "docker.io/library/alpine:3.18",
          "ghcr.io/org/app@sha256:" + "a" * 64, "localhost:5000/x/y:t",
          "[::1]:5000/repo@sha512:" + "b" * 128, "a.b-c_d__e/f--g:T_1.2",
          "registry.example.com:443/a/b/c:tag@sha256:" + "c" * 64, "UPPER/case", "x@md5:abc"]:
    add("reference", r, sel(0))
for u in ["https://index.docker.io/v1/", "http://127.0.0.1:5000", "quay.io", "[::1]:5000/v2/"]:
    add("reference", u, sel(1))
    add("reference", u, sel(3))
for d in ["docker.io", "[fe80::1]:5000", "a-b.example:65535", "-bad.example"]:
    add("reference", d, sel(2))

# --- image_json: '0' manifest '1' index '2' config '3' docker-save manifest.json '4' schema 1 ---
#     '5' sniff '6' platform
for p in sorted((TD / "images").rglob("*")):
    if not p.is_file() or p.stat().st_size > CAP:
        continue
    data = p.read_bytes()
    if not data.lstrip().startswith(b"{") and not data.lstrip().startswith(b"["):
        continue
    try:
        doc = json.loads(data)
    except ValueError:
        continue
    if isinstance(doc, list):
        add("image_json", data, sel(3))
    elif "manifests" in doc:
        add("image_json", data, sel(1))
    elif "layers" in doc:
        add("image_json", data, sel(0))
    elif "rootfs" in doc or "architecture" in doc:
        add("image_json", data, sel(2))
    add("image_json", data, sel(5))
for p in sorted((TD / "images").rglob("*.tar")):
    if p.stat().st_size > 8 << 20:
        continue
    try:
        with tarfile.open(p) as t:
            m = t.extractfile("manifest.json")
            if m:
                add("image_json", m.read(), sel(3))
    except (KeyError, tarfile.TarError):
        pass
schema1 = {
    "schemaVersion": 1, "name": "strata/alpine", "tag": "v1", "architecture": "amd64",
    "fsLayers": [{"blobSum": "sha256:" + "a" * 64}, {"blobSum": "sha256:" + "b" * 64}],
    "history": [
        {"v1Compatibility": json.dumps({"id": "2", "parent": "1", "throwaway": True,
                                        "container_config": {"Cmd": ["/bin/sh", "-c", "x"]}})},
        {"v1Compatibility": json.dumps({"id": "1", "os": "linux", "architecture": "arm64",
                                        "variant": "v8"})}]}
payload = json.dumps(schema1, indent=3)
add("image_json", payload, sel(4))
body = payload[: payload.rindex("\n}")]
protected = base64.urlsafe_b64encode(json.dumps(
    {"formatLength": len(body), "formatTail": base64.urlsafe_b64encode(b"\n}").decode().rstrip("="),
     "time": "2024-01-01T00:00:00Z"}).encode()).decode().rstrip("=")
signed = body + ',\n   "signatures": [{"header": {"alg": "ES256"}, "signature": "x", "protected": "' \
    + protected + '"}]\n}'
add("image_json", signed, sel(4))
for pl in ["linux/amd64", "linux/arm64/v8", "windows/amd64", "linux/arm/v7", "darwin"]:
    add("image_json", pl, sel(6))

# --- auth: '0' WWW-Authenticate '1' docker config.json '2' helper output ---------------------
for h in ['Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
          'scope="repository:library/ubuntu:pull"',
          'Basic realm="Registry Realm"', 'Bearer realm=https://x/token,scope="a:b:pull c:d:push"',
          'Negotiate abc123==, Basic realm="x"', 'Bearer realm="a\\"b", error="invalid_token"', ""]:
    add("auth", h, sel(0))
add("auth", json.dumps({"auths": {"https://index.docker.io/v1/": {
    "auth": base64.b64encode(b"user:pass").decode()}, "ghcr.io": {"identitytoken": "tok"},
    "localhost:5000": {"username": "u", "password": "p"}},
    "credsStore": "desktop", "credHelpers": {"gcr.io": "gcloud"}}), sel(1))
add("auth", '{"auths": {"x": {"auth": "!!!"}}}', sel(1))
add("auth", '{"ServerURL": "https://ghcr.io", "Username": "u", "Secret": "s"}', sel(2))
add("auth", '{"ServerURL": "", "Username": "<token>", "Secret": "t"}', sel(2))
add("auth", "credentials not found in native keychain", sel(2))


# --- layer: whole blobs ----------------------------------------------------------------------
def tar_bytes(entries, fmt=tarfile.PAX_FORMAT):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for name, kind, data in entries:
            info = tarfile.TarInfo(name)
            if kind == "file":
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
                continue
            info.type = {"dir": tarfile.DIRTYPE, "sym": tarfile.SYMTYPE,
                         "link": tarfile.LNKTYPE}[kind]
            if kind in ("sym", "link"):
                info.linkname = data
            t.addfile(info)
    return buf.getvalue()


dpkg = (TD / "pkgdb/dpkg/trivy-ubuntu1804-status/status").read_bytes()[:4000]
apk = (TD / "pkgdb/apk/scalibr-different-arch/installed").read_bytes()
crafted = [
    [("etc/", "dir", None), ("etc/os-release", "file", b'ID=debian\nVERSION_ID="12"\n'),
     ("var/lib/dpkg/status", "file", dpkg)],
    [("etc/alpine-release", "file", b"3.18.9\n"), ("lib/apk/db/installed", "file", apk),
     ("etc/.wh.passwd", "file", b""), ("usr/.wh..wh..opq", "file", b"")],
    [("etc/os-release", "file", b"ID=alpine\nVERSION_ID=3.18.9\n"),
     ("usr/lib/os-release", "link", "etc/os-release"), ("etc/x", "sym", "../../../etc/shadow"),
     ("a/" + "b/" * 60 + "c", "file", b"deep"), ("x" * 200, "file", b"long pax name")],
    [("app/node_modules/x/package.json", "file", b'{"name":"x","version":"1.0.0"}'),
     ("usr/lib/python3/site-packages/p-1.dist-info/METADATA", "file",
      b"Metadata-Version: 2.1\nName: p\nVersion: 1\n")],
]
for entries in crafted:
    raw = tar_bytes(entries)
    add("layer", raw, cap=BIG_CAP)
    add("layer", gzip.compress(raw, 9), cap=BIG_CAP)
    add("layer", tar_bytes(entries, tarfile.GNU_FORMAT), cap=BIG_CAP)
try:
    import zstandard  # noqa: F401  (optional: zstd seeds)
except ImportError:
    zstandard = None
for p in sorted((TD / "images/docker-save").rglob("*.tar")):
    with tarfile.open(p) as t:
        for m in t.getmembers():
            if m.isfile() and (m.name.endswith("layer.tar") or m.name.endswith(".tar.gz")
                               or "/sha256/" in m.name) and m.size <= BIG_CAP:
                data = t.extractfile(m).read()
                if data[:2] == b"\x1f\x8b" or data[257:262] == b"ustar":
                    add("layer", data, cap=BIG_CAP)

# --- os_packages: '0' dpkg '1' apk '2' os-release '3' legacy release (+ file-name byte) ------
for data in files("pkgdb/dpkg/**/status") :
    add("os_packages", data, sel(0))
for data in files("pkgdb/dpkg/*/status.d/*"):
    add("os_packages", data, sel(0))
for data in files("pkgdb/apk/**/installed"):
    add("os_packages", data, sel(1))
for text in ['PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
             'VERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n',
             "NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nID=ubuntu\nID_LIKE=debian\n"
             "VERSION=\"22.04.3 LTS (Jammy Jellyfish)\"\n",
             "ID=alpine\nVERSION_ID=3.18.9\n", 'ID="rhel"\nVERSION_ID="9.2"\n',
             "ID=opensuse-leap\nVERSION_ID='15.5'\n", "ID=openEuler\nVERSION_ID=\"22.03\"\n"
             "VERSION=\"22.03 (LTS-SP3)\"\n"]:
    add("os_packages", text, sel(2))
for i, text in enumerate(["CentOS Linux release 7.9.2009 (Core)\n",
                          "Red Hat Enterprise Linux Server release 6.10 (Santiago)\n",
                          "SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n",
                          "Fedora release 38 (Thirty Eight)\n"]):
    add("os_packages", bytes([i]) + text.encode(), sel(3))

# --- rpm: '0' header '1' bdb '2' ndb '3' sqlite '4' sqlite in place --------------------------
for data in files("pkgdb/rpm/*/Packages", BIG_CAP):
    add("rpm", data, sel(1), BIG_CAP)
for p in sorted(TD.glob("pkgdb/rpm/*/Packages.db")):
    add("rpm", p.read_bytes(), sel(2), BIG_CAP)
for p in sorted(TD.glob("pkgdb/rpm/*/rpmdb.sqlite")):
    src = sqlite3.connect(p)
    blobs = [row[0] for row in src.execute("SELECT blob FROM Packages ORDER BY hnum LIMIT 6")]
    src.close()
    for b in blobs:
        add("rpm", b, sel(0), BIG_CAP)
    with tempfile.TemporaryDirectory() as d:
        small = pathlib.Path(d) / "rpmdb.sqlite"
        db = sqlite3.connect(small)
        db.execute("PRAGMA page_size=1024")
        db.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, "
                   "blob BLOB NOT NULL)")
        db.executemany("INSERT INTO Packages (blob) VALUES (?)", [(b,) for b in blobs[:3]])
        db.commit()
        db.execute("VACUUM")
        db.close()
        add("rpm", small.read_bytes(), sel(3), BIG_CAP)
        add("rpm", small.read_bytes(), sel(4), BIG_CAP)

# --- language: the byte picks the file name (fuzz/language.cpp) ------------------------------
LANG = {0: ["pkgdb/python/**/*.METADATA", "pkgdb/python/**/METADATA",
            "pkgdb/python/scalibr-wheelegg/distinfo_meta"],
        1: ["pkgdb/python/**/*.PKG-INFO", "pkgdb/python/**/PKG-INFO",
            "pkgdb/python/scalibr-wheelegg/pkginfo"],
        2: ["pkgdb/ruby/**/*.gemspec"], 3: ["pkgdb/ruby/**/Gemfile.lock"],
        4: ["pkgdb/php/**/composer.lock"], 5: ["pkgdb/php/**/installed.json"],
        6: ["pkgdb/dotnet/**/*.deps.json"], 7: ["pkgdb/dotnet/**/packages.lock.json"],
        8: ["pkgdb/java/**/*.jar"], 9: ["pkgdb/npm/**/package.json"],
        10: ["pkgdb/npm-lock/**/*.json", "pkgdb/npm/**/package-lock.json"],
        11: ["pkgdb/npm/**/yarn.lock"], 12: ["pkgdb/npm/**/pnpm-lock.yaml"],
        13: ["pkgdb/rust/**/Cargo.lock"], 15: ["pkgdb/python/**/*.egg"]}
for i, patterns in LANG.items():
    for pat in patterns:
        for data in list(files(pat, 128 << 10))[:12]:
            add("language", data, sel(i), 128 << 10)
add("language", "Manifest-Version: 1.0\nImplementation-Vendor-Id: org.example\n"
    "Implementation-Title: demo\nImplementation-Version: 1.2.3\nBundle-SymbolicName: a.b.c;x=y\n",
    sel(16))
add("language", "groupId=org.example\nartifactId=demo\nversion=1.0\\u0041\n# c\nx : y\\\n  z\n",
    sel(17))
elf = b"\x7fELF\x02\x01\x01" + b"\0" * 57
add("language", elf + b"\xff Go buildinf:" + b"\0" * 32, sel(14))

# --- secret: the byte picks the path --------------------------------------------------------
add("secret", "AWS_ACCESS_KEY_ID=AKIA" + "Q" * 16 + "\naws_secret_access_key = "
    + "a1B2" * 10 + "\n", sel(1))
add("secret", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow" + "A" * 200
    + "\n-----END RSA PRIVATE KEY-----\n", sel(2))
add("secret", 'GITHUB_TOKEN="ghp_' + "x1Y2" * 9 + '"\nSLACK=xoxb-1234567890-abcdefghij\n', sel(0))
add("secret", 'password = "hunter2hunter2"\nstripe_key = "sk_live_' + "a" * 24 + '"\n', sel(3))
add("secret", '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----"}',
    sel(4))
add("secret", "https://user:glpat-" + "z" * 20 + "@gitlab.com\n", sel(5))

# --- osv: '0' record '1' document ----------------------------------------------------------
for data in list(files("osv*/**/*.json"))[:80]:
    add("osv", data, sel(0))
add("osv", b"[" + b",".join(list(files("osv/go/*.json"))[:3]) + b"]", sel(1))

# --- vulndb: '0' a database file '1' an assembled one (fuzz/vulndb.cpp) ----------------------
for data in files("fuzz/seeds/vulndb/*", BIG_CAP):
    add("vulndb", data, sel(0), BIG_CAP)
add("vulndb", b'{"format_version":2,"ecosystems":[{"name":"Alpine:v3.18"},{"name":"Debian:12"},'
    b'{"name":"PyPI"}]}', sel(1))

# --- cache: '0' record '1' record body '2' cacher.json ----------------------------------------
for data in files("fuzz/seeds/cache/*", BIG_CAP):
    add("cache", data, sel(0), BIG_CAP)
for data in files("fuzz/seeds/cache-body/*", BIG_CAP):
    add("cache", data, sel(1), BIG_CAP)
add("cache", json.dumps({"cache_records": {"sha256:" + "a" * 64: {
    "size": 10, "reference_count": 2, "last_referred": "2026-11-23T12:03:32.123456789Z",
    "analyzer_version": "1"}}, "aliases": {"sha256:" + "b" * 64: "sha256:" + "a" * 64},
    "cache_hits": 1, "cache_misses": 2, "record_count": 1, "record_total_size": 10,
    "cache_max_size": 0}), sel(2))

# --- policy: '0' ignore file '1' VEX '2' severities '3' purl pattern + purl --------------------
add("policy", "CVE-2019-1234\nCVE-2020-1 exp:2030-01-01 # comment\n# only a comment\n", sel(0))
add("policy", "- id: CVE-2019-1234\n  packages: [busybox, \"pkg:apk/alpine/musl@1.1.22-r2\"]\n"
    "  reason: \"not reachable\"\n  expires: 2025-01-31\n", sel(0))
add("policy", json.dumps({"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
    {"vulnerability": {"name": "CVE-2023-1", "aliases": ["GHSA-x"]},
     "products": [{"@id": "pkg:apk/alpine/musl@1.1.22-r2",
                   "subcomponents": [{"@id": "pkg:npm/a@1"}]}],
     "status": "not_affected", "justification": "vulnerable_code_not_present"}]}), sel(1))
add("policy", json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
    {"bom-ref": "c1", "purl": "pkg:deb/debian/openssl@3.0.11-1?arch=amd64"}],
    "vulnerabilities": [{"id": "CVE-2023-2", "analysis": {"state": "not_affected",
                                                          "justification": "code_not_reachable"},
                         "affects": [{"ref": "c1"}]}]}), sel(1))
for p in sorted((ROOT / "tests/golden/formats").glob("*.cyclonedx")):
    add("policy", p.read_bytes(), sel(1))
add("policy", "CRITICAL, high,Medium", sel(2))
add("policy", "pkg:apk/alpine/musl\npkg:apk/alpine/musl@1.1.22-r2?arch=x86_64", sel(3))
add("policy", "pkg:npm/%40scope/a@1.0?x=1\npkg:NPM/@scope/a@1.0?x=1&y=2", sel(3))

# --- vercmp: scheme byte, "a\nb" -------------------------------------------------------------
VER = {0: "vercmp/dpkg/*.tsv", 1: "vercmp/rpm/*.tsv", 2: "vercmp/apk/*.tsv",
       3: "vercmp/pep440/*.tsv", 4: "vercmp/npm-semver/semver*.tsv", 5: "vercmp/go-semver/*.tsv",
       6: "vercmp/maven/*.tsv", 7: "vercmp/other-ecosystems/*rubygems*",
       8: "vercmp/other-ecosystems/*nuget*", 9: "vercmp/other-ecosystems/*packagist*"}
for i, pat in VER.items():
    pairs = []
    for p in sorted(TD.glob(pat)):
        for line in p.read_text(errors="replace").splitlines():
            cols = line.split("\t")
            if len(cols) >= 2 and not line.startswith("#"):
                pairs.append((cols[0], cols[-1] if len(cols) == 2 else cols[2]))
    for a, b in pairs[:: max(1, len(pairs) // 25)][:25]:
        add("vercmp", f"{a}\n{b}", sel(i))
add("vercmp", "1.0\nx", sel(10))
for line in list((TD / "vercmp/npm-semver/semver_range_include.jsonl").read_text().splitlines())[:30]:
    try:
        rng, ver = json.loads(line)[:2]
        add("vercmp", f"{ver}\n{rng}", sel(11))
    except (ValueError, TypeError):
        pass

if OUT.exists():
    shutil.rmtree(OUT)
for harness, seeds in sorted(corpora.items()):
    d = OUT / harness
    d.mkdir(parents=True)
    for s in seeds:
        (d / hashlib.sha1(s).hexdigest()).write_bytes(s)
    print(f"{harness:12} {len(seeds):4} seeds {sum(map(len, seeds)) >> 10:6} KiB")
