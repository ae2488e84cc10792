#!/usr/bin/env python3
"""Writes a multi-layer OCI image layout for bench/registry from this machine's installed Debian
packages, without network.

usage: make_image.py OUT_DIR [--mib 300] [--layers 6] [--tag bench]

The files of the installed packages (the paths in /var/lib/dpkg/info/*.list that exist as
regular files or symlinks) are tarred package by package into gzip layers (level 6, as
docker/skopeo write them) of about MIB/LAYERS compressed each, until about MIB MiB in total.
Layer 1 also carries the host's /etc/os-release and /var/lib/dpkg/status, so dpkg detection has
real work.
"""
import argparse, glob, gzip, hashlib, io, json, os, stat, sys, tarfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scan"))
from make_image import blob  # noqa: E402  (same blob writer as bench/scan)


def package_files():
    """Yields paths (without the leading /) of installed package files, package by package."""
    seen = set()
    for lst in sorted(glob.glob("/var/lib/dpkg/info/*.list")):
        with open(lst, errors="replace") as f:
            for line in f:
                p = line.rstrip("\n")
                if not p.startswith("/") or p in seen:
                    continue
                seen.add(p)
                try:
                    st = os.lstat(p)
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode):
                    yield p


class HashingFile(io.RawIOBase):
    def __init__(self, inner, h):
        self.inner, self.h = inner, h

    def write(self, b):
        self.h.update(b)
        return self.inner.write(b)

    def writable(self):
        return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--mib", type=int, default=300)
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--tag", default="bench")
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, "blobs", "sha256"), exist_ok=True)
    per_layer = (a.mib << 20) // a.layers
    files = package_files()
    diff_ids, layers, history = [], [], []
    t0 = time.time()
    total_files = 0
    for li in range(a.layers):
        tmp = os.path.join(a.out, f"layer{li}.tmp")
        raw = hashlib.sha256()
        n = 0
        with open(tmp, "wb") as f:
            with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=6, mtime=0) as gz:
                with tarfile.open(fileobj=HashingFile(gz, raw), mode="w|",
                                  format=tarfile.PAX_FORMAT) as tar:
                    if li == 0:
                        for p in ("/etc/os-release", "/usr/lib/os-release", "/etc/debian_version",
                                  "/var/lib/dpkg/status"):
                            if os.path.lexists(p):
                                tar.add(p, arcname=p[1:], recursive=False)
                    for p in files:
                        try:
                            tar.add(p, arcname=p[1:], recursive=False)
                        except OSError:
                            continue  # unreadable (permissions): skip
                        n += 1
                        if f.tell() >= per_layer:
                            break
        total_files += n
        diff_ids.append("sha256:" + raw.hexdigest())
        digest, size = blob(a.out, data_path=tmp)
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                       "digest": digest, "size": size})
        history.append({"created_by": f"bench: {n} files of installed Debian packages"})
        print(f"layer {li}: {n} files, {size >> 20} MiB gzip, {time.time() - t0:.0f}s", flush=True)
    config = {"architecture": "amd64", "os": "linux",
              "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": history}
    cdigest, csize = blob(a.out, data=json.dumps(config).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           "digest": cdigest, "size": csize},
                "layers": layers}
    mdigest, msize = blob(a.out, data=json.dumps(manifest).encode())
    with open(os.path.join(a.out, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdigest,
             "size": msize, "annotations": {"org.opencontainers.image.ref.name": a.tag}}]}, f)
    with open(os.path.join(a.out, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')


if __name__ == "__main__":
    main()
