#!/usr/bin/env bash
# bench/fleet: `strata registry` sweeping a local CNCF registry (docker-registry on 127.0.0.1) of
# 200 tags over 40 repositories (tests/support/fleet_images.py: two real base layers from
# testdata/demo shared by every image, one top layer each holding 1 MiB of incompressible bytes as
# a real application layer would, no broken image), with 1, 2 and
# 4 shards run concurrently on one node (one --cache-dir, one output directory), each cold (empty
# cache directory, fresh output directory) then warm (the same cache directory, a fresh output
# directory, so nothing is `skipped`). For each sweep it prints the wall time, images per minute,
# registry bytes fetched per image (from the registry's "response completed ...
# http.response.written=N" log lines for that sweep), how many times each base layer blob was
# fetched (goal: once per node, i.e. once per cold sweep, 0 warm) and the largest peak RSS of the
# shard processes (bench/scan/measure.py). Then the ratios the issue sets goals for: linear
# efficiency throughput(N) / (N x throughput(1)) (goal >= 0.8 up to the core count), warm/cold
# speedup (goal >= 10x).
# Baseline measured in the same run: `skopeo copy docker://... dir:...` of a sample of the images,
# one after the other, each into a fresh directory: the physical fetch limit (no scan, no cache).
#   STRATA_BENCH_DIR   work directory (default /tmp/strata-bench); the layout is kept there
#   BENCH_TAGS, BENCH_REPOS   registry size (default 200 tags over 40 repositories)
#   BENCH_TOP_KIB      incompressible KiB in each image's own top layer (default 1024)
#   BENCH_SHARDS       shard counts to sweep (default "1 2 4")
#   BENCH_SKOPEO       images in the skopeo baseline sample (default 20)
#   BENCH_STRATA       use this strata binary instead of building build-bench (bench/common.bash)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/support/servers.bash
require_tools "bench/fleet" docker-registry skopeo jq python3 || exit 1
if [[ -n ${BENCH_STRATA:-} ]]; then
  # what bench/common.bash sets up, without its Release build (for a binary built elsewhere)
  root=$PWD
  dir=${STRATA_BENCH_DIR:-/tmp/strata-bench}
  mkdir -p "$dir"
  strata=$BENCH_STRATA
  measure="python3 $root/bench/scan/measure.py"
  db="$dir/demo-db"
  rm -rf "$db"
  "$strata" db import --db-dir "$db" testdata/demo/osv-ubuntu-18.04/all.zip \
    testdata/demo/osv-alpine-v3.10/all.zip 2> /dev/null
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
else
  source bench/common.bash
fi
ntags=${BENCH_TAGS:-200}
nrepos=${BENCH_REPOS:-40}
read -r -a shard_counts <<< "${BENCH_SHARDS:-1 2 4}"
nskopeo=${BENCH_SKOPEO:-20}
top_kib=${BENCH_TOP_KIB:-1024}

work=$(mktemp -d /tmp/strata-bench-fleet.XXXXXX)
cleanup() {
  support_stop_all
  rm -rf "$work"
}
trap cleanup EXIT

layout="$dir/fleet-$ntags-$nrepos-$top_kib"
if [[ ! -f $layout/expected.tsv ]]; then  # kept between runs
  echo "generating $layout (one-time)..." >&2
  python3 tests/support/fleet_images.py "$layout" --repos "$nrepos" --tags "$ntags" --no-broken \
    --top-kib "$top_kib" 2> "$work/gen.log" || { cat "$work/gen.log" >&2; exit 1; }
fi
mkdir -p "$work/storage"
registry_config "$work/config.yml" "$work/storage" strata-bench
registry_serve "$work/config.yml" "$work/registry.log" bench || exit 1
reg="127.0.0.1:$registry_port"
python3 tests/support/fleet_images.py "$layout" --push-only --push "$reg" 2> "$work/push.log" \
  || { cat "$work/push.log" >&2; exit 1; }
npairs=$(tail -n +2 "$layout/expected.tsv" | cut -f1,3 | sort -u | grep -c '')
# the base layers: the first layer of every manifest
mapfile -t bases < <(for d in $(jq -r '.manifests[].digest' "$layout/index.json" | sort -u); do
  jq -r '.layers[0].digest' "$layout/blobs/sha256/${d#sha256:}"
done | sort -u)
echo "registry $reg: $ntags tags, $nrepos repositories, $npairs images, ${#bases[@]} base layers," \
  "$top_kib KiB of own top layer per image, $(du -sm "$work/storage" | cut -f1) MiB stored;" \
  "$(nproc) cores; strata $("$strata" version 2> /dev/null | head -1)"

# log_from LINE: the registry's GET responses logged after line LINE as "status bytes uri"
log_from() {
  tail -n +"$(($1 + 1))" "$work/registry.log" | grep 'msg="response completed"' \
    | grep 'http.request.method=GET' \
    | sed -E 's/.*http.request.uri="?([^" ]*)"?.*http.response.status=([0-9]+).*http.response.written=([0-9]+).*/\2 \3 \1/'
}
log_lines() { grep -c '' "$work/registry.log"; }

# baseline: skopeo copy of a sample, one image after the other, each into a fresh dir
mapfile -t sample < <(tail -n +2 "$layout/expected.tsv" | awk -F'\t' '!seen[$1 "\t" $3]++ {print $1 ":" $2}' \
  | awk -v step=$((npairs / nskopeo > 1 ? npairs / nskopeo : 1)) 'NR % step == 0' | head -"$nskopeo")
start=$(log_lines)
t0=$(date +%s.%N)
for ref in "${sample[@]}"; do
  rm -rf "$work/skopeo-dir"
  skopeo copy -q --src-tls-verify=false "docker://$reg/$ref" "dir:$work/skopeo-dir" > "$work/skopeo.log" 2>&1 \
    || { echo "skopeo copy $ref failed: $(cat "$work/skopeo.log")" >&2; exit 1; }
done
t1=$(date +%s.%N)
skopeo_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')
skopeo_ipm=$(awk -v n="${#sample[@]}" -v s="$skopeo_s" 'BEGIN{printf "%.1f", n * 60 / s}')
skopeo_bytes=$(log_from "$start" | awk '{s += $2} END {print s + 0}')

printf '\n%-30s %7s %10s %9s %11s %9s %5s\n' run wall_s images/min KiB/img base_GETs peak_MiB exit
printf '%-30s %7.2f %10s %9.1f %11s %9s %5s\n' "skopeo copy to dir (${#sample[@]} images)" "$skopeo_s" \
  "$skopeo_ipm" "$(awk -v b="$skopeo_bytes" -v n="${#sample[@]}" 'BEGIN{print b / n / 1024}')" \
  "$(log_from "$start" | grep -c -F -f <(printf '%s\n' "${bases[@]}") || true)" - -

# sweep N KIND: N shards at once into a fresh output dir, on $work/cache-N; sets ipm[N,KIND]
declare -A ipm
sweep() {
  local n=$1 kind=$2 i out="$work/out-$1-$2" start t0 t1 secs rss=0 fails="" pids=()
  rm -rf "$out"
  start=$(log_lines)
  t0=$(date +%s.%N)
  for ((i = 0; i < n; i++)); do
    $measure -- "$strata" registry "$reg" --insecure --db-dir "$db" --cache-dir "$work/cache-$n" \
      --output-dir "$out" --shard "$i/$n" > "$work/m-$n-$kind-$i" 2> "$work/e-$n-$kind-$i" &
    pids+=($!)
  done
  for ((i = 0; i < n; i++)); do
    wait "${pids[i]}" || fails+=" shard $i/$n: $(head -c 200 "$work/e-$n-$kind-$i")"
  done
  t1=$(date +%s.%N)
  rss=$(cat "$work/m-$n-$kind-"* | awk '$2 > m {m = $2} END {print m + 0}')
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')
  local scanned
  scanned=$(cat "$out"/shard-*-of-"$n".json 2> /dev/null | jq -s '[.[].totals.scanned] | add // 0')
  ipm[$n,$kind]=$(awk -v k="$scanned" -v s="$secs" 'BEGIN{printf "%.1f", k * 60 / s}')
  local bytes base_gets per_base
  bytes=$(log_from "$start" | awk '{s += $2} END {print s + 0}')
  base_gets=$(log_from "$start" | awk '$1 == 200' | grep -c -F -f <(printf '%s\n' "${bases[@]}") || true)
  per_base=$(for b in "${bases[@]}"; do log_from "$start" | awk '$1 == 200' | grep -c -F "$b" || true; done | xargs | tr ' ' '/')
  printf '%-30s %7.2f %10s %9.1f %11s %9.1f %5s\n' "strata $n shard(s), $kind" "$secs" "${ipm[$n,$kind]}" \
    "$(awk -v b="$bytes" -v n="$scanned" 'BEGIN{print n ? b / n / 1024 : 0}')" \
    "$base_gets ($per_base)" "$rss" "$( [[ -z $fails ]] && echo 0 || echo fail)"
  [[ $scanned -eq $npairs ]] || echo "  ! $scanned of $npairs images scanned$fails" >&2
  [[ -z $fails ]] || echo "  !$fails" >&2
}

for n in "${shard_counts[@]}"; do
  rm -rf "$work/cache-$n"
  sweep "$n" cold
  sweep "$n" warm
done

echo
echo "base_GETs: GETs of the ${#bases[@]} base layer blobs answered 200 in that sweep (per base in parentheses); goal: 1 each cold, 0 warm"
for n in "${shard_counts[@]}"; do
  [[ $n -eq ${shard_counts[0]} ]] && continue
  for kind in cold warm; do
    echo "linear efficiency $n shards, $kind: $(ratio "${ipm[$n,$kind]}" \
      "$(awk -v a="${ipm[${shard_counts[0]},$kind]}" -v n="$n" -v m="${shard_counts[0]}" 'BEGIN{print a * n / m}')") (goal >= 0.80 up to $(nproc) cores)"
  done
done
for n in "${shard_counts[@]}"; do
  echo "warm/cold speedup, $n shard(s): $(ratio "${ipm[$n,warm]}" "${ipm[$n,cold]}") (goal >= 10)"
done
echo "strata cold 1 shard / skopeo copy (images per minute): $(ratio "${ipm[${shard_counts[0]},cold]}" "$skopeo_ipm")"
