#!/usr/bin/env python3
"""make_lang_images.py OUT [--npm N] [--jars N] [--go N] [--python N]: the language-package
images of bench/detect (issue 14), in one OCI layout.

Four layers, one per ecosystem, as a Dockerfile that runs `npm ci`, `pip install`, copies jars
and copies Go binaries makes them (one layer per step; it also lets the bench time each
ecosystem on its own layer, with no extra blob):
  npm     /app/node_modules: N installed packages (default 5000), about 15% scoped (@scope/name),
          about 10% nested (node_modules/a/node_modules/b, a few two levels down), each with its
          package.json, a README.md, a LICENSE and 1-5 JavaScript files; /app/package.json and
          /app/package-lock.json (v3, listing every installed package: strata reports each once,
          as the installed package.json)
  maven   N archives (default 200): plain jars in /opt/app-*/lib and /usr/share/java, copies of
          the real jars of testdata/pkgdb/java (guava, a shaded hadoop-guava with five
          pom.properties, and the jars inside trivy's maven.war and gradle.war); two Spring
          Boot fat jars (/opt/svc-*/svc-*.jar: BOOT-INF/lib/*.jar STORED, as Spring Boot writes
          them), two wars (/usr/local/tomcat/webapps: WEB-INF/lib/*.jar) and copies of trivy's
          nested.jar (three levels)
  go      N Go executables (default 50) in /usr/local/bin, mode 0755: copies of the ELF
          fixtures of testdata/pkgdb/go-binary (Go 1.22 inline build info with a replace
          directive, Go 1.15 pointer format with three modules, Go 1.22 arm64 with no modules)
  pypi    /usr/local/lib/python3.11/site-packages: N dist-infos (default 2000), each METADATA
          one of the real METADATA files of testdata/pkgdb/python with its Name and Version
          rewritten, plus RECORD, WHEEL, INSTALLER, top_level.txt and a package directory of
          an __init__.py and 2-3 modules of this Python's standard library (real source bulk)
Every package is distinct: npm and Python names carry a number, the jars' pom.properties
versions are rewritten ("31.1-jre-17"), the Go binaries' module versions (and the same strings
in their file paths) have their last four hex digits replaced by the copy's number.

Each layer is written twice from the same bytes: once as above, once as the baseline, in which
strata finds nothing: package.json, package-lock.json and METADATA renamed to *.copy, each
archive's extension followed by ".copy" (x.jar.copy), the Go binaries without an execute bit
(strata finds executables by the bit and the first bytes). So strata(lang) - strata(base) is
what detection costs, not what decompressing and hashing the layer costs.

Tags in OUT (an OCI layout; the blobs are shared):
  lang, base              the four layers (the image of the issue), and its baseline
  npm, maven, go, pypi    one layer each; *-base their baselines (npm-base, ...)
OUT/expected-lang.tsv lists what strata must report for `lang` (type, name, version, path), one
package a line, worked out here from what was written (the archives read back with zipfile; the
Go rows from the fixtures' expected.tsv, checked against `go version -m` when Go is installed).
Layers are deterministic tars (sorted names, owner 0, mtime 2024-01-01) compressed by `gzip -6
-n`; index.json is written last (bench/common.bash's generate_once tests it). Nothing is written
outside OUT."""
import argparse, base64, hashlib, io, json, os, random, re, shutil, subprocess, sys, tarfile
import zipfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
FIXTURES = os.path.join(ROOT, "testdata", "pkgdb")
MTIME = 1704067200  # 2024-01-01T00:00:00Z
ARCHIVE_EXTS = (".jar", ".war", ".ear", ".par", ".sar", ".jpi", ".hpi")
SITE = "usr/local/lib/python3.11/site-packages"


# ---------------------------------------------------------------- text pools
JS_WORDS = ("value options config result callback error buffer stream request response handler "
            "module exports require length index item items key keys data state props context "
            "parse format resolve reject promise listener event emit target source path name "
            "type string number object array function undefined null this self args opts").split()
MD_WORDS = ("the of and to in is for that with on as by this be are from at or an it not which "
            "install usage example options returns default package module function license api "
            "npm node version support browser string object array callback promise test").split()


def js_pool(rng, size):
    """About `size` bytes of CommonJS-like source (compresses ~4-5x by gzip, as real JS does)."""
    out, n = ["'use strict';\n"], 0
    w = JS_WORDS
    while n < size:
        a, b, c, d = (rng.choice(w) for _ in range(4))
        f = a + b.capitalize() + str(rng.randrange(100))
        kind = rng.randrange(6)
        if kind == 0:
            s = f"const {a}{rng.randrange(50)} = require('{rng.choice(MD_WORDS)}-{c}');\n"
        elif kind == 1:
            s = (f"function {f}({a}, {b}) {{\n  if ({a} == null) {{\n    return {c};\n  }}\n"
                 f"  const {d} = {a}.{c}({b}, {rng.randrange(1000)});\n  return {d};\n}}\n\n")
        elif kind == 2:
            s = (f"{a}.prototype.{f} = function ({b}) {{\n  this.{c} = {b} || {{}};\n"
                 f"  for (let i = 0; i < this.{d}.length; i++) {{\n"
                 f"    this.{c}[i] = this.{d}[i] + {rng.randrange(64)};\n"
                 "  }\n  return this;\n};\n\n")
        elif kind == 3:
            s = f"// {' '.join(rng.choices(MD_WORDS, k=rng.randint(5, 12)))}\n"
        elif kind == 4:
            s = (f"module.exports.{f} = async function {f}({a}) {{\n"
                 f"  const {b} = await {c}({a}, '{rng.choice(w)}');\n"
                 f"  if (!{b}) throw new TypeError('{a} {b} {c} expected');\n"
                 f"  return {b};\n}};\n\n")
        else:
            s = f"var {f} = {{ {a}: {rng.randrange(10000)}, {b}: '{c}-{d}', {c}: [{a}, {b}] }};\n"
        out.append(s)
        n += len(s)
    return "".join(out).encode()


def md_pool(rng, size):
    out, n = [], 0
    while n < size:
        if rng.randrange(8) == 0:
            s = f"\n## {' '.join(rng.choices(MD_WORDS, k=3)).title()}\n\n"
        elif rng.randrange(6) == 0:
            s = f"```js\nconst {rng.choice(JS_WORDS)} = require('{rng.choice(MD_WORDS)}');\n```\n"
        else:
            s = " ".join(rng.choices(MD_WORDS, k=rng.randint(8, 16))).capitalize() + ".\n"
        out.append(s)
        n += len(s)
    return "".join(out).encode()


def slice_of(pool, rng, size):
    at = rng.randrange(0, len(pool) - size)
    return pool[at:at + size]


MIT = b"""MIT License

Copyright (c) %d %s

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.
"""


# ---------------------------------------------------------------- layers
class Entry:
    """One regular file of a layer: its path and mode in the lang image and in the baseline."""
    __slots__ = ("path", "mode", "data", "base_path", "base_mode")

    def __init__(self, path, data, mode=0o644, base_path=None, base_mode=None):
        self.path, self.data, self.mode = path, data, mode
        self.base_path = base_path or path
        self.base_mode = mode if base_mode is None else base_mode


class HashingPipe:
    """The write end of `gzip -6 -n > blob`, hashing what goes in (the layer's diff_id)."""

    def __init__(self, blob_path):
        self.file = open(blob_path, "wb")
        self.proc = subprocess.Popen(["gzip", "-6", "-n"], stdin=subprocess.PIPE, stdout=self.file)
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, b):
        self.sha.update(b)
        self.size += len(b)
        self.proc.stdin.write(b)
        return len(b)

    def close(self):
        self.proc.stdin.close()
        if self.proc.wait() != 0:
            sys.exit("make_lang_images: gzip failed")
        self.file.close()


def tar_info(name, mode, size=0, kind=tarfile.REGTYPE):
    ti = tarfile.TarInfo(name)
    ti.size, ti.mode, ti.type, ti.mtime = size, mode, kind, MTIME
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = "root"
    return ti


def write_layers(entries, work, name):
    """Writes the lang and the baseline layer of `entries` as gzip blobs in `work`, side by side
    (each content is made once: a jar is rewritten as it is written); returns {variant: (blob
    path, diff_id, uncompressed MiB)}. Both tars list the same directories and files in the
    order of the lang paths (sorted; a directory entry before what it holds); the baseline's
    files differ only in name or mode."""
    items = {}
    for e in entries:
        assert e.path not in items, e.path
        items[e.path] = e
        d = os.path.dirname(e.path)
        while d and d not in items:
            items[d] = None
            d = os.path.dirname(d)
    blobs = {v: os.path.join(work, f"{name}-{v}.tar.gz") for v in ("lang", "base")}
    pipes = {v: HashingPipe(blobs[v]) for v in blobs}
    tars = {v: tarfile.open(fileobj=pipes[v], mode="w|", format=tarfile.PAX_FORMAT)
            for v in blobs}
    for path in sorted(items):
        e = items[path]
        if e is None:
            for t in tars.values():
                t.addfile(tar_info(path, 0o755, kind=tarfile.DIRTYPE))
            continue
        data = e.data() if callable(e.data) else e.data
        tars["lang"].addfile(tar_info(e.path, e.mode, len(data)), io.BytesIO(data))
        tars["base"].addfile(tar_info(e.base_path, e.base_mode, len(data)), io.BytesIO(data))
    out = {}
    for v in blobs:
        tars[v].close()
        pipes[v].close()
        out[v] = (blobs[v], "sha256:" + pipes[v].sha.hexdigest(), pipes[v].size / 1048576)
    return out


# ---------------------------------------------------------------- npm
SCOPES = ("@babel", "@types", "@aws-sdk", "@smithy", "@jest", "@vue", "@nestjs", "@emotion",
          "@angular", "@octokit")


def npm_fixture_names():
    """Package names from the package-lock.json fixtures (real npm names)."""
    names = set()
    top = os.path.join(FIXTURES, "npm-lock")
    for d, _, fs in os.walk(top):
        for f in fs:
            if not f.endswith(".json"):
                continue
            try:
                doc = json.load(open(os.path.join(d, f)))
            except ValueError:
                continue
            for k in (doc.get("packages") or {}):
                if "node_modules/" in k:
                    names.add(k.rsplit("node_modules/", 1)[1])

            def walk(deps):
                for k, v in (deps or {}).items():
                    names.add(k)
                    if isinstance(v, dict):
                        walk(v.get("dependencies"))
            walk(doc.get("dependencies"))
    return sorted(n for n in names if re.fullmatch(r"(@[a-z0-9._-]+/)?[a-z0-9._-]+", n))


def npm_entries(n, expected):
    rng = random.Random(14)
    js, md = js_pool(random.Random(1), 8 << 20), md_pool(random.Random(2), 4 << 20)
    bases = npm_fixture_names()
    assert len(bases) > 50, "too few npm names in testdata/pkgdb/npm-lock"
    pkgs = []  # (name, version, install dir relative to /app)
    top_level = []
    for k in range(n):
        base = bases[k % len(bases)]
        round_ = k // len(bases)
        scope = None
        if base.startswith("@"):
            scope, base = base.split("/", 1)
        elif k % 7 == 3:
            scope = SCOPES[k % len(SCOPES)]
        local = base if round_ == 0 else f"{base}-{round_}"
        name = f"{scope}/{local}" if scope else local
        version = f"{rng.randint(0, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"
        if k % 23 == 0:
            version += f"-beta.{k % 5}"
        if k % 10 == 5 and top_level:  # nested under an earlier package (rarely two levels)
            parent = rng.choice(top_level)
            if k % 50 == 5:
                parent = f"{parent}/node_modules/{top_level[(k * 7) % len(top_level)]}"
            where = f"node_modules/{parent}/node_modules/{name}"
        else:
            where = f"node_modules/{name}"
            if not scope:
                top_level.append(name)
        pkgs.append((name, version, where))
    entries = []
    lock = {"": {"name": "bench-app", "version": "1.0.0", "license": "MIT",
                 "dependencies": {}}}
    for k, (name, version, where) in enumerate(pkgs):
        frng = random.Random(-k)
        deps = {pkgs[frng.randrange(n)][0]: f"^{frng.randint(0, 9)}.{frng.randint(0, 9)}.0"
                for _ in range(frng.randint(0, 6))}
        deps.pop(name, None)
        manifest = {
            "name": name, "version": version,
            "description": " ".join(frng.choices(MD_WORDS, k=frng.randint(4, 12))).capitalize(),
            "main": "index.js", "types": "index.d.ts" if frng.randrange(3) == 0 else None,
            "files": ["index.js", "lib/"], "scripts": {"test": "node test.js",
                                                      "build": f"tsc -p {frng.choice(JS_WORDS)}"},
            "repository": {"type": "git",
                           "url": f"git+https://github.com/bench/{name.lstrip('@')}.git"},
            "keywords": frng.choices(MD_WORDS, k=frng.randint(0, 6)),
            "author": f"{frng.choice(JS_WORDS).title()} <{frng.choice(JS_WORDS)}@example.com>",
            "license": frng.choice(["MIT", "ISC", "Apache-2.0", "BSD-3-Clause"]),
            "bugs": {"url": f"https://github.com/bench/{name.lstrip('@')}/issues"},
            "homepage": f"https://github.com/bench/{name.lstrip('@')}#readme",
            "engines": {"node": f">={frng.choice([8, 10, 12, 14, 16, 18])}"},
            "dependencies": deps or None,
            "devDependencies": {"mocha": "^10.2.0", "eslint": "^8.0.0"}
            if frng.randrange(2) else None,
        }
        manifest = {k2: v for k2, v in manifest.items() if v is not None}
        d = f"app/{where}"
        pj = (json.dumps(manifest, indent=2) + "\n").encode()
        entries.append(Entry(f"{d}/package.json", pj, base_path=f"{d}/package.json.copy"))
        expected.append(("npm", name, version, f"/{d}/package.json"))
        entries.append(Entry(f"{d}/README.md", slice_of(md, frng, frng.randint(800, 6000))))
        entries.append(Entry(f"{d}/LICENSE", MIT % (2015 + k % 9, manifest["author"].encode())))
        entries.append(Entry(f"{d}/index.js", slice_of(js, frng, frng.randint(500, 12000))))
        for j in range(frng.randint(0, 4)):
            entries.append(Entry(f"{d}/lib/{frng.choice(JS_WORDS)}-{j}.js",
                                 slice_of(js, frng, int(frng.expovariate(1 / 8000)) + 200)))
        lock[where] = {"version": version,
                       "resolved": f"https://registry.npmjs.org/{name}/-/"
                                   f"{name.split('/')[-1]}-{version}.tgz",
                       "integrity": "sha512-" + base64.b64encode(
                           hashlib.sha512(pj).digest()).decode(),
                       "license": manifest["license"]}
        if deps:
            lock[where]["dependencies"] = deps
        if where.count("node_modules/") == 1:
            lock[""]["dependencies"][name] = f"^{version}"
    app = {"name": "bench-app", "version": "1.0.0", "private": True,
           "dependencies": lock[""]["dependencies"]}
    entries.append(Entry("app/package.json", (json.dumps(app, indent=2) + "\n").encode(),
                         base_path="app/package.json.copy"))
    lockfile = {"name": "bench-app", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
                "packages": lock}
    entries.append(Entry("app/package-lock.json", (json.dumps(lockfile, indent=2) + "\n").encode(),
                         base_path="app/package-lock.json.copy"))
    return entries


# ---------------------------------------------------------------- maven
def pom_coordinates(text):
    props = {}
    for line in text.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "!")) and "=" in line:
            k, v = line.split("=", 1)
            props[k.strip()] = v.strip()
    return props.get("groupId"), props.get("artifactId"), props.get("version")


def rewrite_archive(data, suffix, depth=0):
    """`data` (a zip) with every pom.properties' version followed by `suffix`, recursively in
    nested archives; other entries copied, each with its original compression."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            base = info.filename.rsplit("/", 1)[-1]
            if base == "pom.properties":
                body = re.sub(rb"(?m)^(version\s*=\s*)(.*?)(\r?)$",
                              lambda m: m.group(1) + m.group(2) + suffix.encode() + m.group(3),
                              body, count=1)
            elif info.filename.lower().endswith(ARCHIVE_EXTS) and depth < 4:
                body = rewrite_archive(body, suffix, depth + 1)
            zi = zipfile.ZipInfo(info.filename, info.date_time)
            zi.compress_type, zi.external_attr = info.compress_type, info.external_attr
            dst.writestr(zi, body)
    return buf.getvalue()


def maven_expected(data, path, out, depth=0):
    """What strata reports for the archive `data` at `path`: its own pom.properties (each
    once) and those of every nested archive ("PATH!/ENTRY"), down to four levels."""
    z = zipfile.ZipFile(io.BytesIO(data))
    own = []
    for info in z.infolist():
        if info.filename.rsplit("/", 1)[-1] == "pom.properties":
            g, a, v = pom_coordinates(z.read(info))
            if g and a and v and (g, a, v) not in own:
                own.append((g, a, v))
        elif info.filename.lower().endswith(ARCHIVE_EXTS) and depth < 4:
            maven_expected(z.read(info), f"{path}!/{info.filename}", out, depth + 1)
    # Every archive written here has a pom.properties of its own, so strata never falls back
    # to its manifest (which this oracle does not read).
    assert own, f"{path}: no pom.properties"
    out.extend(("java", f"{g}:{a}", v, path) for g, a, v in own)


def jar_pool():
    """(file name, bytes) of the real jars with Maven metadata: guava, the shaded hadoop-guava,
    multi-license and the jars inside trivy's maven.war and gradle.war."""
    java = os.path.join(FIXTURES, "java")
    pool = []
    for rel in ("scalibr-guava/guava-31.1-jre.jar",
                "trivy-jar-parser/hadoop-shaded-guava-1.1.0-SNAPSHOT.jar",
                "trivy-jar-parser/multi-license-1.0.0.jar"):
        pool.append((os.path.basename(rel), open(os.path.join(java, rel), "rb").read()))
    for war in ("maven.war", "gradle.war"):
        z = zipfile.ZipFile(os.path.join(java, "trivy-jar-parser", war))
        for info in z.infolist():
            if info.filename.startswith("WEB-INF/lib/") and info.filename.endswith(".jar"):
                pool.append((info.filename.rsplit("/", 1)[-1], z.read(info)))
    return pool


def jar_name(file_name, suffix):
    stem = file_name[:-4]
    return f"{stem}{suffix}.jar"


def container_archive(kind, k, libs, app_classes):
    """A Spring Boot fat jar (BOOT-INF/lib, STORED) or a war (WEB-INF/lib, deflated) holding
    `libs` [(name, bytes)], some class files and a pom.properties of its own."""
    buf = io.BytesIO()
    group, artifact = "com.example.bench", f"{'svc' if kind == 'boot' else 'webapp'}-{k}"
    libdir, classes = (("BOOT-INF/lib/", "BOOT-INF/classes/") if kind == "boot"
                       else ("WEB-INF/lib/", "WEB-INF/classes/"))
    date = (2024, 1, 1, 0, 0, 0)  # a ZipInfo for every entry: writestr(name) stamps the time

    def put(z, name, body, method=zipfile.ZIP_DEFLATED):
        zi = zipfile.ZipInfo(name, date)
        zi.compress_type = method
        z.writestr(zi, body)

    with zipfile.ZipFile(buf, "w") as z:
        main = ("Main-Class: org.springframework.boot.loader.JarLauncher\r\n"
                f"Start-Class: com.example.bench.Svc{k}\r\n" if kind == "boot" else "")
        put(z, "META-INF/MANIFEST.MF", f"Manifest-Version: 1.0\r\n{main}"
            f"Implementation-Title: {artifact}\r\nImplementation-Version: 1.{k}.0\r\n\r\n")
        put(z, f"META-INF/maven/{group}/{artifact}/pom.properties",
            f"artifactId={artifact}\ngroupId={group}\nversion=1.{k}.0\n")
        for name, body in app_classes:
            put(z, classes + name, body)
        for name, body in libs:
            put(z, libdir + name, body,
                zipfile.ZIP_STORED if kind == "boot" else zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def maven_entries(n, expected):
    pool = jar_pool()
    nested = open(os.path.join(FIXTURES, "java", "trivy-jar-parser", "nested.jar"), "rb").read()
    guava = zipfile.ZipFile(io.BytesIO(pool[0][1]))
    classes = [(i.filename, guava.read(i)) for i in guava.infolist()
               if i.filename.endswith(".class")][:400]
    entries = []

    def add(path, data):
        maven_expected(data, "/" + path, expected)
        entries.append(Entry(path, data, base_path=path + ".copy"))

    # Containers first: two fat jars of 30 libraries, two wars of 15 (fewer with fewer jars),
    # then six copies of nested.jar, then plain jars. k numbers every archive copied.
    k = 0
    containers = [("boot", 30), ("boot", 30), ("war", 15), ("war", 15)]
    for c, (kind, count) in enumerate(containers[:max(0, min(4, n // 10))]):
        libs = []
        for j in range(count):
            k += 1
            name, body = pool[(c * 7 + j) % len(pool)]
            libs.append((jar_name(name, f"-{k}"), rewrite_archive(body, f"-{k}")))
        path = (f"opt/svc-{c}/svc-{c}.jar" if kind == "boot"
                else f"usr/local/tomcat/webapps/webapp-{c}.war")
        add(path, container_archive(kind, c, libs, classes[c * 100:(c + 1) * 100]))
    for c in range(min(6, n // 30)):
        k += 1
        add(f"opt/plugins/nested-{c}.jar", rewrite_archive(nested, f"-{k}"))
    dirs = [f"opt/app-{a}/lib" for a in range(5)] + ["usr/share/java"]
    for j in range(n - len(entries)):
        k += 1
        name, body = pool[j % len(pool)]
        add(f"{dirs[j % len(dirs)]}/{jar_name(name, f'-{k}')}", rewrite_archive(body, f"-{k}"))
    return entries


# ---------------------------------------------------------------- go
# The ELF fixtures, their packages as strata reports them (expected.tsv: the main module is
# "(devel)", not reported; the toolchain as stdlib), and the hex strings made distinct per copy.
GO_FIXTURES = [
    ("scalibr-go-binaries/binary_with_module_replacement-linux-amd64",
     [("github.com/golang/xerrors", "v0.0.0-20220907171357-04be3eba64a2"), ("stdlib", "1.22.0")],
     ["04be3eba64a2"]),
    ("trivy-go-binaries/test.elf",
     [("github.com/aquasecurity/go-pep440-version", "v0.0.0-20210121094942-22b2f8951d46"),
      ("github.com/aquasecurity/go-version", "v0.0.0-20210121072130-637058cfe492"),
      ("golang.org/x/xerrors", "v0.0.0-20200804184101-5ec99f83aff1"), ("stdlib", "1.15.2")],
     ["22b2f8951d46", "637058cfe492", "5ec99f83aff1"]),
    ("trivy-go-binaries/goexperiment", [("stdlib", "1.22.1")], []),
]


def go_version_m(data, work):
    """`go version -m` of `data`: [(module, version)] as strata reports them, or None."""
    if not shutil.which("go"):
        return None
    tmp = os.path.join(work, "go-check")
    with open(tmp, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o755)
    out = subprocess.run(["go", "version", "-m", tmp], check=True, capture_output=True,
                         text=True).stdout
    lines = out.splitlines()
    toolchain = lines[0].split(": ", 1)[1].split()[0]
    mods = []
    for line in lines[1:]:
        f = line.strip().split("\t")
        if f[0] == "dep":
            mods.append((f[1], f[2]))
        elif f[0] == "=>":
            mods[-1] = (f[1], f[2])
    mods.append(("stdlib", toolchain[2:]))
    return sorted(mods)


def go_entries(n, expected, work):
    entries = []
    raw = []
    for rel, packages, hexes in GO_FIXTURES:
        data = subprocess.run(["zstd", "-qdc", os.path.join(FIXTURES, "go-binary", rel + ".zst")],
                              check=True, capture_output=True).stdout
        raw.append((data, packages, hexes))
    for k in range(n):
        data, packages, hexes = raw[k % len(raw)]
        for h in hexes:
            new = h[:-4] + f"{k:04x}"
            data = data.replace(h.encode(), new.encode())
            packages = [(m, v.replace(h, new)) for m, v in packages]
        check = go_version_m(data, work)
        assert check is None or check == sorted(packages), (check, packages)
        path = f"usr/local/bin/gosvc-{k:02d}"
        entries.append(Entry(path, data, mode=0o755, base_mode=0o644))
        expected.extend(("go", m, v, "/" + path) for m, v in packages)
    return entries


# ---------------------------------------------------------------- python
PY_METADATA = [
    "trivy-metadata-files/asyncssh-2.14.2.METADATA", "trivy-metadata-files/distlib-0.3.1.METADATA",
    "trivy-metadata-files/iniconfig-2.0.0.METADATA", "trivy-metadata-files/networkx-3.0.METADATA",
    "trivy-metadata-files/pyphen-0.14.0.METADATA", "trivy-metadata-files/zipp-3.12.1.METADATA",
    "trivy-site-packages-dirs/classifier-license-dist/setuptools-51.3.3.dist-info/METADATA",
    "trivy-site-packages-dirs/license-file-dist/typing_extensions-4.4.0.dist-info/METADATA",
    "scalibr-wheelegg/distinfo_meta", "scalibr-wheelegg/pyopenssl-26.0.0.dist-info",
]


def record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def python_entries(n, expected):
    metas = []
    for rel in PY_METADATA:
        text = open(os.path.join(FIXTURES, "python", rel), "rb").read().decode()
        name = re.search(r"(?m)^Name:\s*(\S+)", text).group(1)
        version = re.search(r"(?m)^Version:\s*(\S+)", text).group(1)
        metas.append((text, name, version))
    stdlib = os.path.dirname(os.__file__)
    sources = sorted(os.path.join(d, f) for d, ds, fs in os.walk(stdlib)
                     if "site-packages" not in d and "dist-packages" not in d
                     for f in fs if f.endswith(".py"))
    assert len(sources) > 100, f"too few .py files under {stdlib}"
    entries = []
    for k in range(n):
        text, base, version = metas[k % len(metas)]
        name = f"{base}-b{k}"
        ver = f"{version}.{k % 10}"
        meta = re.sub(r"(?m)^Name:.*$", f"Name: {name}", text, count=1)
        meta = re.sub(r"(?m)^Version:.*$", f"Version: {ver}", meta, count=1).encode()
        dist = f"{re.sub(r'[-_.]+', '_', name)}-{ver}.dist-info"
        mod = re.sub(r"[-_.]+", "_", name).lower()
        files = {f"{mod}/__init__.py": f'"""{name} {ver}"""\n__version__ = "{ver}"\n'.encode()}
        for j in range(2 + k % 2):
            src = sources[(k * 3 + j) % len(sources)]
            files[f"{mod}/{os.path.basename(src)}"] = open(src, "rb").read()
        files[f"{dist}/METADATA"] = meta
        files[f"{dist}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: bdist_wheel (0.41.2)\n"
                                  b"Root-Is-Purelib: true\nTag: py3-none-any\n")
        files[f"{dist}/INSTALLER"] = b"pip\n"
        files[f"{dist}/top_level.txt"] = f"{mod}\n".encode()
        record = [record_line(p, d) for p, d in files.items()] + [f"{dist}/RECORD,,"]
        files[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
        for p, d in files.items():
            full = f"{SITE}/{p}"
            entries.append(Entry(full, d, base_path=full + ".copy" if p.endswith("/METADATA")
                                 else full))
        expected.append(("python", name, ver, f"/{SITE}/{dist}/METADATA"))
    return entries


# ---------------------------------------------------------------- OCI layout
def put_blob(oci, path=None, data=None):
    if data is None:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        hexd = h.hexdigest()
        os.rename(path, os.path.join(oci, "blobs", "sha256", hexd))
        size = os.path.getsize(os.path.join(oci, "blobs", "sha256", hexd))
    else:
        hexd = hashlib.sha256(data).hexdigest()
        with open(os.path.join(oci, "blobs", "sha256", hexd), "wb") as f:
            f.write(data)
        size = len(data)
    return "sha256:" + hexd, size


def image(oci, layers, what):
    """A manifest of `layers` [(digest, size, diff_id)]; returns its descriptor's digest, size."""
    config = {"architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
              "config": {"Cmd": ["/bin/sh"]},
              "rootfs": {"type": "layers", "diff_ids": [d for _, _, d in layers]},
              "history": [{"created": "2024-01-01T00:00:00Z", "created_by": f"bench {w}"}
                          for w in what]}
    cd, cs = put_blob(oci, data=json.dumps(config, separators=(",", ":")).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           "digest": cd, "size": cs},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                            "digest": d, "size": s} for d, s, _ in layers]}
    return put_blob(oci, data=json.dumps(manifest, separators=(",", ":")).encode())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--npm", type=int, default=5000)
    ap.add_argument("--jars", type=int, default=200)
    ap.add_argument("--go", type=int, default=50)
    ap.add_argument("--python", type=int, default=2000)
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    work = os.path.join(out, "work")
    os.makedirs(os.path.join(out, "blobs", "sha256"))
    os.makedirs(work)
    expected = []
    layers = {}
    for eco, make in (("npm", lambda: npm_entries(a.npm, expected)),
                      ("maven", lambda: maven_entries(a.jars, expected)),
                      ("go", lambda: go_entries(a.go, expected, work)),
                      ("pypi", lambda: python_entries(a.python, expected))):
        print(f"{eco}: files", file=sys.stderr)
        entries = make()
        written = write_layers(entries, work, eco)
        for variant, (blob, diff_id, mib) in written.items():
            digest, size = put_blob(out, path=blob)
            layers[(eco, variant)] = (digest, size, diff_id)
            print(f"{eco} {variant}: {len(entries)} files, {mib:.1f} MiB, {size / 1048576:.1f} "
                  f"MiB gzip", file=sys.stderr)
    with open(os.path.join(out, "expected-lang.tsv"), "w") as f:
        for row in sorted(expected):
            f.write("\t".join(row) + "\n")
    ecos = ("npm", "maven", "go", "pypi")
    tags = {"lang": [layers[(e, "lang")] for e in ecos],
            "base": [layers[(e, "base")] for e in ecos]}
    for e in ecos:
        tags[e] = [layers[(e, "lang")]]
        tags[f"{e}-base"] = [layers[(e, "base")]]
    index = {"schemaVersion": 2, "manifests": []}
    for tag, ls in tags.items():
        what = ecos if tag in ("lang", "base") else [tag]
        d, s = image(out, ls, what)
        index["manifests"].append({"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                   "digest": d, "size": s,
                                   "annotations": {"org.opencontainers.image.ref.name": tag}})
    shutil.rmtree(work)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}\n')
    with open(os.path.join(out, "index.json.tmp"), "w") as f:
        json.dump(index, f)
    os.rename(os.path.join(out, "index.json.tmp"), os.path.join(out, "index.json"))  # last


if __name__ == "__main__":
    main()
