#!/usr/bin/env python3
"""Builds the hostile inputs of tests/golden/hostile_layers.sh: docker-save archives whose layers
are crafted tar/gzip/zstd streams (decompression bombs, huge names, deep trees, many entries,
oversized package databases, overflowing pax sizes, links that point out of the root).

usage: make_inputs.py CASE OUT_DIR   -> writes OUT_DIR/CASE.tar (a docker-save archive)

Everything is generated, deterministic, and written streaming: no case holds its uncompressed
size in memory."""
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import zlib

BLOCK = 512


def header(name, size=0, kind=b"0", link="", mode=0o644, pax=None):
    """One ustar header (with a pax header in front when `pax` is given or the name is long)."""
    out = b""
    records = dict(pax or {})
    if len(name.encode()) > 99 and "path" not in records:
        records["path"] = name
    if len(link.encode()) > 99 and "linkpath" not in records:
        records["linkpath"] = link
    if records:
        body = b""
        for k, v in records.items():
            rec = f" {k}={v}\n".encode()
            n = len(rec)
            while True:
                full = str(n).encode() + rec
                if len(full) == n:
                    break
                n = len(full)
            body += full
        out += header_block("././@PaxHeader", len(body), b"x", "", 0o644)
        out += body + b"\0" * (-len(body) % BLOCK)
    out += header_block(name[:99], size if size < 8**11 else 0, kind, link[:99], mode)
    return out


def header_block(name, size, kind, link, mode):
    h = bytearray(BLOCK)
    def put(off, length, value):
        h[off:off + len(value)] = value[:length]
    put(0, 100, name.encode())
    put(100, 8, b"%07o\0" % mode)
    put(108, 8, b"0000000\0")
    put(116, 8, b"0000000\0")
    put(124, 12, b"%011o\0" % size)
    put(136, 12, b"%011o\0" % 1704067200)
    put(156, 1, kind)
    put(157, 100, link.encode())
    put(257, 8, b"ustar\x0000")
    h[148:156] = b" " * 8
    put(148, 8, b"%06o\0 " % sum(h))
    return bytes(h)


def pad(n):
    return b"\0" * (-n % BLOCK)


class Gzip:
    """A gzip file written member by member (multi-member gzip, as pigz --independent)."""

    def __init__(self, f):
        self.f = f

    def member(self, data, level=9):
        c = zlib.compressobj(level, zlib.DEFLATED, 31)
        self.f.write(c.compress(data) + c.flush())

    def repeat_member(self, data, times, level=9):
        c = zlib.compressobj(level, zlib.DEFLATED, 31)
        blob = c.compress(data) + c.flush()
        for _ in range(times):
            self.f.write(blob)


def diff_id(blob):
    """sha256 of the uncompressed layer (bytes or a path); a placeholder for the bombs, whose
    uncompressed stream is never read to its end (nor should it be, here)."""
    if not isinstance(blob, (bytes, bytearray)):
        with open(blob, "rb") as f:
            magic = f.read(4)
        if magic.startswith(b"\x28\xb5\x2f\xfd"):
            return "sha256:" + "0" * 64
        h = hashlib.sha256()
        opener = gzip.open if magic.startswith(b"\x1f\x8b") else open
        with opener(blob, "rb") as f:
            while True:
                chunk = f.read(1 << 22)
                if not chunk:
                    break
                h.update(chunk)
        return "sha256:" + h.hexdigest()
    return "sha256:" + hashlib.sha256(blob).hexdigest()


def docker_save(out_path, layers, repeat=1, extra_members=(), hash_layers=True):
    """A docker-save archive: `layers` are (name, bytes or path) in order; the manifest lists them
    `repeat` times each (the same blob over and over)."""
    diff_ids = [diff_id(blob) if hash_layers else "sha256:" + "0" * 64 for _, blob in layers]
    with tarfile.open(out_path, "w", format=tarfile.PAX_FORMAT) as t:
        def add(name, data=None, path=None):
            if path is not None:
                t.add(path, arcname=name)
                return
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1704067200
            t.addfile(info, io.BytesIO(data))
        names = []
        for name, blob in layers:
            if isinstance(blob, (bytes, bytearray)):
                add(name, bytes(blob))
            else:
                add(name, path=blob)
            names.append(name)
        config = {"architecture": "amd64", "os": "linux",
                  "rootfs": {"type": "layers", "diff_ids": [d for d in diff_ids for _ in range(repeat)]},
                  "config": {}}
        add("config.json", json.dumps(config).encode())
        for name, data in extra_members:
            add(name, data)
        listed = [n for n in names for _ in range(repeat)]
        manifest = [{"Config": "config.json", "RepoTags": ["hostile:latest"], "Layers": listed}]
        add("manifest.json", json.dumps(manifest).encode())


def tar_bytes(entries):
    """An uncompressed layer from (name, content bytes, kind, link) tuples."""
    out = io.BytesIO()
    for name, content, kind, link in entries:
        out.write(header(name, len(content), kind, link))
        out.write(content + pad(len(content)))
    out.write(b"\0" * (2 * BLOCK))
    return out.getvalue()


def os_release():
    return ("etc/os-release", b'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian 12"\n', b"0", "")


class GzipLayer:
    """A gzip layer written streaming: os-release first, then what write() gets, then the
    end-of-archive footer when the `with` block ends."""

    def __init__(self, path, level):
        self.f = open(path, "wb")
        self.c = zlib.compressobj(level, zlib.DEFLATED, 31)
        self.write(tar_bytes([os_release()])[:-2 * BLOCK])

    def write(self, data):
        self.f.write(self.c.compress(data))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.write(self.c.compress(b"\0" * 2 * BLOCK) + self.c.flush())
        self.f.close()


def status_layer(path, body, level):
    """A gzip layer holding os-release and `body` as var/lib/dpkg/status."""
    with GzipLayer(path, level) as g:
        g.write(header("var/lib/dpkg/status", len(body)))
        g.write(body + pad(len(body)))


def build(case, out_dir):
    tmp = os.path.join(out_dir, case + ".layer")
    out = os.path.join(out_dir, case + ".tar")
    mib = 1 << 20
    if case == "gzip-bomb":
        # 10 GiB of one file's zeros in 10 MB of gzip: a tar header member, then 64 MiB zero
        # members (ratio ~1030:1, the most deflate reaches).
        with open(tmp, "wb") as f:
            g = Gzip(f)
            g.member(header("big", 10 << 30))
            g.repeat_member(b"\0" * (64 * mib), 160)
    elif case == "zstd-bomb":
        # 16 GiB in well under a megabyte of zstd frames.
        frame = subprocess.run(["zstd", "-q", "-19", "-c"], input=b"\0" * (256 * mib),
                               stdout=subprocess.PIPE, check=True).stdout
        hdr = subprocess.run(["zstd", "-q", "-c"], input=header("big", 16 << 30),
                             stdout=subprocess.PIPE, check=True).stdout
        with open(tmp, "wb") as f:
            f.write(hdr)
            for _ in range(64):
                f.write(frame)
    elif case == "million-files":
        # a million empty regular files in 1,000 directories
        with GzipLayer(tmp, 1) as g:
            for d in range(1000):
                chunk = [header_block(f"d{d}/", 0, b"5", "", 0o755)]
                chunk += [header_block(f"d{d}/f{i}", 0, b"0", "", 0o644) for i in range(1000)]
                g.write(b"".join(chunk))
    elif case == "long-name":
        # one file whose pax path is 64 KiB long
        name = "/".join(["n" * 250] * 262)
        open(tmp, "wb").write(tar_bytes([os_release(), (name, b"x", b"0", "")]))
    elif case == "deep-dirs":
        # 10,000 nested directories, each its own entry
        entries = [os_release()]
        path = ""
        for i in range(10000):
            path += "d/"
            entries.append((path, b"", b"5", ""))
        open(tmp, "wb").write(tar_bytes(entries))
    elif case == "deep-path":
        # one directory entry whose pax path has 300,000 components (stack depth, not length)
        name = "a/" * 300000
        open(tmp, "wb").write(tar_bytes([os_release(), (name, b"", b"5", "")]))
    elif case == "links-out":
        # symlinks and hard links that point out of the root, at /proc, in loops, at nothing
        entries = [
            ("etc/os-release", b"", b"2", "../../../../../etc/os-release"),
            ("usr/lib/os-release", b"", b"2", "/proc/self/environ"),
            ("var/lib/dpkg/status", b"", b"2", "../../../../../../etc/shadow"),
            ("lib/apk/db/installed", b"", b"2", "/proc/self/pagemap"),
            ("loop/a", b"", b"2", "b"),
            ("loop/b", b"", b"2", "a"),
            ("var/lib/rpm", b"", b"2", "../../loop/a"),
            ("chain/0", b"", b"2", "1"),
        ] + [(f"chain/{i}", b"", b"2", f"{i + 1}") for i in range(1, 100)] + [
            ("hard/none", b"", b"1", "does/not/exist"),
            ("hard/lower", b"", b"1", "etc/passwd"),
        ]
        open(tmp, "wb").write(tar_bytes(entries))
    elif case == "kept-files":
        # twelve 30 MiB zero-filled dpkg status.d files: 360 MiB kept, 1.6 MB of gzip
        with GzipLayer(tmp, 9) as g:
            for i in range(12):
                g.write(header(f"var/lib/dpkg/status.d/p{i}", 30 * mib))
                for _ in range(30):
                    g.write(b"\0" * mib)
    elif case in ("colonless-status", "repeated-layer"):
        # a 31 MiB dpkg status of bare "x" lines (16 million lines without a colon)
        status_layer(tmp, b"x\n" * (31 * mib // 2), 9)
    elif case == "many-packages":
        # 1.2 million minimal installed packages in one 31 MiB dpkg status
        lines = []
        size = 0
        i = 0
        while True:
            p = b"Package: p%d\nVersion: 1\n\n" % i
            if size + len(p) > 31 * mib:
                break
            lines.append(p)
            size += len(p)
            i += 1
        status_layer(tmp, b"".join(lines), 6)
    elif case == "many-symlinks":
        # a million tiny symlinks
        with GzipLayer(tmp, 1) as g:
            for d in range(1000):
                g.write(b"".join(
                    header_block(f"s{d}/{i}", 0, b"2", "x", 0o777) for i in range(1000)))
    elif case == "huge-status":
        # a 1 GiB dpkg status with one package (the rest one long Description)
        with open(tmp, "wb") as f:
            g = Gzip(f)
            head = b"Package: big\nStatus: install ok installed\nVersion: 1\nDescription: x\n"
            size = 1 << 30
            g.member(tar_bytes([os_release()])[:-2 * BLOCK] + header("var/lib/dpkg/status", size)
                     + head)
            g.repeat_member(b" " * (64 * mib), (size - len(head)) // (64 * mib))
            rest = (size - len(head)) % (64 * mib)
            g.member(b" " * rest + pad(size) + b"\0" * 2 * BLOCK)
    elif case == "pax-size-overflow":
        # a pax size record of 9223372036854775000 bytes
        data = header("big", 0, pax={"size": "9223372036854775000"})
        open(tmp, "wb").write(tar_bytes([os_release()])[:-2 * BLOCK] + data + b"\0" * 4 * BLOCK)
    elif case == "json-members":
        # 40 unused 15 MiB JSON-looking members next to a small image
        layer = tar_bytes([os_release()])
        junk = b"{" + b" " * (15 * mib - 2) + b"}"
        docker_save(out, [("layer.tar", layer)],
                    extra_members=[(f"junk{i}.json", junk) for i in range(40)])
        return out
    elif case == "control-chars":
        # names and a package with newlines and ANSI escapes
        status = (b"Package: evil\x1b[31mRED\nStatus: install ok installed\n"
                  b"Version: 1\x1b]0;title\x07\nSource: evil\n\x1b[2Jnot a field\n\n")
        release = b'ID=debian\nVERSION_ID="12\x1b[31m"\n'
        entries = [("etc/os-release", release, b"0", ""), ("var/lib/dpkg/status", status, b"0", ""),
                   ("x\nstrata: note: scan OK", b"", b"0", "")]
        open(tmp, "wb").write(tar_bytes(entries))
        docker_save(out, [("evil\nstrata: note: scan OK/layer.tar", open(tmp, "rb").read())])
        os.unlink(tmp)
        return out
    elif case == "zip-bomb-jar":
        # a 1 MiB jar whose entries inflate to 2 GiB, and a jar nested 40 levels deep
        import zipfile
        jar = io.BytesIO()
        with zipfile.ZipFile(jar, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nImplementation-Title: "
                       "bomb\nImplementation-Version: 1.0\n")
            zeros = b"\0" * (256 * mib)
            for i in range(8):
                z.writestr(f"META-INF/maven/g/a{i}/pom.properties", zeros)
        nested = b"PK\x05\x06" + b"\0" * 18  # an empty zip
        for depth in range(40):
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
                z.writestr(f"lib/n{depth}.jar", nested)
            nested = buf.getvalue()
        entries = [os_release(), ("app/bomb.jar", jar.getvalue(), b"0", ""),
                   ("app/nested.jar", nested, b"0", "")]
        open(tmp, "wb").write(tar_bytes(entries))
    elif case == "control-chars-error":
        # a manifest naming a missing layer whose name forges a second message line
        docker_save(out, [("layer.tar", tar_bytes([os_release()]))])
        bad = "gone\n\x1b[2Jstrata: note: scan OK\r/layer.tar"
        with tarfile.open(out, "a") as t:
            manifest = [{"Config": "config.json", "RepoTags": ["hostile:latest"], "Layers": [bad]}]
            data = json.dumps(manifest).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        return out
    else:
        sys.exit(f"unknown case {case}")
    bombs = ("gzip-bomb", "zstd-bomb", "huge-status", "deep-dirs", "long-name", "deep-path",
             "pax-size-overflow", "many-symlinks")
    docker_save(out, [("layer.tar", tmp)], repeat=32 if case == "repeated-layer" else 1,
                hash_layers=case not in bombs)
    os.unlink(tmp)
    return out


if __name__ == "__main__":
    print(build(sys.argv[1], sys.argv[2]))
