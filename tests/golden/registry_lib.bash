# Helpers for golden tests that run the real CNCF Distribution registry (sourced after lib.bash),
# over tests/support/servers.bash:
# start_registry NAME [htpasswd-file] [tls-cert-prefix] [extra top-level YAML] [storage dir]
# starts one on 127.0.0.1 and sets $port;
# push_oci SRC DEST [skopeo args] copies an image into it; push TAG DEST [skopeo args] copies a
# tag of testdata/images/oci-alpine ($img); packages EXPECTED.tsv compares the packages of the
# last scan. Every process started (here or by servers.bash) is stopped, and $WORK removed, on
# exit.
source "$(dirname "${BASH_SOURCE[0]}")/../support/servers.bash"
require_tools "cannot test registry scans" docker-registry skopeo jq || exit 1

img="$TESTDATA/images"

# the user's own ~/.docker/config.json must not change what these tests see
export DOCKER_CONFIG="$WORK/docker-none"

registry_cleanup() {
  support_stop_all
  rm -rf "$WORK"
}
trap registry_cleanup EXIT

start_registry() {
  local d="$WORK/$1" data=${5:-$WORK/$1/data}
  mkdir -p "$d" "$data"
  registry_config "$d/config.yml" "$data"
  if [[ -n ${2:-} ]]; then
    printf 'auth:\n  htpasswd:\n    realm: strata-test\n    path: %s\n' "$2" >> "$d/config.yml"
  fi
  if [[ -n ${3:-} ]]; then  # TLS: $3.crt / $3.key
    printf '  tls:\n    certificate: %s.crt\n    key: %s.key\n' "$3" "$3" >> "$d/config.yml"
  fi
  if [[ -n ${4:-} ]]; then
    printf '%s\n' "$4" >> "$d/config.yml"
  fi
  registry_serve "$d/config.yml" "$d/log.txt" "$1" || exit 1
  port=$registry_port
}

push_oci() {  # src dest [skopeo args...]: src is a skopeo transport ("oci:DIR:TAG", "docker-archive:F")
  skopeo_push "$1" "$2" "$WORK/skopeo.log" "${@:3}" || exit 1
}

push() {  # tag dest [skopeo args...]: a tag of testdata/images/oci-alpine
  local tag=$1 dest=$2
  shift 2
  push_oci "oci:$img/oci-alpine:$tag" "$dest" "$@"
}

packages() {  # expected.tsv : compares $WORK/out (JSON) with the name/version columns
  jq -r '.packages[] | [.name, .version] | @tsv' "$WORK/out" | sort -u > "$WORK/got.tsv"
  tail -n +2 "$1" | cut -f1-2 | sort -u > "$WORK/want.tsv"
  expect_same "packages ($1)" "$WORK/want.tsv" "$WORK/got.tsv"
}
