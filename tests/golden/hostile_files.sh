#!/usr/bin/env bash
# Hostile files and directories (issue 18): every file input refuses a FIFO, a device, a socket
# or a directory at once (exit 3, one line, no hang); an OCI layout's files are resolved inside
# the layout (a symlink out of it, to /etc/passwd or /proc, is refused; one inside is followed);
# a docker-save manifest cannot name a file outside the archive; an unsigned layer cache is used
# only when it is private to the user (created 0700; a foreign or group/other-writable
# directory or record is not trusted, with a warning, unless records are signed); a rootfs scan
# of a hostile root does not hang, does not leave the root and changes nothing in it.
source "$(dirname "$0")/lib.bash"
for tool in jq python3 mkfifo; do
  command -v "$tool" > /dev/null || { echo "FAIL: $tool is not installed" >&2; exit 1; }
done
img="$TESTDATA/images"

# expect_refused WHAT PATTERN CMD...: exit 3 within 10 s, one error line matching PATTERN
expect_refused() {
  local what=$1 pattern=$2
  shift 2
  expect_rc 3 timeout 10 "$@"
  expect_one_line_error "$what"
  grep -qE -- "$pattern" "$WORK/err" && pass || fail "$what: want /$pattern/, got: $(cat "$WORK/err")"
}

# 1. Special files where a file is expected.
mkfifo "$WORK/fifo"
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$WORK/sock"
mkdir -p "$WORK/adir"
for special in "$WORK/fifo" /dev/zero "$WORK/sock"; do
  expect_refused "image --input $special" "not a regular file" \
    "$STRATA" image --packages-only --input "$special"
  expect_refused "db import $special" "not a regular file" \
    "$STRATA" db import --db-dir "$WORK/db-special" "$special"
  expect_refused "--ignore-file $special" "not a regular file" \
    "$STRATA" image --packages-only --input "$img/oci-alpine" --tag 3.18.9 --ignore-file "$special"
  expect_refused "--vex $special" "not a regular file" \
    "$STRATA" image --packages-only --input "$img/oci-alpine" --tag 3.18.9 --vex "$special"
  expect_refused "--ca-cert $special" "not a regular file" \
    "$STRATA" image --packages-only --ca-cert "$special" 127.0.0.1:9/none:latest
  expect_refused "--cache-key-file $special" "not a regular file" \
    "$STRATA" image --packages-only --input "$img/oci-alpine" --tag 3.18.9 \
    --cache-dir "$WORK/cache-special" --cache-key-file "$special"
done
expect_refused "image --input (a directory that is no layout)" "not an OCI image layout" \
  "$STRATA" image --packages-only --input "$WORK/adir"
expect_refused "--ignore-file (a directory)" "is a directory" \
  "$STRATA" image --packages-only --input "$img/oci-alpine" --tag 3.18.9 --ignore-file "$WORK/adir"
expect_refused "--vex (a directory)" "is a directory" \
  "$STRATA" image --packages-only --input "$img/oci-alpine" --tag 3.18.9 --vex "$WORK/adir"
# a database directory whose database file is a FIFO
expect_rc 0 "$STRATA" db import --db-dir "$WORK/db" "$TESTDATA/demo/osv-ubuntu-18.04/all.zip"
cp -r "$WORK/db" "$WORK/db-fifo"
rm "$WORK/db-fifo/strata.db"
mkfifo "$WORK/db-fifo/strata.db"
expect_refused "a database file that is a FIFO" "not a regular file" \
  "$STRATA" image --db-dir "$WORK/db-fifo" --input "$img/oci-alpine" --tag 3.18.9

# 2. OCI layout directories: every file resolved inside the layout.
layout="$WORK/layout"
cp -r "$img/oci-alpine" "$layout"
expect_rc 0 "$STRATA" image --packages-only --format json --input "$layout" --tag 3.18.9
jq -r '.packages[] | [.name, .version] | @tsv' "$WORK/out" | sort > "$WORK/want.tsv"
[[ $(wc -l < "$WORK/want.tsv") -gt 5 ]] && pass || fail "layout baseline: too few packages"
manifest=$(jq -r '.manifests[] | select(.annotations."org.opencontainers.image.ref.name" == "3.18.9") | .digest' "$layout/index.json")
mpath="$layout/blobs/sha256/${manifest#sha256:}"
config=$(jq -r '.config.digest' "$mpath")
layer=$(jq -r '.layers[0].digest' "$mpath")
cpath="$layout/blobs/sha256/${config#sha256:}"
lpath="$layout/blobs/sha256/${layer#sha256:}"
# a symlink that stays inside the layout is followed
mkdir -p "$layout/elsewhere"
mv "$lpath" "$layout/elsewhere/layer"
ln -s ../../elsewhere/layer "$lpath"
expect_rc 0 "$STRATA" image --packages-only --format json --input "$layout" --tag 3.18.9
jq -r '.packages[] | [.name, .version] | @tsv' "$WORK/out" | sort > "$WORK/got.tsv"
expect_same "layout with an inner symlink" "$WORK/want.tsv" "$WORK/got.tsv"
rm "$lpath"
mv "$layout/elsewhere/layer" "$lpath"
# blobs that lead out of the layout, or are no regular file
cp "$cpath" "$WORK/config.saved"
for target in /etc/passwd /proc/self/pagemap "../../../config.saved" "$WORK/config.saved"; do
  rm -f "$cpath"
  ln -s "$target" "$cpath"
  expect_refused "config blob -> $target" "symbolic link|No such file" \
    "$STRATA" image --packages-only --input "$layout" --tag 3.18.9
  if grep -q "root:" "$WORK/err"; then fail "config blob -> $target: /etc/passwd was read"; else pass; fi
done
rm -f "$cpath"
ln -s /etc/passwd "$cpath"
expect_refused "config blob -> /etc/passwd (says outside)" "outside the layout" \
  "$STRATA" image --packages-only --input "$layout" --tag 3.18.9
rm -f "$cpath"
mkfifo "$cpath"
expect_refused "config blob that is a FIFO" "not a regular file" \
  "$STRATA" image --packages-only --input "$layout" --tag 3.18.9
rm -f "$cpath"
cp "$WORK/config.saved" "$cpath"
rm -f "$lpath.saved"
mv "$lpath" "$lpath.saved"
ln -s /proc/self/pagemap "$lpath"
# --no-cache: a layer in the layer cache is not read again
expect_refused "layer blob -> /proc/self/pagemap" "symbolic link" \
  "$STRATA" image --packages-only --no-cache --input "$layout" --tag 3.18.9
rm -f "$lpath"
mkfifo "$lpath"
expect_refused "layer blob that is a FIFO" "not a regular file" \
  "$STRATA" image --packages-only --no-cache --input "$layout" --tag 3.18.9
rm -f "$lpath"
mv "$lpath.saved" "$lpath"
mv "$layout/index.json" "$WORK/index.json"
ln -s "$WORK/index.json" "$layout/index.json"
expect_refused "index.json -> outside the layout" "index.json: a symbolic link leading outside" \
  "$STRATA" image --packages-only --input "$layout" --tag 3.18.9
rm "$layout/index.json"
mv "$WORK/index.json" "$layout/index.json"
expect_rc 0 "$STRATA" image --packages-only --format json --input "$layout" --tag 3.18.9

# 3. A docker-save archive whose manifest.json names files outside the archive.
mkdir -p "$WORK/escape"
printf '[{"Config":"../../../../etc/passwd","RepoTags":["x:y"],"Layers":["../../../../etc/passwd"]}]' \
  > "$WORK/escape/manifest.json"
tar -C "$WORK/escape" -cf "$WORK/escape.tar" manifest.json
expect_refused "docker-save manifest naming ../../etc/passwd" "etc/passwd" \
  "$STRATA" image --packages-only --input "$WORK/escape.tar"
if grep -q "root:" "$WORK/err"; then fail "docker-save escape: /etc/passwd was read"; else pass; fi

# 4. The layer cache's trust (tests run as root in CI; "nobody" owns the foreign directories).
scan_cached() {  # CACHE_DIR [args]: a scan of the 3.18.9 layout with that cache directory
  local dir=$1
  shift
  expect_rc 0 "$STRATA" image --packages-only --format json --input "$img/oci-alpine" --tag 3.18.9 \
    --cache-dir "$dir" "$@"
}
untrusted() {  # WHAT PATTERN: the last scan warned that the cache is not trusted
  grep -q "not trusted" "$WORK/err" && grep -qE -- "$2" "$WORK/err" && pass \
    || fail "$1: want a 'not trusted' warning matching /$2/, got: $(head -c 400 "$WORK/err")"
}
scan_cached "$WORK/c/new/strata"
[[ $(stat -c %a "$WORK/c/new/strata/layers") == 700 && $(stat -c %a "$WORK/c/new/strata") == 700 \
  && $(stat -c %a "$WORK/c/new") == 700 ]] && pass \
  || fail "cache directories not created 0700: $(stat -c '%a %n' "$WORK/c/new" "$WORK/c/new/strata" "$WORK/c/new/strata/layers")"
ls "$WORK/c/new/strata/layers/ref/" | grep -q _layer_file && pass || fail "no record stored"
scan_cached "$WORK/c/new/strata"
jq -e '[.layers[].from_cache] | all' "$WORK/out" > /dev/null && pass || fail "private cache: no hit"
! grep -q "not trusted" "$WORK/err" && pass || fail "private cache refused: $(cat "$WORK/err")"
# a group-writable record is discarded (a miss, with a warning), then stored again
chmod g+w "$WORK/c/new/strata/layers/ref/"*_layer_file
scan_cached "$WORK/c/new/strata"
jq -e '[.layers[].from_cache] | any | not' "$WORK/out" > /dev/null && pass || fail "group-writable record used"
grep -q "writable by group or others" "$WORK/err" && pass || fail "group-writable record: $(cat "$WORK/err")"
# a world-writable cache directory (planted, or careless)
mkdir -p "$WORK/c/open/layers"
chmod 0777 "$WORK/c/open/layers"
scan_cached "$WORK/c/open"
untrusted "a 0777 cache directory" "writable by group or others \(mode 0777\)"
[[ ! -e $WORK/c/open/layers/index.sqlite ]] && pass || fail "an untrusted cache was written to"
# an open parent without the sticky bit (another user could swap the directory)
mkdir -p "$WORK/c/parent/x"
chmod 0777 "$WORK/c/parent"
scan_cached "$WORK/c/parent/x"
untrusted "a 0777 parent" "c/parent: writable by group or others without the sticky bit"
if [[ $(id -u) == 0 ]] && id nobody > /dev/null 2>&1; then
  mkdir -p "$WORK/c/foreign/layers"
  chown nobody "$WORK/c/foreign/layers"
  scan_cached "$WORK/c/foreign"
  untrusted "a cache directory owned by nobody" "owned by uid $(id -u nobody), not by this user \(uid 0\)"
  expect_refused "strata cache data on a foreign directory" "not trusted" \
    "$STRATA" cache data --cache-dir "$WORK/c/foreign"
  # a foreign record in our own directory
  cp -r "$WORK/c/new" "$WORK/c/planted"
  chown nobody "$WORK/c/planted/strata/layers/ref/"*_layer_file
  scan_cached "$WORK/c/planted/strata"
  jq -e '[.layers[].from_cache] | any | not' "$WORK/out" > /dev/null && pass || fail "foreign record used"
  grep -q "owned by uid $(id -u nobody)" "$WORK/err" && pass || fail "foreign record: $(cat "$WORK/err")"
  # signed records make a shared, foreign directory safe: used, and hit
  printf 'k3y' > "$WORK/key"
  scan_cached "$WORK/c/foreign" --cache-key-file "$WORK/key"
  ! grep -q "not trusted" "$WORK/err" && pass || fail "signed cache refused: $(cat "$WORK/err")"
  STRATA_CACHE_KEY=k3y scan_cached "$WORK/c/foreign"
  jq -e '[.layers[].from_cache] | all' "$WORK/out" > /dev/null && pass || fail "signed foreign cache: no hit"
else
  echo "NOTE: not root (or no user nobody): the foreign-owner cases are not run" >&2
fi

# 5. A hostile root for strata rootfs: nothing outside is read, nothing hangs, nothing changes.
root="$WORK/root"
mkdir -p "$root/etc" "$root/usr/lib" "$root/var/lib/dpkg" "$root/app" "$root/proc" "$WORK/outside"
printf 'ID=planted\nVERSION_ID=6.6.6\n' > "$WORK/outside/os-release"
ln -s "../../../../../../../../../../../..$WORK/outside/os-release" "$root/usr/lib/os-release"
ln -s ../../../../etc/shadow "$root/etc/shadow-link"
alpine_layer "$root" musl:1.1.22-r3:musl
mkfifo "$root/var/lib/dpkg/status"
mkfifo "$root/app/package-lock.json"
ln -s /proc/self/environ "$root/app/requirements.txt"
mkdir -p "$root/app/node_modules/x"
ln -s /proc/self/mem "$root/app/node_modules/x/package.json"
if [[ $(id -u) == 0 ]]; then
  mknod "$root/app/composer.lock" c 1 5  # /dev/zero
  mknod "$root/var/lib/dpkg/available" c 1 5
fi
rm "$root/etc/os-release"
ln -s /etc/os-release "$root/etc/os-release"  # absolute: the root's own (absent), not the host's
checksum() {
  (cd "$1" && find . -printf '%p %y %m %U %G %s %T@ %l\n' | sort
   find . -type f -exec sha256sum {} + | sort) | sha256sum
}
before=$(checksum "$root")
start=$(date +%s)
expect_rc 0 timeout 30 "$STRATA" rootfs "$root" --packages-only --format json
[[ $(( $(date +%s) - start )) -lt 20 ]] && pass || fail "rootfs scan of a hostile root was slow"
jq -e '.target.os.ecosystem != "planted:6.6.6" and ([.packages[].name] | index("planted") | not)' \
  "$WORK/out" > /dev/null && pass || fail "the scan read outside the root: $(jq -c .target "$WORK/out")"
jq -r '.target.os // {} | tostring' "$WORK/out" | grep -vq planted && pass || fail "os from outside"
[[ $(checksum "$root") == "$before" ]] && pass || fail "the scan changed the root"
finish
