#pragma once
// `docker save` tarballs, resolved from the members read by read_image_archive: manifest.json
// picks the image (by tag), its config and its layer members.

#include <string>
#include <vector>

#include "source/archive_reader.hpp"
#include "source/image_source.hpp"

namespace strata::source {

util::Result<LoadedImage> resolve_docker_archive(const std::string& path,
                                                 const ArchiveContents& contents,
                                                 const LoadOptions& options);

// Does `wanted` (from --tag) name `repo_tag`? Exact match, or equal after dropping "docker.io/"
// and "library/" and defaulting the tag to ":latest".
bool repo_tag_matches(std::string_view wanted, std::string_view repo_tag);

}  // namespace strata::source
