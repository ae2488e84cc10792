#!/usr/bin/env bash
# Installs dependencies, builds strata, imports the demo vulnerability database shipped in
# testdata/ and scans the demo image shipped in testdata/ (no network), printing the findings.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSTRATA_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target strata
db=$(mktemp -d /tmp/strata-demo-db.XXXXXX)
trap 'rm -rf "$db"' EXIT
./build/strata db import --db-dir "$db" testdata/demo/osv-alpine-v3.10
./build/strata image --db-dir "$db" --format table testdata/demo/alpine-3.10.tar.gz || [[ $? -eq 1 ]]
