#!/usr/bin/env bash
# bench/registry: a cold registry scan of a ~300 MiB (gzip) multi-layer image built from this
# machine's installed Debian packages (bench/registry/make_image.py), pushed with skopeo to a
# local CNCF registry (docker-registry) on 127.0.0.1, next to the usual pull-then-unpack baseline
# measured in the same run: `skopeo copy docker://... dir:...` followed by `gzip -dc` of every
# layer. Prints wall time (median of 3), peak RSS (largest of 3), bytes fetched and the ratios
# strata / baseline. strata runs with --no-cache: every run fetches the manifest, config and layers.
#   STRATA_BENCH_DIR  where the image and the registry storage are kept (default /tmp/strata-bench)
#   BENCH_MIB, BENCH_LAYERS  size of the image (default 300 MiB of gzip in 6 layers)
#   BENCH_REPEAT  runs per measurement (default 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/support/servers.bash
require_tools "bench/registry" docker-registry skopeo jq python3 gzip || exit 1
source bench/common.bash
mib=${BENCH_MIB:-300}
nlayers=${BENCH_LAYERS:-6}
repeat=${BENCH_REPEAT:-3}

image="$dir/registry-image-$mib-$nlayers"
generate_once "$image" python3 bench/registry/make_image.py "$image" --mib "$mib" --layers "$nlayers"

# the registry keeps its storage between runs, so a rerun pushes nothing new
work=$(mktemp -d /tmp/strata-bench-registry.XXXXXX)
cleanup() {
  support_stop_all
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$dir/registry-storage"
bench_registry "$dir/registry-storage" "$work"
ref="$reg/bench/debian:$mib"
bench_push "oci:$image:bench" "$ref"

layer_bytes=$(jq '[.layers[].size] | add' "$image/blobs/sha256/$(jq -r '.manifests[0].digest' "$image/index.json" | sed 's/sha256://')")
echo "image: $ref, $nlayers layers, $((layer_bytes >> 20)) MiB gzip (layers)"

# strata: bytes fetched = the body bytes of every HTTP response, from its debug log
"$strata" --log-level debug image "$ref" --insecure --no-cache --packages-only --format json \
  > "$work/report.json" 2> "$work/strata.log"
strata_bytes=$(grep -oE '[0-9]+ body bytes\)' "$work/strata.log" | awk '{s += $1} END {print s}')
packages=$(jq '.packages | length' "$work/report.json")

# baseline: skopeo copy to a dir (compressed blobs), then decompress every layer
cat > "$work/baseline.sh" <<SH
set -e
rm -rf "$work/dir"
skopeo copy -q --src-tls-verify=false "docker://$ref" "dir:$work/dir"
for f in \$(jq -r '.layers[].digest' "$work/dir/manifest.json" | sed 's/sha256://'); do
  gzip -dc "$work/dir/\$f" > /dev/null
done
SH
read -r bt brss < <($measure --repeat "$repeat" -- bash "$work/baseline.sh")
skopeo_bytes=$(du -sb "$work/dir" | cut -f1)

printf '%-34s %9s %9s %10s %8s\n' run wall_s peak_MiB fetched_MiB ratio
printf '%-34s %9.2f %9.1f %10.1f %8s\n' "skopeo copy + gzip -dc (baseline)" "$bt" "$brss" \
  "$(awk -v b="$skopeo_bytes" 'BEGIN{print b/1048576}')" 1.00
for n in 4 1; do
  read -r st srss < <($measure --repeat "$repeat" -- "$strata" image "$ref" --insecure --no-cache --packages-only \
    --format json --parallel "$n")
  printf '%-34s %9.2f %9.1f %10.1f %8.2f\n' "strata --packages-only --parallel $n" "$st" "$srss" \
    "$(awk -v b="$strata_bytes" 'BEGIN{print b/1048576}')" "$(ratio "$st" "$bt")"
done
echo "strata found $packages packages"
