#!/usr/bin/env bash
# Installs dependencies, builds strata, builds the demo vulnerability database from the OSV
# records shipped in testdata/demo/ and scans the demo image shipped there (no network),
# printing the findings table.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSTRATA_TESTS=OFF > /dev/null
cmake --build build -j"$(nproc)" --target strata
db=$(mktemp -d /tmp/strata-demo-db.XXXXXX)
trap 'rm -rf "$db"' EXIT
./build/strata db import --db-dir "$db" testdata/demo/osv-ubuntu-18.04/all.zip testdata/demo/osv-alpine-v3.10/all.zip
./build/strata image --db-dir "$db" --format table testdata/demo/ubuntu-18.04.tar.gz
