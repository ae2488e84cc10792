#pragma once
// Helpers the document writers (SARIF, CycloneDX, SPDX, JUnit) share. Internal to report.

#include <set>
#include <string>
#include <string_view>

#include "model/types.hpp"

namespace strata::report::detail {

// A UUID (version 5 layout: the version nibble 5, the RFC 4122 variant) made from the SHA-256 of
// `content`: the same content gives the same UUID.
std::string content_uuid(std::string_view content);

// The package a finding is about: the first package (in `packages` order) with the finding's
// name and installed version whose location is the finding's path (any location when the
// finding has none); nullptr when none matches.
const model::Package* package_of(const model::Finding& f,
                                 const std::vector<model::Package>& packages);

// The file a finding is about: Finding::path, else the package's location, else "".
std::string finding_file(const model::Finding& f, const model::Package* p);

// "KIND: REASON" of a suppression ("vex: vulnerable_code_not_present"), KIND alone without one.
std::string suppression_text(const model::Finding::Suppression& s);

// The digest that names the image: the manifest digest, else (a docker save archive has no
// manifest digest) the config digest, the image ID; "" for a host or a tree.
std::string image_digest(const model::Target& t);

// "pkg:..." when the package has a purl, else "NAME@VERSION".
std::string package_label(const model::Package& p);

// The items joined with ", " (in set order).
std::string join(const std::set<std::string>& items);

// The title of the OS packages' section of the table and the JUnit report: "alpine 3.10.9
// (apk)", "unknown OS (dpkg)"; `types` are the package types of the section.
std::string os_section_title(const model::OsInfo& os, const std::set<std::string>& types);

}  // namespace strata::report::detail
