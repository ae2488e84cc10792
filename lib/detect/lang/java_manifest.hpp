#pragma once
// META-INF/MANIFEST.MF (the JAR File Specification's manifest), and the Maven coordinates a
// jar without pom.properties declares in it.
//
// Only the main section is read: it describes the archive itself; the named sections after the
// first empty line describe entries (java.util.jar.Manifest does the same). Lines end at CRLF,
// LF or CR; a line starting with one space continues the previous one (the space dropped,
// nothing inserted); "Name: value"; names compare ASCII case-insensitively; a repeated name
// keeps its last value. More lenient than the JVM, which rejects the whole manifest on a line
// without ": " and drops a last line with no line end: here the space after the colon is
// optional, lines without a colon are skipped and counted, and a last line is read.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::detect::lang {

struct ManifestAttribute {
  std::string name;
  std::string value;  // unfolded, not trimmed
};

struct ManifestMain {
  std::vector<ManifestAttribute> attributes;  // in file order
  std::size_t malformed_lines = 0;            // lines with no ':' (and orphan continuations)

  // The trimmed value of the last attribute named `name` (case-insensitive), "" when absent.
  std::string value(std::string_view name) const;
};

// Never fails: any byte string reads as some (maybe empty) main section.
ManifestMain parse_manifest_main_section(std::string_view text);

struct MavenCoordinates {
  std::string group_id;
  std::string artifact_id;
  std::string version;
};

// A Maven groupId or artifactId as Maven's model validator accepts it: [A-Za-z0-9_.-]+.
bool is_maven_id(std::string_view id);

// The coordinates a manifest declares, first of:
//  1. groupId Implementation-Vendor-Id, artifactId Implementation-Title, version
//     Implementation-Version (else Bundle-Version): what maven-archiver writes with
//     addDefaultImplementationEntries, and Jenkins plugins (.hpi/.jpi) carry;
//  2. Bundle-SymbolicName (OSGi; its ";directives" dropped) split at its last dot into
//     groupId and artifactId ("com.fasterxml.jackson.core.jackson-databind" ->
//     com.fasterxml.jackson.core, jackson-databind: the maven-bundle-plugin default of
//     groupId.artifactId), version Bundle-Version (else Implementation-Version).
// A rule applies only when its groupId and artifactId are Maven ids (is_maven_id: no free text
// such as "Spring Framework" or "JBoss by Red Hat") and its version is not empty. Values that
// are unexpanded build variables ("%bundleName", "${project.version}") count as absent.
// trivy also takes groupId from Implementation-Vendor or Specification-Vendor and artifactId
// from Specification-Title or Bundle-Name; those hold display names, never ids, so here they
// would always fail is_maven_id and are not read. Specification-Version is the version of a
// specification the jar implements (servlet-api "3.1"), not of the jar, and is not read.
std::optional<MavenCoordinates> coordinates_from_manifest(const ManifestMain& manifest);

}  // namespace strata::detect::lang
