#pragma once
// Java archives: .jar .war .ear .par .sar .jpi .hpi (any case), zip files read from memory.
//
// Read as the JVM reads them (java.util.zip.ZipFile): from the central directory that the last
// end-of-central-directory record points at (libarchive's seeking zip reader; the streaming one,
// which walks local headers from the start, is not enabled). So an entry added by rewriting the
// central directory is seen, a local entry the current central directory no longer lists is
// not, data prepended to the archive (a launch script) is skipped, of two concatenated zips
// only the last is read, and a truncated archive (no end record) is not read at all.
//
// What an archive declares, each a package with type "java", ecosystem "Maven", name
// "groupId:artifactId" (OSV's Maven naming), purl pkg:maven/groupId/artifactId@version:
//  - one per entry named pom.properties with groupId, artifactId (both Maven ids, see
//    is_maven_id) and version, read as Java properties (java_properties.hpp): Maven writes it
//    at META-INF/maven/<groupId>/<artifactId>/pom.properties, a shaded jar holds one per
//    library it absorbed; like trivy and osv-scalibr, any directory counts. Located at the
//    archive (`path`), not at the entry. An incomplete one is skipped with a warning.
//  - only when the archive holds no such pom.properties of its own: the coordinates its
//    META-INF/MANIFEST.MF declares (java_manifest.hpp; the entry found as the JVM's JarFile
//    finds it, the exact name first, else any case). trivy reads the manifest unless some
//    pom.properties matches the artifactId and version in the file name; a file name is no
//    evidence of what a jar holds, so here any pom.properties of its own is enough.
//  - the packages of every nested archive (an entry whose name has one of the extensions above:
//    WEB-INF/lib/*.jar, BOOT-INF/lib/*.jar, an .ear's modules...), located at
//    "PATH!/ENTRY" ("a.ear!/lib/b.war!/WEB-INF/lib/c.jar"), down to JarLimits::max_depth.
// A package one archive declares twice (two pom.properties with the same coordinates, as in
// trivy's gizmo fixture) is returned once; the same package in two archives, once for each.
// Nothing is guessed from a file name: "commons-io-2.11.0.jar" names an artifactId and a
// version but no groupId, OSV's Maven names are "groupId:artifactId", and a groupId guessed
// (osv-scalibr uses the artifactId; it is right for commons-io, wrong for most jars that lack
// Maven metadata, which Gradle and Ant build) would report a package that cannot match or
// matches the wrong one. trivy, offline, does not report such a jar either.
//
// Where strata reads more than the JVM would: an archive with an encrypted entry (the JVM
// refuses the whole archive; here the entry is skipped with a warning), a manifest the JVM
// rejects (a line without ": ", see java_manifest.hpp), and entries compressed with methods
// other than stored and deflate (libarchive also inflates bzip2, lzma, xz, zstd) are read.
//
// Warnings ("PATH: what"; at most JarLimits::max_warnings, then one that counts the rest): an
// unreadable archive or entry, an encrypted entry, an incomplete pom.properties, each bound
// hit. Whatever could be read is returned; nothing throws.
//
// Memory: the parsed archive (the caller's), plus one buffer per nesting level for the nested
// archive being read (each freed before the next entry), plus libarchive's copy of the central
// directory of each open archive (a few times the directory's size).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/types.hpp"

namespace strata::detect::lang {

struct JarLimits {
  // Levels of archives nested below the one parsed (a.ear!/b.war!/c.jar is 2).
  int max_depth = 4;
  // Decompressed bytes of one nested archive, held in memory while it is read.
  std::uint64_t max_archive_bytes = 256ull << 20;
  // Decompressed bytes of one pom.properties or MANIFEST.MF.
  std::uint64_t max_metadata_bytes = 1ull << 20;
  // A zip bomb: an entry past min_bomb_bytes that decompresses to more than max_ratio times
  // its compressed size (deflate reaches 1032; jars nested in jars are ~1, text ~3-10). It is
  // skipped as soon as that is known: before reading when its declared size is more than
  // max_ratio times the whole archive, else while reading (the declared size may lie), having
  // held at most min_bomb_bytes and a 64 KiB chunk. A STORED entry (a nested jar in a Spring
  // Boot jar) is not inflated, so only the cap bounds it.
  std::uint64_t max_ratio = 100;
  std::uint64_t min_bomb_bytes = 1ull << 20;
  // Entries looked at, and bytes decompressed, in the archive and all nested ones together.
  std::uint64_t max_entries = 500'000;
  std::uint64_t max_total_bytes = 2ull << 30;
  std::size_t max_warnings = 50;
};

// Whether `path` (a normalised absolute path) names a Java archive: by extension alone.
bool is_java_candidate(std::string_view path);

// Every package the archive `content` declares (see above). `path` names the archive in
// locations and warnings.
std::vector<model::Package> parse_java_archive(std::string_view content, std::string_view path,
                                               std::vector<std::string>& warnings,
                                               const JarLimits& limits = {});

}  // namespace strata::detect::lang
