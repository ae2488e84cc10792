#!/usr/bin/env python3
"""Writes a `docker save` archive from uncompressed layer tars, bottom layer first.

usage: layers-to-docker-archive.py OUT.tar REPO:TAG LAYER.tar [LAYER.tar ...]

The archive holds manifest.json, the image config (diff_ids = sha256 of each layer tar, one
history entry per layer naming the tar) and each layer as <diff_id hex>.tar, as skopeo's and
podman's docker-archive writers lay it out. Deterministic: fixed timestamps, sorted members.
"""
import hashlib
import io
import json
import os
import sys
import tarfile


def add(out, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 1704067200
    out.addfile(info, io.BytesIO(data))


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    dest, repo_tag, layers = sys.argv[1], sys.argv[2], sys.argv[3:]
    blobs = []
    for path in layers:
        with open(path, "rb") as f:
            data = f.read()
        blobs.append((hashlib.sha256(data).hexdigest(), data, os.path.basename(path)))
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "2024-01-01T00:00:00Z",
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + h for h, _, _ in blobs]},
        "history": [
            {"created": "2024-01-01T00:00:00Z", "created_by": "ADD " + name + " /"}
            for _, _, name in blobs
        ],
    }
    config_bytes = json.dumps(config, sort_keys=True).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    manifest = [
        {
            "Config": config_name,
            "RepoTags": [repo_tag],
            "Layers": [h + ".tar" for h, _, _ in blobs],
        }
    ]
    with tarfile.open(dest, "w", format=tarfile.PAX_FORMAT) as out:
        add(out, config_name, config_bytes)
        for digest, data, _ in blobs:
            add(out, digest + ".tar", data)
        add(out, "manifest.json", json.dumps(manifest).encode())


if __name__ == "__main__":
    main()
