#!/usr/bin/env bash
# Builds strata's runtime container image without a container engine, from this machine's
# installed Debian packages (no network): the strata binary, every file of the Debian packages
# that own the shared libraries it links (`ldd`, `dpkg -S`, `dpkg -L`), with their dpkg status
# stanzas and file lists, so that a scanner sees them as installed packages; base-files
# (os-release) and ca-certificates (and the CA bundle update-ca-certificates generated);
# /etc/passwd with the non-root user strata (uid 10001); and the image config the Dockerfile's
# runtime stage sets (User, Entrypoint, Env). The Dockerfile's build stage runs this script with
# --rootfs, so both images hold the same files.
#
#   scripts/build-image.sh [--binary FILE] [--tag TAG] [--no-strip] [--shell]
#                          [--oci DIR] [--docker-archive FILE] [--rootfs DIR]
#
#   --binary FILE          the strata binary (default: build/strata)
#   --tag TAG              the tag in the OCI layout and the docker archive (default: latest)
#   --oci DIR              write an OCI image layout, one gzip layer (an existing layout in DIR
#                          is replaced; any other non-empty DIR is refused)
#   --docker-archive FILE  write a `docker load` archive of the same image, tagged strata:TAG
#   --rootfs DIR           only assemble the root filesystem in DIR (new or empty)
#   --no-strip             keep the binary's debug information (default: strip it when `strip`
#                          is installed)
#   --shell                also busybox-static and its applets (sh, ls, cat, ...) in /usr/bin:
#                          for CI systems that run a job's script inside the image (GitLab CI;
#                          the Dockerfile's `ci` target)
#
# SOURCE_DATE_EPOCH (default: the time of the last commit, else 0) is the image's creation time
# and the latest file time in the layer: the same inputs give the same digests. Needs ldd,
# dpkg-query, GNU tar, gzip, sha256sum, and jq for --oci / --docker-archive.
set -euo pipefail
umask 022

die() { echo "build-image: $*" >&2; exit 1; }

here=$(cd "$(dirname "$0")/.." && pwd)
binary=$here/build/strata
tag=latest
oci=""
archive=""
rootfs_out=""
strip_binary=1
shell=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --binary) binary=${2:?--binary needs a file}; shift 2 ;;
    --tag) tag=${2:?--tag needs a tag}; shift 2 ;;
    --oci) oci=${2:?--oci needs a directory}; shift 2 ;;
    --docker-archive) archive=${2:?--docker-archive needs a file}; shift 2 ;;
    --rootfs) rootfs_out=${2:?--rootfs needs a directory}; shift 2 ;;
    --no-strip) strip_binary=0; shift ;;
    --shell) shell=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ -n $oci || -n $archive || -n $rootfs_out ]] || die "nothing to do: give --oci, --docker-archive or --rootfs"
if [[ -n $oci && -d $oci && ! -f $oci/oci-layout && -n $(ls -A "$oci") ]]; then
  die "--oci $oci is a non-empty directory that holds no OCI layout: not replacing it"
fi
[[ -f $binary && -x $binary ]] || die "no strata binary at $binary (build it, or give --binary)"
tools=(ldd dpkg dpkg-query tar gzip sha256sum)
if [[ -n $oci || -n $archive ]]; then
  tools+=(jq)
fi
for tool in "${tools[@]}"; do
  command -v "$tool" > /dev/null || die "$tool is not installed"
done
tar --version | grep -q 'GNU tar' || die "tar is not GNU tar"

# The image's user and config; the Dockerfile's runtime stage says the same (tests/golden/
# self_image.sh compares them). /var/neuvector (NeuVector's result directory) and the cache
# directory belong to the user, so that the SCANNER_ON_DEMAND mode and the layer cache work
# without root; XDG_CACHE_HOME puts the cache (and the database, db/) in /var/cache/strata.
user=strata
uid=10001
entrypoint=/usr/local/bin/strata
env_vars=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/home/strata
  XDG_CACHE_HOME=/var/cache)
user_dirs=(home/strata var/cache/strata var/neuvector)
extra_pkgs=(base-files ca-certificates)
if [[ $shell == 1 ]]; then
  extra_pkgs+=(busybox-static)
fi

epoch=${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2> /dev/null || echo 0)}
[[ $epoch =~ ^[0-9]+$ ]] || die "SOURCE_DATE_EPOCH is not a number of seconds: '$epoch'"

work=$(mktemp -d "${TMPDIR:-/tmp}/strata-image.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- Which packages: the owners of the libraries the binary links --------------------------------
ldd "$binary" > "$work/ldd.txt" 2>&1 || die "ldd $binary failed: $(head -c 300 "$work/ldd.txt")"
if grep -q 'not found' "$work/ldd.txt"; then
  die "$binary links libraries that are not installed: $(grep 'not found' "$work/ldd.txt" | tr '\n' ' ')"
fi
# "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)";
# linux-vdso.so.1 is the kernel's
awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' "$work/ldd.txt" | sort -u > "$work/libs.txt"
[[ -s $work/libs.txt ]] || die "$binary links no shared library (static?): nothing to take from dpkg"
# candidates LIB: the spellings dpkg may have recorded LIB under, in order. On a merged-/usr
# system ldd may name /lib/... where dpkg recorded /usr/lib/... (or the other way round), and a
# library may be a symlink: both spellings of the path and of the resolved path.
candidates() {
  local p
  for p in "$1" "$(readlink -f "$1")"; do
    echo "$p"
    case $p in
      /usr/*) echo "${p#/usr}" ;;
      *) echo "/usr$p" ;;
    esac
  done
}
while read -r lib; do
  candidates "$lib" | sed "s|^|$lib\t|"
done < "$work/libs.txt" > "$work/candidates.tsv"
# One dpkg-query for them all (each call reads every file list): "pkg[, pkg]: /path" lines, the
# paths no package has are errors on stderr.
cut -f2 "$work/candidates.tsv" | sort -u | xargs dpkg-query -S 2> /dev/null \
  | grep -v '^diversion by' > "$work/dpkg-S.txt" || true
: > "$work/owners.txt"
while read -r lib; do
  found=""
  while IFS=$'\t' read -r _ c; do
    # "a, b: /path" when several packages share a path: each of them
    found=$(awk -v c="$c" '{ i = index($0, ": /") } i && substr($0, i + 2) == c {
      print substr($0, 1, i - 1); exit }' "$work/dpkg-S.txt")
    [[ -n $found ]] && break
  done < <(awk -F'\t' -v lib="$lib" '$1 == lib' "$work/candidates.tsv")
  [[ -n $found ]] || die "no installed package owns $lib (ldd $binary): it cannot go into the image"
  tr ',' '\n' <<< "$found" | sed 's/^ *//' >> "$work/owners.txt"
done < "$work/libs.txt"
for p in "${extra_pkgs[@]}"; do
  dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2> /dev/null | grep -q '^ii' \
    || die "$p is not installed (apt-get install $p)"
  echo "$p" >> "$work/owners.txt"
done
# Canonical names (binary:Package: "libc6:amd64" for Multi-Arch: same, "base-files" otherwise),
# which are also the names of their files in /var/lib/dpkg/info.
mapfile -t pkgs < <(sort -u "$work/owners.txt" | xargs dpkg-query -W -f '${binary:Package}\n' | sort -u)
echo "build-image: ${#pkgs[@]} packages: ${pkgs[*]}" >&2

# --- The root filesystem ---------------------------------------------------------------------------
if [[ -n $rootfs_out ]]; then
  mkdir -p "$rootfs_out"
  [[ -z $(ls -A "$rootfs_out") ]] || die "--rootfs $rootfs_out is not empty"
  root=$(cd "$rootfs_out" && pwd)
else
  root=$work/rootfs
  mkdir "$root"
fi
# The merged-/usr links the host has (the packages' files are extracted through them).
for d in bin sbin lib lib64; do
  if [[ -L /$d ]]; then
    mkdir -p "$root/$(readlink -f "/$d" | sed 's|^/||')"
    ln -s "$(readlink "/$d")" "$root/$d"
  fi
done

# Every path the packages installed that is still there (a Docker base image may have dropped the
# documentation); directories as directories, their contents only when listed.
dpkg-query -L "${pkgs[@]}" | grep '^/' | grep -vx '/\.' | sort -u > "$work/paths.txt"
while read -r f; do
  if [[ -e $f || -L $f ]]; then
    printf '%s\n' "${f#/}"
  fi
done < "$work/paths.txt" > "$work/files.txt"
tar -C / --no-recursion --verbatim-files-from --numeric-owner -T "$work/files.txt" -cf - \
  | tar -C "$root" --keep-directory-symlink --numeric-owner -xpf -

# The dpkg database: the packages' status stanzas and file lists.
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
# (dpkg-query -s separates the stanzas with a blank line; the file ends with one too)
{ dpkg-query -s "${pkgs[@]}"; echo; } > "$root/var/lib/dpkg/status"
for p in "${pkgs[@]}"; do
  for ext in list md5sums; do
    if [[ -f /var/lib/dpkg/info/$p.$ext ]]; then
      cp "/var/lib/dpkg/info/$p.$ext" "$root/var/lib/dpkg/info/"
    fi
  done
done
# update-ca-certificates' bundle (made by the package's postinst, so not in its file list).
[[ -f /etc/ssl/certs/ca-certificates.crt ]] || die "/etc/ssl/certs/ca-certificates.crt is missing (update-ca-certificates)"
mkdir -p "$root/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"

# The binary.
mkdir -p "$root/usr/local/bin"
if [[ $strip_binary == 1 ]] && command -v strip > /dev/null; then
  strip --strip-debug -o "$root$entrypoint" "$binary"
else
  cp "$binary" "$root$entrypoint"
fi
chmod 0755 "$root$entrypoint"

# busybox's applets (static: it runs here too), where nothing else has the name.
if [[ $shell == 1 ]]; then
  for applet in $("$root/bin/busybox" --list); do
    if [[ ! -e $root/usr/bin/$applet && ! -L $root/usr/bin/$applet ]]; then
      ln -s /bin/busybox "$root/usr/bin/$applet"
    fi
  done
fi

# Users, and the directories the non-root user writes.
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\n%s:x:%d:%d:strata:/home/strata:/usr/sbin/nologin\n' \
  "$user" "$uid" "$uid" > "$root/etc/passwd"
printf 'root:x:0:\n%s:x:%d:\n' "$user" "$uid" > "$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
chmod 0644 "$root/etc/passwd" "$root/etc/group" "$root/etc/nsswitch.conf"
for d in "${user_dirs[@]}"; do
  mkdir -p "$root/$d"
  chmod 0755 "$root/$d"
  if [[ $(id -u) == 0 ]]; then
    chown "$uid:$uid" "$root/$d"
  fi
done
mkdir -p "$root/tmp"
chmod 1777 "$root/tmp"

if [[ -z $oci && -z $archive ]]; then
  echo "build-image: root filesystem in $root" >&2
  exit 0
fi

# --- The layer: root-owned, except the user's directories ------------------------------------------
tar_opts=(--format=gnu --numeric-owner --sort=name "--mtime=@$epoch" --clamp-mtime)
excludes=()
for d in "${user_dirs[@]}"; do
  excludes+=("--exclude=$d")
done
mapfile -t top < <(ls -A "$root" | LC_ALL=C sort)
tar -C "$root" "${tar_opts[@]}" --owner=0 --group=0 --anchored "${excludes[@]}" \
  -cf "$work/layer.tar" "${top[@]}"
tar -C "$root" "${tar_opts[@]}" --owner="$uid" --group="$uid" --no-recursion \
  -rf "$work/layer.tar" "${user_dirs[@]}"
gzip -n -6 < "$work/layer.tar" > "$work/layer.tar.gz"

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }
diff_id=$(sha "$work/layer.tar")
layer_digest=$(sha "$work/layer.tar.gz")

case $(dpkg --print-architecture) in
  amd64) arch=amd64 variant="" ;;
  arm64) arch=arm64 variant=v8 ;;
  armhf) arch=arm variant=v7 ;;
  i386) arch=386 variant="" ;;
  ppc64el) arch=ppc64le variant="" ;;
  s390x) arch=s390x variant="" ;;
  riscv64) arch=riscv64 variant="" ;;
  *) die "no OCI architecture for dpkg's $(dpkg --print-architecture)" ;;
esac
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
version=$("$binary" version 2> /dev/null | awk '$1 == "strata" {print $2}') || true
jq -cn --arg created "$created" --arg arch "$arch" --arg variant "$variant" \
  --arg user "$uid:$uid" --arg entrypoint "$entrypoint" --arg diff_id "sha256:$diff_id" \
  --arg version "$version" --arg packages "${pkgs[*]}" \
  --argjson env "$(printf '%s\n' "${env_vars[@]}" | jq -R . | jq -sc .)" '
  {created: $created, architecture: $arch, os: "linux"}
  + (if $variant == "" then {} else {variant: $variant} end)
  + {config: {User: $user, Entrypoint: [$entrypoint], Env: $env, WorkingDir: "/home/strata",
              Labels: {"org.opencontainers.image.title": "strata",
                       "org.opencontainers.image.version": $version,
                       "org.opencontainers.image.licenses": "Apache-2.0"}},
     rootfs: {type: "layers", diff_ids: [$diff_id]},
     history: [{created: $created,
                created_by: "scripts/build-image.sh: strata, its libraries (\($packages))"}]}' \
  > "$work/config.json"
config_digest=$(sha "$work/config.json")

if [[ -n $oci ]]; then
  rm -rf "$oci"
  mkdir -p "$oci/blobs/sha256"
  cp "$work/layer.tar.gz" "$oci/blobs/sha256/$layer_digest"
  cp "$work/config.json" "$oci/blobs/sha256/$config_digest"
  jq -cn --arg config "sha256:$config_digest" --argjson config_size "$(size "$work/config.json")" \
    --arg layer "sha256:$layer_digest" --argjson layer_size "$(size "$work/layer.tar.gz")" '
    {schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
     config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $config,
              size: $config_size},
     layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $layer,
               size: $layer_size}]}' > "$work/manifest.json"
  manifest_digest=$(sha "$work/manifest.json")
  cp "$work/manifest.json" "$oci/blobs/sha256/$manifest_digest"
  printf '{"imageLayoutVersion":"1.0.0"}' > "$oci/oci-layout"
  jq -cn --arg digest "sha256:$manifest_digest" --argjson size "$(size "$work/manifest.json")" \
    --arg tag "$tag" '
    {schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
     manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $digest,
                  size: $size, annotations: {"org.opencontainers.image.ref.name": $tag}}]}' \
    > "$oci/index.json"
  chmod -R a+rX "$oci"
  echo "build-image: OCI layout $oci, tag $tag, manifest sha256:$manifest_digest" >&2
fi

if [[ -n $archive ]]; then
  d=$work/archive
  mkdir -p "$d/$diff_id"
  cp "$work/config.json" "$d/$config_digest.json"
  ln "$work/layer.tar" "$d/$diff_id/layer.tar"
  jq -cn --arg config "$config_digest.json" --arg tag "strata:$tag" --arg layer "$diff_id/layer.tar" \
    '[{Config: $config, RepoTags: [$tag], Layers: [$layer]}]' > "$d/manifest.json"
  jq -cn --arg tag "$tag" --arg id "$diff_id" '{strata: {($tag): $id}}' > "$d/repositories"
  tar -C "$d" "${tar_opts[@]}" --owner=0 --group=0 -cf "$archive" \
    manifest.json repositories "$config_digest.json" "$diff_id"
  echo "build-image: docker archive $archive, strata:$tag" >&2
fi
