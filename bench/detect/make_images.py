#!/usr/bin/env python3
"""make_images.py OUT [--packages N] [--mib M]: the images of bench/detect, in one OCI layout.

One spec declares N subpackages (benchpkg-0001.., default 1200), each with its own version,
license, summary, a description of 1-4 KiB, a few Requires/Provides, 20-50 files under /usr/bin,
/usr/lib64, /usr/share and /usr/share/doc (together about M MiB of content, default 256) and the
spec's changelog (~6 KiB, in every header, as rpm does). One `rpmbuild -bb --nodeps` builds them;
`rpm --root --initdb` and `rpm -i --justdb --nodeps --noscripts` install them into an SQLite
database at var/lib/rpm (rpm leaves rpmdb.sqlite, an empty -wal and a -shm: all three go in the
layer, as in a RHEL/UBI image); `rpmdb --exportdb` and db5.3_load make a BerkeleyDB Packages of
the same headers (hash, little-endian, 4096-byte pages: rpm's own layout, as
tests/unit/detect/rpm_built_test.cpp builds it).

OUT then holds one OCI layout with three single-layer images of the same bytes (the packages'
files, etc/os-release of AlmaLinux 9.4, both databases), which differ only in where the
databases are:
  sqlite  var/lib/rpm/rpmdb.sqlite (-wal, -shm); Packages as usr/share/benchpkg-control/*.copy
  bdb     var/lib/rpm/Packages; rpmdb.sqlite* as usr/share/benchpkg-control/*.copy
  nodb    var/lib/rpm empty, both as usr/share/benchpkg-control/*.copy: the baseline, a layer
          as large as the others that strata finds no database in (it keeps no *.copy file)
and OUT/rpmroot-{sqlite,bdb}/var/lib/rpm, the databases for `rpm -qa`. index.json is written
last (bench/common.bash's generate_once tests it). Needs rpm, rpmbuild, rpmdb, db5.3_load (package
db5.3-util), tar, gzip, jq, sha256sum. Nothing is written outside OUT (rpm's own short-lived
temp files aside).

`make_images.py --install ROOT --packages N --mib M` writes the packages' files under ROOT: the
spec's %install calls it, and so does the rootfs build (the same seeded content)."""
import argparse, datetime, os, random, shutil, struct, subprocess, sys

WORDS = ("the of and to in is for that with on as by this be are from at or an it not which "
         "library files package support version data system user configuration service tool "
         "format network kernel module runtime shared devel headers documentation manual "
         "python perl glibc openssl systemd util linux release update security fix build "
         "memory buffer overflow parser handle error option default install path directory "
         "stream socket protocol client server cache index query table record field value").split()
CHANGELOG_ENTRIES = 60


def text(rng, size):
    """About `size` bytes of English-like text (a skewed vocabulary: compresses ~3x by gzip)."""
    out, n = [], 0
    weights = [1.0 / (i + 1) for i in range(len(WORDS))]
    while n < size:
        line = " ".join(rng.choices(WORDS, weights, k=rng.randint(6, 14))).capitalize() + ".\n"
        out.append(line)
        n += len(line)
    return "".join(out)[:size]


def pkg_name(i):
    return f"benchpkg-{i:04d}"


def layout(i, packages, mib):
    """The files of package i: [(path, size)], 20-50 of them, sizes scaled to ~mib MiB overall."""
    rng = random.Random(i)
    n = rng.randint(20, 50)
    mean = mib * 1048576 / packages / 35
    name = pkg_name(i)
    files = [(f"usr/bin/{name}", int(mean * 4))]
    files += [(f"usr/lib64/{name}/lib{name}-{k}.so.{i % 7}", int(mean * 3)) for k in range(3)]
    files += [(f"usr/share/doc/{name}/{d}", 2048) for d in ("README", "NEWS", "COPYING")]
    for k in range(n - len(files)):
        files.append((f"usr/share/{name}/data/{k // 10}/item-{k}.dat",
                      max(64, int(rng.expovariate(1.0 / (mean * 0.6))))))
    return files


def install(root, packages, mib):
    """Writes every package's files under root: slices of one text pool plus a few random bytes
    per KiB (binary-ish), so the layer compresses about as a real one does."""
    rng = random.Random(0)
    pool = (text(rng, 4 << 20) * 2).encode()
    for i in range(1, packages + 1):
        frng = random.Random(-i)
        for path, size in layout(i, packages, mib):
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            at = frng.randrange(0, len(pool) // 2)
            data = bytearray(pool[at:at + size])
            for _ in range(size // 1024):
                data[frng.randrange(size)] = frng.randrange(256)
            with open(full, "wb") as f:
                f.write(data)


def spec(packages, mib, me):
    rng = random.Random(42)
    licenses = ["MIT", "GPL-2.0-or-later", "LGPL-2.1-or-later", "BSD-3-Clause", "Apache-2.0",
                "GPL-3.0-or-later AND LGPL-3.0-or-later", "MPL-2.0", "ISC", "Zlib", "OpenSSL"]
    s = ["Name: benchpkg", "Version: 1.0", "Release: 1.el9", "Summary: strata bench/detect",
         "License: MIT", "Vendor: AlmaLinux", "Packager: AlmaLinux Packaging Team",
         "URL: https://example.invalid/benchpkg", "AutoReqProv: no",
         "%global debug_package %{nil}", "", "%description", "bench/detect packages.", ""]
    for i in range(1, packages + 1):
        name = pkg_name(i)
        epoch = "" if i % 5 else f"Epoch: {i % 3}\n"
        s.append(f"%package -n {name}\n{epoch}Version: {i % 9 + 1}.{i % 17}.{i % 5}\n"
                 f"Release: {i % 4 + 1}.el9_{i % 3}\nLicense: {licenses[i % len(licenses)]}\n"
                 f"Summary: {text(random.Random(i), 60).splitlines()[0]}\n"
                 f"Requires: {pkg_name(i % packages + 1)} >= 1.0\nRequires: benchcap-{i % 97}\n"
                 f"Provides: benchcap-{i} = 1.0\nProvides: lib{name}.so.{i % 7}()(64bit)\n"
                 f"%description -n {name}\n{text(random.Random(i * 7919), random.Random(i).randint(1024, 4096))}\n")
    s.append(f"%install\npython3 {me} --install %{{buildroot}} --packages {packages} --mib {mib}\n")
    for i in range(1, packages + 1):
        name = pkg_name(i)
        s.append(f"%files -n {name}\n/usr/bin/{name}\n/usr/lib64/{name}\n/usr/share/{name}\n"
                 f"%doc /usr/share/doc/{name}\n")
    s.append("%changelog")
    for k in range(CHANGELOG_ENTRIES):
        day = datetime.date(2024, 6, 3) - datetime.timedelta(days=61 * k)
        s.append(f"* {day:%a %b %d %Y} AlmaLinux Packaging Team "
                 f"<packager@almalinux.org> - 1.0-{CHANGELOG_ENTRIES - k}")
        s.append("- " + text(random.Random(-k), 80).splitlines()[0])
        s.append("- Resolves: RHEL-" + str(10000 + k) + "\n")
    return "\n".join(s) + "\n"


def run(*argv, **kw):
    return subprocess.run(argv, check=True, **kw)


def rpm_at(root, *args, out=False):
    argv = ["rpm", "--root", root, "--dbpath", "/var/lib/rpm", "--define", "_db_backend sqlite",
            *args]
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE if out else None,
                          stderr=subprocess.DEVNULL if out else None)


def packages_dump(hnums, blobs):
    """A db5.3_load input (db_dump -p bytevalue) of rpm's Packages: key 0 the next number."""
    key = lambda n: struct.pack("<I", n).hex()
    lines = ["VERSION=3", "format=bytevalue", "type=hash", "db_lorder=1234", "db_pagesize=4096",
             "HEADER=END", " " + key(0), " " + key(max(hnums) + 1)]
    for h, b in zip(hnums, blobs):
        lines += [" " + key(h), " " + b.hex()]
    return "\n".join(lines + ["DATA=END"]) + "\n"


def split_export(out):
    """The header blobs of `rpmdb --exportdb` (each: magic 8eade801 00000000, il, dl, ...)."""
    blobs, at = [], 0
    while at < len(out):
        assert out[at:at + 8] == bytes.fromhex("8eade80100000000"), "not an exported header"
        il, dl = struct.unpack(">II", out[at + 8:at + 16])
        size = 8 + 16 * il + dl
        blobs.append(out[at + 8:at + 8 + size])
        at += 8 + size
    return blobs


OS_RELEASE = '''NAME="AlmaLinux"
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
DOCUMENTATION_URL="https://wiki.almalinux.org/"
BUG_REPORT_URL="https://bugs.almalinux.org/"
ALMALINUX_MANTISBT_PROJECT="AlmaLinux-9"
ALMALINUX_MANTISBT_PROJECT_VERSION="9.4"
REDHAT_SUPPORT_PRODUCT="AlmaLinux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.4"
SUPPORT_END=2032-06-01
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?")
    ap.add_argument("--packages", type=int, default=1200)
    ap.add_argument("--mib", type=int, default=256)
    ap.add_argument("--install", metavar="ROOT")
    a = ap.parse_args()
    if a.install:
        install(a.install, a.packages, a.mib)
        return
    out = os.path.abspath(a.out)
    work = os.path.join(out, "work")
    top = os.path.join(work, "top")
    me = os.path.abspath(__file__)
    os.makedirs(os.path.join(top, "SPECS"), exist_ok=True)
    spec_path = os.path.join(top, "SPECS", "benchpkg.spec")
    with open(spec_path, "w") as f:
        f.write(spec(a.packages, a.mib, me))

    print(f"rpmbuild: {a.packages} subpackages", file=sys.stderr)
    rpmdir = os.path.join(work, "rpms")
    # --nodeps: no build-dependency check (it would open ~/.rpmdb); payloads uncompressed and no
    # brp scripts: the headers are what matters, and they are the same either way.
    run("rpmbuild", "-bb", "--nodeps", "--quiet", "--define", f"_topdir {top}",
        "--define", f"_rpmdir {rpmdir}", "--define", f"_tmppath {top}/tmp",
        "--define", "__os_install_post %{nil}", "--define", "_binary_payload w.ufdio",
        "--define", "_build_id_links none", spec_path, stdout=subprocess.DEVNULL)
    rpms = sorted(os.path.join(d, f) for d, _, fs in os.walk(rpmdir) for f in fs
                  if f.endswith(".rpm"))
    assert len(rpms) == a.packages, f"{len(rpms)} rpms built, {a.packages} expected"

    print("rpm --justdb: installing into an SQLite database", file=sys.stderr)
    sq_root = os.path.join(out, "rpmroot-sqlite")
    rpm_at(sq_root, "--initdb")
    for k in range(0, len(rpms), 200):
        rpm_at(sq_root, "-i", "--justdb", "--nodeps", "--noscripts", *rpms[k:k + 200], out=True)
    sq_dir = os.path.join(sq_root, "var", "lib", "rpm")

    print("rpmdb --exportdb | db5.3_load: a BerkeleyDB Packages", file=sys.stderr)
    exported = subprocess.run(["rpmdb", "--root", sq_root, "--dbpath", "/var/lib/rpm", "--define",
                               "_db_backend sqlite", "--exportdb"], check=True,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    blobs = split_export(exported)
    # --exportdb and -qa both walk the Packages table in header-number order.
    hnums = [int(x) for x in rpm_at(sq_root, "-qa", "--qf", "%{DBINSTANCE}\\n",
                                    out=True).stdout.split()]
    assert len(blobs) == len(hnums) == a.packages, (len(blobs), len(hnums))
    os.remove(os.path.join(sq_dir, ".rpm.lock"))  # rpm's lock file, not part of the database
    bdb_dir = os.path.join(out, "rpmroot-bdb", "var", "lib", "rpm")
    os.makedirs(bdb_dir)
    with open(os.path.join(work, "Packages.dump"), "w") as f:
        f.write(packages_dump(hnums, blobs))
    run("db5.3_load", "-f", os.path.join(work, "Packages.dump"), os.path.join(bdb_dir, "Packages"))
    sizes = sorted(len(b) for b in blobs)
    print(f"headers: {len(blobs)}, {sizes[0]} to {sizes[-1]} bytes, median {sizes[len(sizes) // 2]},"
          f" mean {sum(sizes) // len(sizes)}", file=sys.stderr)

    layers(out, work, a.packages, a.mib)


def layers(out, work, packages, mib):
    """The three images from OUT/rpmroot-*: every layer holds the same bytes (the package files,
    os-release, both databases); they differ only in where the databases are."""
    print("rootfs and layers", file=sys.stderr)
    sq_dir = os.path.join(out, "rpmroot-sqlite", "var", "lib", "rpm")
    bdb_dir = os.path.join(out, "rpmroot-bdb", "var", "lib", "rpm")
    to_oci = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests",
                          "support", "rootfs-to-oci.sh")
    rootfs = os.path.join(work, "rootfs")
    install(rootfs, packages, mib)
    os.makedirs(os.path.join(rootfs, "etc"))
    with open(os.path.join(rootfs, "etc", "os-release"), "w") as f:
        f.write(OS_RELEASE)
    lib_rpm = os.path.join(rootfs, "var", "lib", "rpm")
    control = os.path.join(rootfs, "usr", "share", "benchpkg-control")
    os.makedirs(lib_rpm)
    os.makedirs(control)
    oci = os.path.join(work, "oci")
    for tag, used, unused in (("nodb", [], [sq_dir, bdb_dir]), ("sqlite", [sq_dir], [bdb_dir]),
                              ("bdb", [bdb_dir], [sq_dir])):
        for d in (lib_rpm, control):
            for f in os.listdir(d):
                os.remove(os.path.join(d, f))
        for src in used:
            for f in os.listdir(src):
                shutil.copy(os.path.join(src, f), lib_rpm)
        # The databases not used here, under names strata does not keep: the same bytes to
        # decompress and hash in every layer.
        for src in unused:
            for f in os.listdir(src):
                shutil.copy(os.path.join(src, f), os.path.join(control, f + ".copy"))
        tgz = os.path.join(work, f"{tag}.tar.gz")
        # Sorted names, fixed owners and times.
        run("bash", "-c", 'tar -C "$1" --sort=name --owner=0 --group=0 --numeric-owner '
            '--mtime=2024-01-01 -cf - . | gzip -6 > "$2"', "_", rootfs, tgz)
        run("bash", to_oci, tgz, oci, tag, "amd64")
        os.remove(tgz)
    for f in ("blobs", "oci-layout", "index.json"):  # index.json last
        os.rename(os.path.join(oci, f), os.path.join(out, f))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
