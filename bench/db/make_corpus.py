#!/usr/bin/env python3
"""Builds OSV `all.zip` exports for bench/db.

  make_corpus.py OUT SRC... [--copies N]

Reads every OSV record (*.json) under the SRC directories and writes OUT/<Ecosystem>/all.zip the
way the OSV bucket lays its exports out (one deflated JSON file per record). With --copies N > 1
each record is written N times: copy 0 as it is, copy k with `-S<k>` appended to its id and to
every package name it names (its aliases and ranges untouched), so the corpus has N times the
records AND N times the packages, as a larger feed would. Also writes OUT/packages.tsv: every
(ecosystem, package) written, for the matching benchmark.
"""
import argparse
import json
import os
import sys
import zipfile


def records(srcs):
    for src in srcs:
        for root, dirs, files in os.walk(src):
            dirs.sort()
            for f in sorted(files):
                if f.endswith(".json"):
                    with open(os.path.join(root, f), "rb") as fh:
                        yield json.loads(fh.read())


def export_name(rec):
    for a in rec.get("affected", []):
        eco = a.get("package", {}).get("ecosystem", "")
        if eco:
            return eco.split(":")[0]
    return "other"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("src", nargs="+")
    ap.add_argument("--copies", type=int, default=1)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    by_export = {}
    for rec in records(args.src):
        by_export.setdefault(export_name(rec), []).append(rec)
    total = 0
    packages = set()
    for export, recs in sorted(by_export.items()):
        d = os.path.join(args.out, export)
        os.makedirs(d, exist_ok=True)
        with zipfile.ZipFile(os.path.join(d, "all.zip"), "w", zipfile.ZIP_DEFLATED) as z:
            for k in range(args.copies):
                for rec in recs:
                    r = rec
                    if k > 0:
                        r = json.loads(json.dumps(rec))
                        r["id"] = f"{rec['id']}-S{k}"
                        for a in r.get("affected", []):
                            p = a.get("package")
                            if isinstance(p, dict) and "name" in p:
                                p["name"] = f"{p['name']}-S{k}"
                    for a in r.get("affected", []):
                        p = a.get("package", {})
                        if p.get("ecosystem") and p.get("name"):
                            packages.add((p["ecosystem"], p["name"]))
                    z.writestr(f"{r['id']}.json", json.dumps(r))
                    total += 1
    with open(os.path.join(args.out, "packages.tsv"), "w") as fh:
        for eco, name in sorted(packages):
            fh.write(f"{eco}\t{name}\n")
    print(f"{total} records in {len(by_export)} exports under {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
