#!/usr/bin/env bash
# Golden test of language packages end to end: an image with one ecosystem per layer (Python,
# Node, Java, Go, then Ruby/PHP/.NET/Rust lock files, then a layer whose whiteout removes one
# Python package), checked for names, versions, paths and layers; the same tree scanned as a
# directory (strata rootfs) and as a host root (strata host --root) finds the same packages;
# findings against the real PyPI and Go OSV records (testdata/osv-match) equal what an independent
# oracle computes from the records with pypa `packaging` (Debian's python3-packaging) and Go's
# semver order.
source "$(dirname "$0")/lib.bash"
support="$(dirname "$0")/../support"
pkgdb="$TESTDATA/pkgdb"
root=$WORK/root

# --- the tree, one layer per ecosystem -------------------------------------------------------
metadata() {  # DIR NAME VERSION
  mkdir -p "$1"
  printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: x\n\nVersion: 0.0.0 (the description)\n' \
    "$2" "$3" > "$1/METADATA"
}
mkdir -p "$WORK/l1" "$WORK/l2" "$WORK/l3" "$WORK/l4" "$WORK/l5" "$WORK/l6"
metadata "$WORK/l1/usr/lib/python3/dist-packages/urllib3-1.26.4.dist-info" urllib3 1.26.4
metadata "$WORK/l1/opt/venv/lib/python3.11/site-packages/Jinja2-2.10.dist-info" Jinja2 2.10
metadata "$WORK/l1/opt/venv/lib/python3.11/site-packages/PyYAML-5.3.dist-info" PyYAML 5.3
ln -s lib "$WORK/l1/opt/venv/lib64"  # reached again through a symlink: counted once
# A Python package Debian installed (its PKG-INFO is in python3-six's file list): reported once,
# as the dpkg package.
mkdir -p "$WORK/l1/etc" "$WORK/l1/var/lib/dpkg/info" \
  "$WORK/l1/usr/lib/python3/dist-packages/six-1.16.0.egg-info"
printf 'ID=debian\nVERSION_ID="12"\n' > "$WORK/l1/etc/os-release"
printf 'Package: python3-six\nStatus: install ok installed\nArchitecture: all\nSource: six\nVersion: 1.16.0-4\n\n' \
  > "$WORK/l1/var/lib/dpkg/status"
printf '/.\n/usr\n/usr/lib/python3/dist-packages/six-1.16.0.egg-info\n/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO\n' \
  > "$WORK/l1/var/lib/dpkg/info/python3-six.list"
printf 'Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\n' \
  > "$WORK/l1/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO"
mkdir -p "$WORK/l2/app/node_modules/lodash"
echo '{"name": "lodash", "version": "4.17.20"}' > "$WORK/l2/app/node_modules/lodash/package.json"
cat > "$WORK/l2/app/package-lock.json" <<'EOF'
{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {"": {"name": "app", "version": "1.0.0"},
  "node_modules/lodash": {"version": "4.17.20"},
  "node_modules/minimist": {"version": "1.2.0"}}}
EOF
mkdir -p "$WORK/l3/opt/app" "$WORK/l4/usr/local/bin"
cp "$pkgdb/java/scalibr-guava/guava-31.1-jre.jar" "$WORK/l3/opt/app/"
zstd -q -dc "$pkgdb/go-binary/trivy-go-binaries/test.elf.zst" > "$WORK/l4/usr/local/bin/tool"
chmod 755 "$WORK/l4/usr/local/bin/tool"
mkdir -p "$WORK/l5/srv/ruby" "$WORK/l5/srv/php" "$WORK/l5/srv/dotnet" "$WORK/l5/srv/rust"
cp "$pkgdb/ruby/gemfile-lock/rails-app/Gemfile.lock" "$WORK/l5/srv/ruby/"
cp "$pkgdb/php/composer-lock/no-dev/composer.lock" "$WORK/l5/srv/php/"
cp "$pkgdb/dotnet/deps-json/webapi/WebApi.deps.json" "$WORK/l5/srv/dotnet/"
cp "$pkgdb/rust/cargo-v3/Cargo.lock" "$WORK/l5/srv/rust/"
mkdir -p "$WORK/l6/opt/venv/lib/python3.11/site-packages"
: > "$WORK/l6/opt/venv/lib/python3.11/site-packages/.wh.PyYAML-5.3.dist-info"
layers=()
for n in 1 2 3 4 5 6; do
  tar --sort=name --mtime=@1704067200 --owner=0 --group=0 -C "$WORK/l$n" -cf "$WORK/l$n.tar" .
  layers+=("$WORK/l$n.tar")
done
python3 "$support/layers-to-docker-archive.py" "$WORK/img.tar" strata/languages:1 "${layers[@]}"
diff_id() { echo "sha256:$(sha256sum "$WORK/l$1.tar" | cut -d' ' -f1)"; }

# The merged tree, for strata rootfs: the layers in order, the whiteout applied.
mkdir -p "$root"
for n in 1 2 3 4 5; do tar -C "$root" -xf "$WORK/l$n.tar"; done
rm -rf "$root/opt/venv/lib/python3.11/site-packages/PyYAML-5.3.dist-info"

# --- packages -----------------------------------------------------------------------------------
expect_rc 0 "$STRATA" image --no-cache --packages-only --format json "$WORK/img.tar"
cp "$WORK/out" "$WORK/img.json"
[[ $(jq '[.warnings[]] | length' "$WORK/img.json") -eq 0 ]] && pass \
  || fail "warnings: $(jq -c .warnings "$WORK/img.json")"
jq -r '.packages[] | select(.type != "dpkg") | [.type, .ecosystem, .name, .version, .path, .layer]
       | @tsv' "$WORK/img.json" | sort > "$WORK/got"
[[ $(jq -r '[.packages[] | select(.name == "python3-six" or .name == "six") | .type] | join(" ")' \
   "$WORK/img.json") == dpkg ]] && pass || fail "six is not reported once, as the dpkg package"
{
  printf 'python\tPyPI\turllib3\t1.26.4\t/usr/lib/python3/dist-packages/urllib3-1.26.4.dist-info/METADATA\t%s\n' "$(diff_id 1)"
  printf 'python\tPyPI\tJinja2\t2.10\t/opt/venv/lib/python3.11/site-packages/Jinja2-2.10.dist-info/METADATA\t%s\n' "$(diff_id 1)"
  printf 'npm\tnpm\tlodash\t4.17.20\t/app/node_modules/lodash/package.json\t%s\n' "$(diff_id 2)"
  printf 'npm\tnpm\tminimist\t1.2.0\t/app/package-lock.json\t%s\n' "$(diff_id 2)"
  printf 'java\tMaven\tcom.google.guava:guava\t31.1-jre\t/opt/app/guava-31.1-jre.jar\t%s\n' "$(diff_id 3)"
  zstd -q -dc "$pkgdb/go-binary/trivy-go-binaries/test.elf.zst" > /dev/null
  awk -F'\t' -v l="$(diff_id 4)" '$1 == "test.elf" && $3 != "" {
      v = $3; if ($2 == "stdlib") sub(/^v/, "", v)
      printf "go\tGo\t%s\t%s\t/usr/local/bin/tool\t%s\n", $2, v, l }' \
    "$pkgdb/go-binary/trivy-go-binaries/expected.tsv"
  for f in ruby/gemfile-lock/rails-app:ruby:RubyGems:/srv/ruby/Gemfile.lock \
           php/composer-lock/no-dev:php:Packagist:/srv/php/composer.lock \
           dotnet/deps-json/webapi:dotnet:NuGet:/srv/dotnet/WebApi.deps.json \
           rust/cargo-v3:rust:crates.io:/srv/rust/Cargo.lock; do
    IFS=: read -r dir type eco path <<< "$f"
    # expected.tsv: the last two columns are name and version (a first column may name the file)
    tail -n +2 "$pkgdb/$dir/expected.tsv" | awk -F'\t' -v t="$type" -v e="$eco" -v p="$path" \
      -v l="$(diff_id 5)" '{ printf "%s\t%s\t%s\t%s\t%s\t%s\n", t, e, $(NF-1), $NF, p, l }'
  done
} | sort -u > "$WORK/want"
expect_same "language packages of the image" "$WORK/want" "$WORK/got"

# --- the same tree as a directory ------------------------------------------------------------
expect_rc 0 "$STRATA" rootfs --packages-only --format json "$root"
jq -r '.packages[] | select(.type != "dpkg") | [.type, .ecosystem, .name, .version, .path] | @tsv' \
  "$WORK/out" | sort > "$WORK/got"
cut -f1-5 "$WORK/want" | sort > "$WORK/want-rootfs"
expect_same "language packages of the same tree (strata rootfs)" "$WORK/want-rootfs" "$WORK/got"
# ... and as a host root (strata host --root: the walk -n does through /proc/1/root)
expect_rc 0 "$STRATA" host --root "$root" --packages-only --format json
jq -r '.packages[] | select(.type != "dpkg") | [.type, .ecosystem, .name, .version, .path] | @tsv' \
  "$WORK/out" | sort > "$WORK/got"
expect_same "language packages of the same tree (strata host --root)" "$WORK/want-rootfs" "$WORK/got"
[[ $(jq -r '[.packages[] | select(.name == "python3-six" or .name == "six") | .type] | join(" ")' \
   "$WORK/out") == dpkg ]] && pass || fail "host: six is not reported once, as the dpkg package"

# --- findings against the real PyPI and Go records, and the oracle ----------------------------
"$STRATA" -q db import --db-dir "$WORK/db" "$TESTDATA/osv-match/pypi" "$TESTDATA/osv-match/go" \
  2>"$WORK/err" || fail "db import: $(cat "$WORK/err")"
expect_rc 0 "$STRATA" image --no-cache --db-dir "$WORK/db" --format json "$WORK/img.tar"
cp "$WORK/out" "$WORK/vulns.json"
# Every OSV record strata matched, per (ecosystem, package, path): a finding's advisory_id and the
# record ids among its aliases.
jq -r '.vulnerabilities[] | . as $v | ([$v.advisory_id] + $v.aliases)[]
       | select(startswith("PYSEC-") or startswith("GO-"))
       | [$v.ecosystem, $v.package, $v.path, .] | @tsv' "$WORK/vulns.json" | sort -u > "$WORK/got"
jq -r '.packages[] | select(.ecosystem == "PyPI" or .ecosystem == "Go")
       | [.ecosystem, .name, .version, .path] | @tsv' "$WORK/img.json" > "$WORK/pkgs.tsv"
/usr/bin/python3 - "$WORK/pkgs.tsv" "$TESTDATA/osv-match/pypi" "$TESTDATA/osv-match/go" \
  > "$WORK/want" <<'PY' || fail "the oracle failed (python3-packaging: scripts/install-deps.sh --test)"
import json, os, re, sys
from packaging.utils import canonicalize_name
from packaging.version import Version

def go_key(v):  # Go semver without "v": numbers, then a pre-release sorts first
    m = re.match(r"v?(\d+)\.(\d+)\.(\d+)(?:-(.*))?$", v)
    return (int(m[1]), int(m[2]), int(m[3]), 0 if m[4] else 1, m[4] or "")

def affected(key, version, ranges, versions):
    if version in versions:
        return True
    for r in ranges:
        if r["type"] not in ("ECOSYSTEM", "SEMVER"):
            continue
        # Each "introduced" opens an interval that the next "fixed" (exclusive) or
        # "last_affected" (inclusive) closes; an interval left open runs to the end.
        start = None
        for e in r["events"]:
            if "introduced" in e:
                start = e["introduced"]
                continue
            if start is None:
                continue
            above = start == "0" or key(version) >= key(start)
            if "fixed" in e and above and key(version) < key(e["fixed"]):
                return True
            if "last_affected" in e and above and key(version) <= key(e["last_affected"]):
                return True
            start = None
        if start is not None and (start == "0" or key(version) >= key(start)):
            return True
    return False

pkgs = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
for folder in sys.argv[2:]:
    for f in sorted(os.listdir(folder)):
        rec = json.load(open(os.path.join(folder, f)))
        if rec.get("withdrawn"):
            continue
        for a in rec["affected"]:
            eco, name = a["package"]["ecosystem"], a["package"]["name"]
            for p_eco, p_name, p_version, p_path in pkgs:
                if eco != p_eco:
                    continue
                if eco == "PyPI":
                    same, key = canonicalize_name(name) == canonicalize_name(p_name), Version
                else:
                    same, key = name == p_name, go_key
                if same and affected(key, p_version, a.get("ranges", []), a.get("versions", [])):
                    print(f"{eco}\t{p_name}\t{p_path}\t{rec['id']}")
PY
sort -u -o "$WORK/want" "$WORK/want"
[[ -s "$WORK/want" ]] && pass || fail "the oracle found no affected package"
expect_same "PyPI and Go findings against the packaging oracle" "$WORK/want" "$WORK/got"
[[ $(jq -r '[.vulnerabilities[] | select(.package == "PyYAML")] | length' "$WORK/vulns.json") -eq 0 ]] \
  && pass || fail "PyYAML, removed by a whiteout, still has findings"
[[ $(jq -r '[.vulnerabilities[] | select(.ecosystem == "" or .purl == "" or .path == "")] | length' \
   "$WORK/vulns.json") -eq 0 ]] && pass || fail "a finding without ecosystem, purl or path"

echo "languages: $checks checks, $failures failures"
[[ $failures -eq 0 ]]
