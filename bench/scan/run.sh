#!/usr/bin/env bash
# bench/scan: scan time and peak RSS of strata against the physical limit, in one run.
#
# Baselines, measured in the same run on the same layers:
#   igzip -dc  ISA-L's gzip, one layer after another: the limit (decoding alone, one core);
#   gzip -dc   GNU gzip: what most tools decode with (context).
# Images: the demo images (gzip docker-save archives, with vulnerability matching), and a large
# synthetic image (4 layers, BENCH_MIB uncompressed, BENCH_FILES files, 30% of them text: see
# make_image.py) as an OCI layout and as the uncompressed docker-save archive skopeo writes.
#
# Cold runs use --no-cache: nothing is read from or written to a layer cache (a scan that hits
# the cache is not cold). Warm runs are separate, from a cache filled beforehand, and fail the
# bench if a layer was read; their ratio is to the cold scan of the same input. Times are
# medians of 3, peak RSS the largest of the 3. Rows:
#   cold, default      --parallel 4 (layers decoded at once, up to the cores), ISA-L
#   cold, 1 layer at a time (--parallel 1), ISA-L       what parallel reading adds
#   cold, zlib (STRATA_GZIP_DECODER=zlib), parallel     what ISA-L adds
#   cold, vuln,secret  the default scanners (secret scanning on)
#   warm               every layer from the cache
# and the docker-save archive gzip-compressed (read in one pass), against decoding that file.
#   STRATA_BENCH_DIR  where the synthetic image is generated and kept (default /tmp/strata-bench)
#   BENCH_MIB, BENCH_FILES  size of the synthetic image (default 1024 MiB, 100000 files)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/common.bash
command -v igzip > /dev/null || { echo "bench/scan: igzip (Debian package isal) is missing" >&2; exit 1; }
mib=${BENCH_MIB:-1024}
files=${BENCH_FILES:-100000}

large="$dir/large-$mib-$files-text30"
generate_once "$large" python3 bench/scan/make_image.py "$large" --mib "$mib" --files "$files" \
  --status testdata/pkgdb/dpkg/local-debian12-cpp-image/status
manifest=$(jq -r '.manifests[0].digest' "$large/index.json" | sed 's/sha256://')
layers=$(jq -r '.layers[].digest' "$large/blobs/sha256/$manifest" | sed "s#sha256:#$large/blobs/sha256/#")
tag=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$large/index.json")
archive="$dir/large-$mib-$files-text30.docker.tar"
if [[ ! -f $archive ]]; then
  echo "writing $archive (one-time)..." >&2
  skopeo copy --quiet "oci:$large:$tag" "docker-archive:$archive.tmp:bench/large:$tag" && mv "$archive.tmp" "$archive"
fi
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT

echo "$(nproc) cores; the large image: $(du -cb $layers | tail -1 | awk '{printf "%.0f MiB", $1/1048576}') of gzip layers, a $(stat -c %s "$archive" | awk '{printf "%.0f MiB", $1/1048576}') docker-save archive"
printf '%-40s %9s %9s %7s %9s %7s %9s\n' run strata_s igzip_s ratio gzip_s ratio peak_MiB
baselines() {  # baselines FILE...: sets igz, gz (medians of 3, one file after another)
  local list="$*"
  read -r igz _ < <($measure --repeat 3 -- bash -c "for l in $list; do igzip -dc < \$l > /dev/null; done")
  read -r gz _ < <($measure --repeat 3 -- bash -c "for l in $list; do gzip -dc < \$l > /dev/null; done")
}
row() {  # row NAME CMD...: one cold row against the current baselines; sets $last
  local name=$1; shift
  read -r st rss < <($measure --repeat 3 -- "$@")
  printf '%-40s %9.3f %9.3f %7.2f %9.3f %7.2f %9.1f\n' "$name" "$st" "$igz" "$(ratio "$st" "$igz")" \
    "$gz" "$(ratio "$st" "$gz")" "$rss"
  last=$st
}
warm_row() {  # warm_row NAME COLD_SECONDS CMD...: fills the cache, checks it is all hits, times
  local name=$1 cold=$2; shift 2
  "$@" > /dev/null
  "$@" | jq -e '[.layers[].from_cache] | all' > /dev/null \
    || { echo "bench/scan: the warm run '$name' read a layer" >&2; exit 1; }
  read -r st rss < <($measure --repeat 3 -- "$@")
  printf '%-40s %9.3f %9s %7s %9s %7s %9.1f  (warm / cold: %s)\n' "$name" "$st" - - - - "$rss" "$(ratio "$st" "$cold")"
}

for demo in ubuntu-18.04 alpine-3.10; do
  baselines "testdata/demo/$demo.tar.gz"
  row "demo $demo, cold (with match)" "$strata" image --no-cache --db-dir "$db" --format json "testdata/demo/$demo.tar.gz"
done

baselines $layers
common=(image --packages-only --format json)
row "large layout, cold, default" "$strata" "${common[@]}" --no-cache --scanners vuln --input "$large"
cold_layout=$last
row "large layout, cold, 1 layer at a time" "$strata" "${common[@]}" --no-cache --scanners vuln --parallel 1 --input "$large"
row "large layout, cold, zlib" env STRATA_GZIP_DECODER=zlib "$strata" "${common[@]}" --no-cache --scanners vuln --input "$large"
row "large layout, cold, vuln,secret" "$strata" "${common[@]}" --no-cache --scanners vuln,secret --input "$large"
warm_row "large layout, warm" "$cold_layout" "$strata" "${common[@]}" --cache-dir "$cache" --scanners vuln --input "$large"
# The docker-save archive holds the same layers uncompressed: the baselines stay the gzip ones
# (what decoding the image's layers costs), the archive needs no decoding at all.
row "large docker-save archive, cold" "$strata" "${common[@]}" --no-cache --scanners vuln --input "$archive"
cold_archive=$last
row "large docker-save archive, cold, vuln,secret" "$strata" "${common[@]}" --no-cache --scanners vuln,secret --input "$archive"
rm -rf "$cache"/*
warm_row "large docker-save archive, warm" "$cold_archive" "$strata" "${common[@]}" --cache-dir "$cache" --scanners vuln --input "$archive"
# The same archive gzip-compressed (igzip -1): it cannot be seeked, so it is read in one pass,
# decoded on one thread while the other reads the tar and its layers; the baselines are the
# decoding of that file.
if [[ ! -f $archive.gz ]]; then
  igzip -1 -c "$archive" > "$archive.gz.tmp" && mv "$archive.gz.tmp" "$archive.gz"
fi
baselines "$archive.gz"
row "large docker-save archive.gz, cold" "$strata" "${common[@]}" --no-cache --scanners vuln --input "$archive.gz"
