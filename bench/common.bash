# Shared set-up of the bench/*/run.sh scripts (sourced from the repository root): a Release build
# of strata in build-bench ($strata), the timing helper ($measure: prints "median_seconds
# peak_rss_MiB"), the work directory ($dir, STRATA_BENCH_DIR, default /tmp/strata-bench, kept
# between runs for generated images) and the demo database ($db).
root=$PWD
dir=${STRATA_BENCH_DIR:-/tmp/strata-bench}
mkdir -p "$dir"
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DSTRATA_TESTS=OFF > /dev/null
cmake --build build-bench -j"$(nproc)" --target strata > /dev/null
strata=$root/build-bench/strata
measure="python3 $root/bench/scan/measure.py"
db="$dir/demo-db"
rm -rf "$db"
"$strata" db import --db-dir "$db" testdata/demo/osv-ubuntu-18.04/all.zip \
  testdata/demo/osv-alpine-v3.10/all.zip 2> /dev/null

# ratio A B: A/B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }

# bench_registry STORAGE_DIR LOG_DIR: starts a CNCF registry on 127.0.0.1 (any free port) keeping
# its blobs in STORAGE_DIR; sets $regpid and $reg (host:port). The caller stops it.
bench_registry() {
  cat > "$2/config.yml" <<YAML
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $1
http:
  addr: 127.0.0.1:0
  secret: strata-bench
YAML
  docker-registry serve "$2/config.yml" > "$2/registry.log" 2>&1 &
  regpid=$!
  local port=""
  for _ in $(seq 1 250); do
    port=$(grep -oE 'listening on 127.0.0.1:[0-9]+' "$2/registry.log" | head -1 | sed 's/.*://') || true
    [[ -n $port ]] && break
    sleep 0.02
  done
  [[ -n $port ]] || { echo "registry did not start: $(head -c 600 "$2/registry.log")" >&2; exit 1; }
  reg="127.0.0.1:$port"
}
