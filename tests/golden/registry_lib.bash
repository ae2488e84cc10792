# Helpers for golden tests that run the real CNCF Distribution registry (sourced after lib.bash):
# start_registry NAME [htpasswd-file] [tls-cert-prefix] [extra top-level YAML] [storage dir]
# starts one on 127.0.0.1 and sets $port;
# push_oci SRC DEST [skopeo args] copies an image into it. Every registry started is stopped,
# and $WORK removed, on exit.
for tool in docker-registry skopeo jq; do
  if ! command -v "$tool" > /dev/null; then
    echo "FAIL: $tool is not installed (scripts/install-deps.sh installs it); cannot test registry scans" >&2
    exit 1
  fi
done

# the user's own ~/.docker/config.json must not change what these tests see
export DOCKER_CONFIG="$WORK/docker-none"

registry_pids=()
registry_cleanup() {
  for p in "${registry_pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${registry_pids[@]}"; do wait "$p" 2> /dev/null || true; done
  rm -rf "$WORK"
}
trap registry_cleanup EXIT

start_registry() {
  local d="$WORK/$1" data=${5:-$WORK/$1/data}
  mkdir -p "$d" "$data"
  cat > "$d/config.yml" <<YAML
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $data
http:
  addr: 127.0.0.1:0
  secret: strata-test
YAML
  if [[ -n ${2:-} ]]; then
    printf 'auth:\n  htpasswd:\n    realm: strata-test\n    path: %s\n' "$2" >> "$d/config.yml"
  fi
  if [[ -n ${3:-} ]]; then  # TLS: $3.crt / $3.key
    printf '  tls:\n    certificate: %s.crt\n    key: %s.key\n' "$3" "$3" >> "$d/config.yml"
  fi
  if [[ -n ${4:-} ]]; then
    printf '%s\n' "$4" >> "$d/config.yml"
  fi
  docker-registry serve "$d/config.yml" > "$d/log.txt" 2>&1 &
  registry_pids+=($!)
  port=""
  for _ in $(seq 1 250); do
    port=$(grep -oE 'listening on 127.0.0.1:[0-9]+' "$d/log.txt" | head -1 | sed 's/.*://') || true
    [[ -n $port ]] && break
    sleep 0.02
  done
  if [[ -z $port ]]; then
    echo "FAIL: registry $1 did not start: $(head -c 600 "$d/log.txt")" >&2
    exit 1
  fi
}

push_oci() {  # src dest [skopeo args...]: src is a skopeo transport ("oci:DIR:TAG", "docker-archive:F")
  local src=$1 dest=$2; shift 2
  skopeo copy -q --dest-tls-verify=false "$@" "$src" "docker://$dest" > "$WORK/skopeo.log" 2>&1 \
    || { echo "FAIL: skopeo push $src: $(cat "$WORK/skopeo.log")" >&2; exit 1; }
}
