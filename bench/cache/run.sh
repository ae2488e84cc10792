#!/usr/bin/env bash
# bench/cache: the layer cache against the local registry, in one run: a cold scan (empty cache),
# a warm rescan of the same image, and a second image that shares every layer but one with the
# first (the bench/registry image plus one small layer added with umoci); for the ~300 MiB
# bench/registry image and for the Alpine test image. Prints wall time (median of 3; each cold
# run starts from an empty cache), peak RSS, the bytes fetched (from strata's debug log) and the
# warm/cold ratio; then 8 warm scanners at once on one cache against one (throughput relative to
# linear on this machine's cores), and the cache's hit/miss counters.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/support/servers.bash
require_tools "bench/cache" docker-registry skopeo umoci jq python3 || exit 1
source bench/common.bash
mib=${BENCH_MIB:-300}
nlayers=${BENCH_LAYERS:-6}
image="$dir/registry-image-$mib-$nlayers"
generate_once "$image" python3 bench/registry/make_image.py "$image" --mib "$mib" --layers "$nlayers"
work=$(mktemp -d /tmp/strata-bench-cache.XXXXXX)
cleanup() {
  support_stop_all
  rm -rf "$work"
}
trap cleanup EXIT
# the second image: the first plus one small layer
cp -al "$image" "$work/layout"
mkdir -p "$work/extra/opt/app"
head -c 4000000 /dev/urandom > "$work/extra/opt/app/blob.bin"
umoci insert --rootless --image "$work/layout:bench" --tag bench2 "$work/extra/opt/app" /opt/app > /dev/null
bench_registry "$work/storage" "$work"
for t in bench bench2; do
  bench_push "oci:$work/layout:$t" "$reg/bench/debian:$t"
done
bench_push "oci:testdata/images/oci-alpine:upgrade" "$reg/bench/alpine:upgrade"

cache="$work/cache"
scan() { "$strata" image "$1" --insecure --packages-only --format json --cache-dir "$cache" "${@:2}"; }
fetched() {  # bytes of every HTTP response body of one scan (debug log)
  "$strata" --log-level debug image "$1" --insecure --packages-only --format json --cache-dir "$cache" \
    2>&1 > /dev/null | grep -oE '[0-9]+ body bytes\)' | awk '{s += $1} END {print s + 0}'
}
export -f scan
export strata cache
printf '%-40s %9s %9s %12s %8s\n' run wall_s peak_MiB fetched_MiB vs_cold
for name in debian alpine; do
  if [[ $name == debian ]]; then ref="$reg/bench/debian:bench"; second="$reg/bench/debian:bench2"; else ref="$reg/bench/alpine:upgrade"; second=""; fi
  read -r ct crss < <($measure --repeat 3 -- bash -c "rm -rf '$cache'; scan '$ref' > /dev/null")
  rm -rf "$cache"; cb=$(fetched "$ref")
  read -r wt wrss < <($measure --repeat 3 -- bash -c "scan '$ref' > /dev/null")
  wb=$(fetched "$ref")
  mb() { awk -v b="$1" 'BEGIN{printf "%.1f", b/1048576}'; }
  printf '%-40s %9.3f %9.1f %12s %8s\n' "$name cold" "$ct" "$crss" "$(mb "$cb")" 1.00
  printf '%-40s %9.3f %9.1f %12s %8s\n' "$name warm rescan" "$wt" "$wrss" "$(mb "$wb")" "$(ratio "$wt" "$ct")"
  if [[ -n $second ]]; then
    sb=$(fetched "$second")
    read -r st srss < <($measure --repeat 3 -- bash -c "scan '$second' > /dev/null")
    own=$(jq '.layers[-1].size' "$work/layout/blobs/sha256/$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "bench2") | .digest' "$work/layout/index.json" | sed 's/sha256://')")
    printf '%-40s %9.3f %9.1f %12s %8s  (its own layer: %s MiB)\n' "$name second image, shared base" "$st" "$srss" "$(mb "$sb")" "$(ratio "$st" "$ct")" "$(mb "$own")"
  fi
done
# 8 warm scanners at once on one cache, against one, on $(nproc) cores
ref="$reg/bench/alpine:upgrade"
read -r one _ < <($measure --repeat 5 -- bash -c "scan '$ref' > /dev/null")
read -r eight _ < <($measure --repeat 3 -- bash -c "for i in 1 2 3 4 5 6 7 8; do scan '$ref' > /dev/null & done; wait")
cores=$(nproc)
awk -v one="$one" -v eight="$eight" -v c="$cores" 'BEGIN{
  lin = (c < 8 ? c : 8) / one; got = 8 / eight;
  printf "8 concurrent warm scans: %.3f s for 8 (one alone %.3f s): %.1f scans/s, %.2fx linear on %d cores\n", eight, one, got, got / lin, c }'
"$strata" cache stats --cache-dir "$cache"
