#!/usr/bin/env bash
# Golden test of rpm images end to end, against Debian's rpm as the oracle:
#  - an AlmaLinux-style docker-save image built here: layer 1 has /etc/os-release and
#    var/lib/rpm -> ../../usr/lib/sysimage/rpm, layer 2 the rpm database that Debian's rpm wrote
#    under usr/lib/sysimage/rpm (packages built by rpmbuild from generated specs), layer 3 the
#    database again with one more package. The package list must be `rpm -qa`'s, each package
#    attributed to the layer that added it, with the report fields of issue 13, and the findings
#    against the real AlmaLinux OSV records exactly the hand-checked set (rpm ordering: 16 > 6,
#    el9_2 < el9_3, 0.9.0 > 0.9.0~M3);
#  - an OCI image whose one layer uses absolute entry names ("/etc/os-release") and an absolute
#    symlink /var/lib/rpm -> /usr/lib/sysimage/rpm: read as Docker reads it;
#  - the shared rpm images (testdata/images/oci-rpm: SQLite and BerkeleyDB) against their
#    expected lists;
#  - the NeuVector envelope's modules list.
# Needs rpm and rpmbuild (scripts/install-deps.sh --test).
source "$(dirname "$0")/lib.bash"
support="$(dirname "$0")/../support"
command -v rpmbuild >/dev/null || { echo "FAIL: rpmbuild missing: scripts/install-deps.sh --test" >&2; exit 1; }

# --- packages built by rpmbuild: NAME EPOCH VERSION RELEASE ARCH [SUBPACKAGE] [MODULARITYLABEL]
mkdir -p "$WORK/specs"
spec() {
  local name=$1 epoch=$2 version=$3 release=$4 arch=$5 sub=${6:-} label=${7:-}
  {
    echo "Name: $name"
    [[ $epoch != - ]] && echo "Epoch: $epoch"
    echo "Version: $version"
    echo "Release: $release"
    echo "Summary: $name for strata's golden test"
    echo "License: MIT"
    [[ $arch == noarch ]] && echo "BuildArch: noarch"
    echo "%description"
    echo "test package"
    if [[ -n $sub ]]; then
      echo "%package -n $sub"
      echo "Summary: $sub"
      echo "%description -n $sub"
      echo "test subpackage"
      echo "%files -n $sub"
    else
      echo "%files"
    fi
  } > "$WORK/specs/$name.spec"
  rpmbuild -bb --nodeps --define "_topdir $WORK/rpmbuild" --define "_tmppath $WORK/tmp" \
    ${label:+--define "modularitylabel $label"} "$WORK/specs/$name.spec" > "$WORK/rpmbuild.log" 2>&1 \
    || { cat "$WORK/rpmbuild.log" >&2; fail "rpmbuild $name"; }
}
mkdir -p "$WORK/tmp"
spec openssl 1 3.0.7 16.el9_2 x86_64 openssl-libs
spec sqlite - 3.34.1 7.el9_3 x86_64 sqlite-libs
spec xz - 5.2.5 8.el9_0 x86_64 xz-libs
spec sisu 1 0.9.0 1.module_el9.6.0+148+fb6dc857 noarch "" maven:3.8:9060020250101:fb6dc857
spec strata-extra 0 1.0 1.el9 noarch
rpms=$(find "$WORK/rpmbuild/RPMS" -name '*.rpm' | sort)

# --- the root: the first four packages, then strata-extra in a later layer --------------------
root=$WORK/root
rpm_root() { rpm --root "$root" --dbpath /usr/lib/sysimage/rpm "$@"; }
mkdir -p "$root/etc" "$root/var/lib" "$root/usr/lib/sysimage/rpm"
rpm_root --initdb
rpm_root -i --justdb --nodeps --noscripts $(grep -v strata-extra <<< "$rpms") || fail "rpm -i"
qf='%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\n'
rpm_root -qa --qf "$qf" | sed 's/\t0:/\t/' | sort > "$WORK/want-l2.tsv"
cp "$root/usr/lib/sysimage/rpm/rpmdb.sqlite" "$WORK/rpmdb-l2.sqlite"
rpm_root -i --justdb --nodeps --noscripts $(grep strata-extra <<< "$rpms") || fail "rpm -i extra"
rpm_root -qa --qf "$qf" | sed 's/\t0:/\t/' | sort > "$WORK/want.tsv"
[[ $(wc -l < "$WORK/want.tsv") -eq 5 ]] && pass || fail "rpm lists $(wc -l < "$WORK/want.tsv") packages"
cat > "$root/etc/os-release" <<'EOF'
NAME="AlmaLinux"
VERSION="9.4 (Seafoam Ocelot)"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="AlmaLinux 9.4 (Seafoam Ocelot)"
ANSI_COLOR="0;34"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:almalinux:almalinux:9::baseos"
HOME_URL="https://almalinux.org/"
BUG_REPORT_URL="https://bugs.almalinux.org/"
EOF

python3 - "$WORK" <<'PY'
import io, sys, tarfile
work = sys.argv[1]
def tar(name, entries):
    with tarfile.open(f"{work}/{name}", "w", format=tarfile.PAX_FORMAT) as t:
        for path, kind, data in entries:
            ti = tarfile.TarInfo(path)
            ti.mtime = 1704067200
            if kind == "dir":
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                t.addfile(ti)
            elif kind == "link":
                ti.type, ti.linkname = tarfile.SYMTYPE, data
                t.addfile(ti)
            else:
                body = open(data, "rb").read()
                ti.size, ti.mode = len(body), 0o644
                t.addfile(ti, io.BytesIO(body))
root = f"{work}/root"
tar("l1.tar", [("etc", "dir", None), ("etc/os-release", "file", f"{root}/etc/os-release"),
               ("usr/lib/sysimage/rpm", "dir", None), ("var/lib", "dir", None),
               ("var/lib/rpm", "link", "../../usr/lib/sysimage/rpm")])
tar("l2.tar", [("usr/lib/sysimage/rpm/rpmdb.sqlite", "file", f"{work}/rpmdb-l2.sqlite")])
tar("l3.tar", [("usr/lib/sysimage/rpm/rpmdb.sqlite", "file", f"{root}/usr/lib/sysimage/rpm/rpmdb.sqlite")])
# One layer, absolute names everywhere, an absolute symlink target.
tar("abs.tar", [("/etc/os-release", "file", f"{root}/etc/os-release"),
                ("/usr/lib/sysimage/rpm/rpmdb.sqlite", "file", f"{root}/usr/lib/sysimage/rpm/rpmdb.sqlite"),
                ("/var/lib/rpm", "link", "/usr/lib/sysimage/rpm")])
PY
python3 "$support/layers-to-docker-archive.py" "$WORK/alma.tar" strata/alma:9 \
  "$WORK/l1.tar" "$WORK/l2.tar" "$WORK/l3.tar"
l2=sha256:$(sha256sum "$WORK/l2.tar" | cut -d' ' -f1)
l3=sha256:$(sha256sum "$WORK/l3.tar" | cut -d' ' -f1)

# --- packages: rpm -qa's list, fields, layers ----------------------------------------------------
expect_rc 0 "$STRATA" image --no-cache --packages-only --format json "$WORK/alma.tar"
cp "$WORK/out" "$WORK/alma.json"
jq -r '.packages[] | [.name, .version, .arch, .source_name + "-" + .source_version + ".src.rpm"]
       | @tsv' "$WORK/alma.json" | sort > "$WORK/got.tsv"
expect_same "rpm -qa (symlinked /var/lib/rpm, 3 layers)" "$WORK/want.tsv" "$WORK/got.tsv"
[[ $(jq -r '.target.os.ecosystem' "$WORK/alma.json") == "AlmaLinux:9" ]] && pass || fail "ecosystem"
[[ $(jq '[.warnings[]] | length' "$WORK/alma.json") -eq 0 ]] && pass \
  || fail "warnings: $(jq -c .warnings "$WORK/alma.json")"
jq -r '.packages[] | select(.name == "openssl-libs")
       | [.type, .version, .arch, .source_name, .source_version, .ecosystem, .purl, .layer]
       | @tsv' "$WORK/alma.json" > "$WORK/got"
printf 'rpm\t1:3.0.7-16.el9_2\tx86_64\topenssl\t3.0.7-16.el9_2\tAlmaLinux:9\t%s\t%s\n' \
  "pkg:rpm/almalinux/openssl-libs@3.0.7-16.el9_2?arch=x86_64&epoch=1&distro=almalinux-9.4" "$l2" \
  > "$WORK/want"
expect_same "openssl-libs fields" "$WORK/want" "$WORK/got"
[[ $(jq -r '.packages[] | select(.name == "sisu") | .modularity_label' "$WORK/alma.json") \
   == "maven:3.8:9060020250101:fb6dc857" ]] && pass || fail "modularity_label"
[[ $(jq -r '.packages[] | select(.name == "xz-libs") | has("modularity_label")' "$WORK/alma.json") \
   == false ]] && pass || fail "modularity_label on a package without one"
[[ $(jq -r '.packages[] | select(.name == "strata-extra") | .layer' "$WORK/alma.json") == "$l3" ]] \
  && pass || fail "strata-extra is not attributed to layer 3"
[[ $(jq -r '[.packages[] | select(.name != "strata-extra") | .layer] | unique | join(" ")' \
   "$WORK/alma.json") == "$l2" ]] && pass || fail "the first four packages are not from layer 2"

# --- absolute entry names: the same packages ------------------------------------------------------
gzip -n -c "$WORK/abs.tar" > "$WORK/abs.tar.gz"
bash "$support/rootfs-to-oci.sh" "$WORK/abs.tar.gz" "$WORK/abs-layout" abs amd64
expect_rc 0 "$STRATA" image --no-cache --packages-only --format json "$WORK/abs-layout"
jq -r '.packages[] | [.name, .version, .arch, .source_name + "-" + .source_version + ".src.rpm"]
       | @tsv' "$WORK/out" | sort > "$WORK/got.tsv"
expect_same "absolute entry names" "$WORK/want.tsv" "$WORK/got.tsv"

# --- findings against the real AlmaLinux records ----------------------------------------------
# Hand-checked against each record's AlmaLinux:9 fixed version (testdata/osv-match/almalinux):
#  openssl-libs 1:3.0.7-16.el9_2: fixed by ALSA-2022:6224 (1:3.0.1-41.el9_0), 2022:7288,
#    2023:0946, 2023:2523 (1:3.0.7-6.el9_2: 16 > 6 numerically) and 2023:3722 (the same version);
#    affected by the 10 later errata, from 2024:0310 (1:3.0.7-25.el9_3) on.
#  sqlite-libs 3.34.1-7.el9_3: fixed by 2023:0339 and 2024:0465 (the same version); affected by
#    2025:11992 (3.34.1-8.el9_6) and 2025:20936 (3.34.1-9.el9_7), both for CVE-2025-6965 only:
#    one finding, under the erratum with the lowest fix.
#  xz-libs 5.2.5-8.el9_0: exactly 2022:4940's fix. sisu 1:0.9.0-1.module_el9...: above
#    2026:38500's 1:0.9.0~M3-7.module_el9... (a tilde pre-release). strata-extra: no record.
"$STRATA" -q db import --db-dir "$WORK/db" "$TESTDATA/osv-match/almalinux" 2>"$WORK/err" \
  || fail "db import: $(cat "$WORK/err")"
expect_rc 0 "$STRATA" image --no-cache --db-dir "$WORK/db" --format json "$WORK/alma.tar"
cp "$WORK/out" "$WORK/alma-vulns.json"
jq -r '.vulnerabilities[] | [.package, .advisory_id, .installed_version] | @tsv' \
  "$WORK/alma-vulns.json" | sort > "$WORK/got"
cat > "$WORK/want" <<'EOF'
openssl-libs	ALSA-2024:0310	1:3.0.7-16.el9_2
openssl-libs	ALSA-2024:2447	1:3.0.7-16.el9_2
openssl-libs	ALSA-2024:6783	1:3.0.7-16.el9_2
openssl-libs	ALSA-2024:9333	1:3.0.7-16.el9_2
openssl-libs	ALSA-2025:1330	1:3.0.7-16.el9_2
openssl-libs	ALSA-2025:21255	1:3.0.7-16.el9_2
openssl-libs	ALSA-2026:1473	1:3.0.7-16.el9_2
openssl-libs	ALSA-2026:19218	1:3.0.7-16.el9_2
openssl-libs	ALSA-2026:22312	1:3.0.7-16.el9_2
openssl-libs	ALSA-2026:25239	1:3.0.7-16.el9_2
sqlite-libs	ALSA-2025:11992	3.34.1-7.el9_3
EOF
expect_same "AlmaLinux findings" "$WORK/want" "$WORK/got"
[[ $(jq -r '.vulnerabilities[] | select(.advisory_id == "ALSA-2024:0310") | .fixed_version' \
   "$WORK/alma-vulns.json") == "1:3.0.7-25.el9_3" ]] && pass || fail "fixed_version as the record writes it"
[[ $(jq -r '.vulnerabilities[] | select(.package == "sqlite-libs") | [.id, .fixed_version] | @tsv' \
   "$WORK/alma-vulns.json") == $'CVE-2025-6965\t3.34.1-8.el9_6' ]] && pass || fail "sqlite-libs finding"
[[ $(jq -r '[.vulnerabilities[].id | startswith("CVE-")] | all' "$WORK/alma-vulns.json") == true ]] \
  && pass || fail "finding ids are not CVEs"

# --- NeuVector's envelope: rpm packages in modules, binary names in vulnerabilities -------------
expect_rc 0 "$STRATA" image --no-cache --db-dir "$WORK/db" --format neuvector "$WORK/alma.tar"
jq -r '.report.modules[] | [.name, .version] | @tsv' "$WORK/out" | sort > "$WORK/got"
cut -f1,2 "$WORK/want.tsv" | sort > "$WORK/want"
expect_same "neuvector modules" "$WORK/want" "$WORK/got"
[[ $(jq -r '[.report.vulnerabilities[].package_name] | unique | join(" ")' "$WORK/out") \
   == "openssl-libs sqlite-libs" ]] && pass || fail "neuvector package names"

# --- a database relocated behind a symlink to a directory of another name ----------------------
# Layer 1 links var/lib/rpm -> ../../data/rpmdb and holds a decoy "Packages" that is not a
# BerkeleyDB file; layer 2 writes data/rpmdb/Packages (a real BerkeleyDB rpmdb): the reader keeps
# it by name and content, the merged view leads /var/lib/rpm/Packages to it.
python3 - "$WORK" "$TESTDATA/pkgdb/rpm/go-rpmdb-libuuid-bdb/Packages" <<'PY'
import io, sys, tarfile
work, bdb = sys.argv[1], sys.argv[2]
def add(t, path, body=None, link=None):
    ti = tarfile.TarInfo(path)
    if link is not None:
        ti.type, ti.linkname = tarfile.SYMTYPE, link
        t.addfile(ti)
    else:
        ti.size = len(body)
        t.addfile(ti, io.BytesIO(body))
with tarfile.open(f"{work}/r1.tar", "w") as t:
    add(t, "etc/os-release", open(f"{work}/root/etc/os-release", "rb").read())
    add(t, "var/lib/rpm", link="../../data/rpmdb")
    add(t, "srv/repo/Packages", b"Package: hello\nVersion: 1\n")
with tarfile.open(f"{work}/r2.tar", "w") as t:
    add(t, "data/rpmdb/Packages", open(bdb, "rb").read())
PY
python3 "$support/layers-to-docker-archive.py" "$WORK/relocated.tar" strata/relocated:1 \
  "$WORK/r1.tar" "$WORK/r2.tar"
r2=sha256:$(sha256sum "$WORK/r2.tar" | cut -d' ' -f1)
expect_rc 0 "$STRATA" image --no-cache --packages-only --format json "$WORK/relocated.tar"
jq -r '.packages[] | [.name, .version, .layer] | @tsv' "$WORK/out" > "$WORK/got"
printf 'libuuid\t2.32.1-42.el8_8\t%s\n' "$r2" > "$WORK/want"
expect_same "rpm database behind a symlinked directory" "$WORK/want" "$WORK/got"

# --- the same root as a directory (strata rootfs: the host code path) -------------------------
ln -s ../../usr/lib/sysimage/rpm "$root/var/lib/rpm"
expect_rc 0 "$STRATA" rootfs --packages-only --format json "$root"
jq -r '.packages[] | [.name, .version, .arch, .source_name + "-" + .source_version + ".src.rpm"]
       | @tsv' "$WORK/out" | sort > "$WORK/got.tsv"
expect_same "rootfs with a symlinked /var/lib/rpm" "$WORK/want.tsv" "$WORK/got.tsv"

# --- an OS that OSV does not cover: listed, warned about, --fail-on-unsupported exits 3 ---------
printf 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nVERSION_ID="9.4"\n' > "$root/etc/os-release"
expect_rc 0 "$STRATA" rootfs --db-dir "$WORK/db" --format json "$root"
[[ $(jq '.packages | length' "$WORK/out") -eq 5 ]] && pass || fail "rhel packages not listed"
jq -r '.warnings[]' "$WORK/out" | grep -q 'rhel' && pass || fail "no warning for rhel: $(cat "$WORK/out")"
expect_rc 3 "$STRATA" rootfs --db-dir "$WORK/db" --fail-on-unsupported "$root"
expect_one_line_error "rhel with --fail-on-unsupported"

# --- the shared rpm images --------------------------------------------------------------------
for tag in sqlite bdb; do
  expect_rc 0 "$STRATA" image --no-cache --packages-only --format json \
    --tag "$tag" "$TESTDATA/images/oci-rpm"
  jq -r '.packages[] | [.name, .version, .arch] | @tsv' "$WORK/out" | sort > "$WORK/got"
  tail -n +2 "$TESTDATA/images/expected/rpm-$tag.tsv" | sed 's/\t0:/\t/' | sort > "$WORK/want"
  expect_same "oci-rpm:$tag" "$WORK/want" "$WORK/got"
done

echo "rpm_images: $checks checks, $failures failures"
[[ $failures -eq 0 ]]
