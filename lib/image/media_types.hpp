#pragma once
// OCI and Docker media types, and predicates over them.

#include <string_view>

namespace strata::image {

inline constexpr std::string_view k_oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view k_oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view k_oci_config = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view k_oci_layer_tar = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view k_oci_layer_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view k_oci_layer_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view k_docker_manifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view k_docker_manifest_list =
    "application/vnd.docker.distribution.manifest.list.v2+json";
// Docker image manifest v2 schema 1 (image/schema1.hpp), signed and unsigned.
inline constexpr std::string_view k_docker_manifest_v1_signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";
inline constexpr std::string_view k_docker_manifest_v1 =
    "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view k_docker_config =
    "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view k_docker_layer_gzip =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view k_docker_layer_tar =
    "application/vnd.docker.image.rootfs.diff.tar";

// An OCI image index or a Docker manifest list.
inline bool is_index_media_type(std::string_view t) {
  return t == k_oci_index || t == k_docker_manifest_list;
}
// An OCI image manifest or a Docker v2 schema 2 manifest.
inline bool is_manifest_media_type(std::string_view t) {
  return t == k_oci_manifest || t == k_docker_manifest;
}

// A Docker schema 1 manifest, signed or not.
inline bool is_schema1_media_type(std::string_view t) {
  return t == k_docker_manifest_v1_signed || t == k_docker_manifest_v1;
}

}  // namespace strata::image
