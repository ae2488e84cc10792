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

# generate_once LAYOUT CMD...: unless LAYOUT/index.json exists, clears LAYOUT and runs CMD (output
# to stderr) to generate the OCI layout there; later runs reuse it.
generate_once() {
  local layout=$1
  shift
  [[ -f $layout/index.json ]] && return 0
  echo "generating $layout (one-time)..." >&2
  rm -rf "$layout"
  "$@" >&2
}

# ratio A B: A/B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }

# Servers (registry, Podman service) and waiting for them: tests/support/servers.bash. Every
# process started there is in $support_pids; the scripts stop them with support_stop_all.
source tests/support/servers.bash

# bench_registry STORAGE_DIR LOG_DIR: starts a CNCF registry on 127.0.0.1 (any free port) keeping
# its blobs in STORAGE_DIR (configuration and log in LOG_DIR); sets $reg (host:port).
bench_registry() {
  registry_config "$2/config.yml" "$1" strata-bench
  registry_serve "$2/config.yml" "$2/registry.log" bench || exit 1
  reg="127.0.0.1:$registry_port"
}

# bench_push SRC DEST: skopeo_push with its log in $work (the script's temp directory)
bench_push() { skopeo_push "$1" "$2" "$work/skopeo.log" || exit 1; }
