#!/usr/bin/env bash
# Root-filesystem and host scans (strata rootfs, strata host, strata -n): the package sets equal
# dpkg-query's on the same database, a rootfs scan of the demo image finds what the image scan
# finds, symlinks cannot lead out of the root, a FIFO never hangs the scan, and -n resolves the
# host root through /proc/1/root inside a PID namespace.
source "$(dirname "$0")/lib.bash"
for tool in umoci dpkg-query jq; do
  command -v "$tool" > /dev/null || { echo "FAIL: $tool is not installed" >&2; exit 1; }
done

installed() {  # admindir: "name<TAB>version" of installed packages, as dpkg-query sees them
  dpkg-query --admindir="$1" -W -f '${db:Status-Abbrev}\t${Package}\t${Version}\n' \
    | awk -F'\t' '$1 ~ /^[ih]i/ {print $2 "\t" $3}' | sort -u
}
scanned() {  # json report: "name<TAB>version"
  jq -r '.packages[] | [.name, .version] | @tsv' "$1" | sort -u
}

# 1. A real Debian root (the bookworm image of the fixtures, unpacked with umoci).
umoci unpack --rootless --image "$TESTDATA/images/oci-debian-dpkgmeta:bookworm" "$WORK/bundle" \
  > "$WORK/umoci.log" 2>&1 || { echo "FAIL: umoci unpack: $(cat "$WORK/umoci.log")" >&2; exit 1; }
root="$WORK/bundle/rootfs"
expect_rc 0 "$STRATA" rootfs "$root" --packages-only --format json
cp "$WORK/out" "$WORK/rootfs.json"
installed "$root/var/lib/dpkg" > "$WORK/want.tsv"
scanned "$WORK/rootfs.json" > "$WORK/got.tsv"
[[ $(wc -l < "$WORK/want.tsv") -gt 50 ]] && pass || fail "dpkg-query saw too few packages"
expect_same "rootfs packages vs dpkg-query" "$WORK/want.tsv" "$WORK/got.tsv"
jq -e --arg r "$root" '.target.kind == "rootfs" and .target.name == $r and .target.os.ecosystem == "Debian:12"
  and .target.kernel == ""' "$WORK/rootfs.json" > /dev/null && pass || fail "rootfs target: $(jq -c .target "$WORK/rootfs.json")"
# the scan wrote nothing into the root
find "$root" -newer "$WORK/umoci.log" -print -quit > "$WORK/newer"
[[ ! -s $WORK/newer ]] && pass || fail "something under the root changed: $(cat "$WORK/newer")"

# 2. The demo image unpacked: the same findings as the image scan.
db="$WORK/db"
expect_rc 0 "$STRATA" db import --db-dir "$db" "$TESTDATA/demo/osv-ubuntu-18.04/all.zip"
mkdir -p "$WORK/ubuntu-archive" "$WORK/ubuntu-root"
tar -xzf "$TESTDATA/demo/ubuntu-18.04.tar.gz" -C "$WORK/ubuntu-archive"
for layer in $(jq -r '.[0].Layers[]' "$WORK/ubuntu-archive/manifest.json"); do
  tar -xf "$WORK/ubuntu-archive/$layer" -C "$WORK/ubuntu-root" 2> /dev/null || true
done
expect_rc 0 "$STRATA" image --db-dir "$db" --format json "$TESTDATA/demo/ubuntu-18.04.tar.gz"
jq -r '.vulnerabilities[] | [.id, .package, .installed_version, .fixed_version] | @tsv' "$WORK/out" | sort > "$WORK/want.tsv"
expect_rc 0 "$STRATA" rootfs "$WORK/ubuntu-root" --db-dir "$db" --format json
jq -r '.vulnerabilities[] | [.id, .package, .installed_version, .fixed_version] | @tsv' "$WORK/out" | sort > "$WORK/got.tsv"
[[ $(wc -l < "$WORK/want.tsv") -gt 50 ]] && pass || fail "image scan found too little"
expect_same "rootfs findings vs image findings" "$WORK/want.tsv" "$WORK/got.tsv"

# 3. This machine: strata host --root / against dpkg-query -W.
if [[ -f /var/lib/dpkg/status ]]; then
  # OS packages only: this machine's language packages (npm, pip, ...) are not dpkg-query's
  expect_rc 0 "$STRATA" host --root / --packages-only --pkg-types os --scanners vuln --format json
  cp "$WORK/out" "$WORK/host.json"
  installed /var/lib/dpkg > "$WORK/want.tsv"
  scanned "$WORK/host.json" > "$WORK/got.tsv"
  expect_same "host packages vs dpkg-query" "$WORK/want.tsv" "$WORK/got.tsv"
  jq -e --arg k "$(cat /proc/sys/kernel/osrelease)" '.target.kind == "host" and .target.kernel == $k' \
    "$WORK/host.json" > /dev/null && pass || fail "host target: $(jq -c .target "$WORK/host.json")"
fi

# 4. Hostile roots: a dpkg directory that is a symlink pointing outside, a FIFO as the database.
mkdir -p "$WORK/outside/dpkg" "$WORK/evil/etc" "$WORK/evil/var/lib"
printf 'Package: planted\nStatus: install ok installed\nVersion: 6.6.6\nArchitecture: all\n\n' \
  > "$WORK/outside/dpkg/status"
cp "$root/etc/os-release" "$WORK/evil/etc/os-release"
ln -s "../../../../../../../../../../$WORK/outside/dpkg" "$WORK/evil/var/lib/dpkg"
expect_rc 0 "$STRATA" rootfs "$WORK/evil" --packages-only --format json
[[ $(jq '[.packages[] | select(.name == "planted")] | length' "$WORK/out") == 0 ]] && pass \
  || fail "a symlink led the scan out of the root"
rm "$WORK/evil/var/lib/dpkg"
ln -s "$WORK/outside/dpkg" "$WORK/evil/var/lib/dpkg"  # absolute: resolved inside the root
expect_rc 0 "$STRATA" rootfs "$WORK/evil" --packages-only --format json
[[ $(jq '[.packages[] | select(.name == "planted")] | length' "$WORK/out") == 0 ]] && pass \
  || fail "an absolute symlink led the scan out of the root"
rm "$WORK/evil/var/lib/dpkg"
mkdir -p "$WORK/evil/var/lib/dpkg"
mkfifo "$WORK/evil/var/lib/dpkg/status"
expect_rc 0 timeout 20 "$STRATA" rootfs "$WORK/evil" --packages-only --format json
grep -q "not a regular file" "$WORK/err" && pass || fail "FIFO database: $(cat "$WORK/err")"
expect_rc 3 "$STRATA" rootfs "$WORK/does-not-exist" --packages-only
expect_one_line_error "missing root"

# 5. NeuVector's -n inside a PID namespace: /proc/1/root is the namespace's init, whose root is
# this machine's; the result files are written like an image scan's.
if unshare --pid --fork --mount-proc true 2> /dev/null; then
  rc=0
  SCANNER_RESULT_DIR="$WORK/nv" STRATA_PKG_TYPES=os STRATA_SCANNERS=vuln unshare --pid --fork --mount-proc "$STRATA" -n neuvector --packages-only \
    > "$WORK/out" 2> "$WORK/err" || rc=$?
  [[ $rc == 0 ]] && pass || fail "-n: exit $rc: $(head -c 300 "$WORK/err")"
  jq -e '.target.kind == "host"' "$WORK/nv/scan_result.strata.json" > /dev/null && pass || fail "-n: strata json"
  jq -e '.error_message == "" and (.report.modules | length) > 0' "$WORK/nv/scan_result.json" > /dev/null \
    && pass || fail "-n: result file"
  if [[ -f /var/lib/dpkg/status ]]; then
    scanned "$WORK/nv/scan_result.strata.json" > "$WORK/got.tsv"
    installed /var/lib/dpkg > "$WORK/want.tsv"
    expect_same "-n packages vs dpkg-query" "$WORK/want.tsv" "$WORK/got.tsv"
  fi
else
  echo "NOTE: PID namespaces are not permitted here; the -n namespace case is not run" >&2
fi
finish
