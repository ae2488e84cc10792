#!/usr/bin/env python3
"""Writes a large synthetic multi-layer OCI image layout for bench/scan.

usage: make_image.py OUT_DIR [--layers 4] [--files 100000] [--mib 1024] [--status FILE]
                     [--text-share 0.3]

Files have sizes drawn from a skewed distribution (many small, a few large). Most have content
that compresses roughly like real binaries and text (~2.5x with gzip -6), which a secret scanner
skips as binary; --text-share of them are text files (lines of words, a few with keywords the
secret rules' prefilter looks for, e.g. "password = ${DB_PASSWORD}", which the full expressions
then reject), which it reads through, as the configuration and source files of real images. Layer 1 carries an
/etc/os-release and, when --status is given, a real dpkg status file; the top layer deletes a
few hundred files of the lower layers with whiteouts, so the scan exercises the merged view.
"""
import argparse, gzip, hashlib, io, json, os, random, tarfile, time


def blob(out, data_path=None, data=None):
    h = hashlib.sha256()
    if data is not None:
        h.update(data)
    else:
        with open(data_path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    hexd = h.hexdigest()
    dst = os.path.join(out, "blobs", "sha256", hexd)
    if data is not None:
        with open(dst, "wb") as f:
            f.write(data)
    else:
        os.replace(data_path, dst)
    return "sha256:" + hexd, os.path.getsize(dst)


def content(rng, size, words):
    # half random bytes (incompressible), half text (very compressible): ~2-3x overall
    half = size // 2
    text = " ".join(rng.choice(words) for _ in range(half // 6 + 1)).encode()[: size - half]
    return rng.randbytes(half) + text


def text_content(rng, size, words):
    lines, n = [], 0
    while n < size:
        if rng.random() < 0.02:
            line = rng.choice(["password = ${DB_PASSWORD}", "secret: <changeme>",
                               "token=xxxxxxxx", "aws_access_key_id = placeholder"])
        else:
            line = " ".join(rng.choice(words) for _ in range(rng.randrange(3, 14)))
        lines.append(line)
        n += len(line) + 1
    return ("\n".join(lines) + "\n").encode()[:size]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--mib", type=int, default=1024)
    ap.add_argument("--status")
    ap.add_argument("--text-share", type=float, default=0.3)
    a = ap.parse_args()
    rng = random.Random(42)
    words = [f"w{rng.randrange(10**6)}" for _ in range(5000)]
    os.makedirs(os.path.join(a.out, "blobs", "sha256"), exist_ok=True)
    total = a.mib << 20
    avg = total // a.files
    per_layer = a.files // a.layers
    diff_ids, layers, history, all_paths = [], [], [], []
    t0 = time.time()
    for li in range(a.layers):
        tmp = os.path.join(a.out, f"layer{li}.tmp")
        raw = hashlib.sha256()

        class HashingFile(io.RawIOBase):
            def __init__(self, inner):
                self.inner = inner
            def write(self, b):
                raw.update(b)
                return self.inner.write(b)
            def writable(self):
                return True

        with open(tmp, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", compresslevel=6, mtime=0) as gz:
            with tarfile.open(fileobj=HashingFile(gz), mode="w|", format=tarfile.PAX_FORMAT) as tar:
                def add(path, data, mode=0o644):
                    ti = tarfile.TarInfo(path)
                    ti.size, ti.mode, ti.mtime = len(data), mode, 1700000000
                    tar.addfile(ti, io.BytesIO(data))
                if li == 0:
                    add("etc/os-release", b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n')
                    if a.status:
                        add("var/lib/dpkg/status", open(a.status, "rb").read())
                if li == a.layers - 1:
                    for p in rng.sample(all_paths, min(300, len(all_paths))):
                        d, b = os.path.split(p)
                        add(os.path.join(d, ".wh." + b), b"")
                for i in range(per_layer):
                    size = int(rng.expovariate(1 / avg))
                    if rng.random() < a.text_share:
                        path = f"opt/app/l{li}/d{i % 512}/f{i}.conf"
                        add(path, text_content(rng, size, words))
                    else:
                        path = f"usr/lib/l{li}/d{i % 512}/f{i}.bin"
                        add(path, content(rng, size, words))
                    all_paths.append(path)
        diff_ids.append("sha256:" + raw.hexdigest())
        digest, size = blob(a.out, data_path=tmp)
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest, "size": size})
        history.append({"created_by": f"synthetic layer {li}"})
        print(f"layer {li}: {size >> 20} MiB gzip, {time.time() - t0:.0f}s", flush=True)
    config = {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": history}
    cdigest, csize = blob(a.out, data=json.dumps(config).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdigest, "size": csize},
                "layers": layers}
    mdigest, msize = blob(a.out, data=json.dumps(manifest).encode())
    with open(os.path.join(a.out, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                   "digest": mdigest, "size": msize, "annotations": {"org.opencontainers.image.ref.name": "large"}}]}, f)
    with open(os.path.join(a.out, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')


if __name__ == "__main__":
    main()
