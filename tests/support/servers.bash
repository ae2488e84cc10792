# Local servers for the golden tests (tests/golden) and the benchmarks (bench/), sourced by both:
# the CNCF Distribution registry (docker-registry) on 127.0.0.1 and skopeo pushes into it, the
# test servers that write their port to a file (tests/support/*.py), a private Podman API service,
# and waiting for any of them. Safe under `set -euo pipefail`; functions that can fail print one
# "FAIL: ..." line on stderr and return 1, so callers write `... || exit 1`.
#
# Every background process started here is added to $support_pids; support_stop_all (call it from
# the caller's EXIT trap) stops them all.

support_pids=()

# support_stop_all: kills every process in $support_pids and waits for it.
support_stop_all() {
  local p
  for p in "${support_pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${support_pids[@]}"; do wait "$p" 2> /dev/null || true; done
  support_pids=()
}

# require_tools CONTEXT TOOL...: true when every TOOL is on PATH; else prints
# "FAIL: TOOL is not installed (scripts/install-deps.sh installs it); CONTEXT" and returns 1.
require_tools() {
  local context=$1 tool
  shift
  for tool in "$@"; do
    if ! command -v "$tool" > /dev/null; then
      echo "FAIL: $tool is not installed (scripts/install-deps.sh installs it); $context" >&2
      return 1
    fi
  done
}

# wait_until TRIES SECONDS CMD...: runs CMD (quietly) up to TRIES times, SECONDS apart, until it
# succeeds; returns CMD's last status.
wait_until() {
  local tries=$1 seconds=$2 i
  shift 2
  for ((i = 1; i < tries; i++)); do
    "$@" > /dev/null 2>&1 && return 0
    sleep "$seconds"
  done
  "$@" > /dev/null 2>&1
}

# registry_config FILE DATA_DIR [SECRET]: writes a registry configuration to FILE: blobs in
# DATA_DIR, listening on 127.0.0.1 on a port the kernel picks, no access log (the environment can
# override any setting: REGISTRY_LOG_ACCESSLOG_DISABLED=false, ...). Append further YAML (auth:,
# compatibility:, ...) to FILE before registry_serve.
registry_config() {
  cat > "$1" << YAML
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $2
http:
  addr: 127.0.0.1:0
  secret: ${3:-strata-test}
YAML
}

# registry_serve CONFIG LOG [NAME]: starts `docker-registry serve CONFIG` (output in LOG) and waits
# until it listens; sets $registry_port and $registry_pid (also in $support_pids). Returns 1
# ("FAIL: registry NAME did not start: <LOG>") when it does not listen in time.
registry_serve() {
  docker-registry serve "$1" > "$2" 2>&1 &
  registry_pid=$!
  support_pids+=("$registry_pid")
  registry_port=""
  local i
  for ((i = 0; i < 250; i++)); do
    registry_port=$(grep -oE 'listening on 127.0.0.1:[0-9]+' "$2" | head -1 | sed 's/.*://') || true
    [[ -n $registry_port ]] && return 0
    sleep 0.02
  done
  echo "FAIL: registry ${3:-} did not start: $(head -c 600 "$2")" >&2
  return 1
}

# skopeo_push SRC DEST LOG [skopeo copy args...]: copies SRC (a skopeo transport: "oci:DIR:TAG",
# "docker-archive:FILE") to docker://DEST over plain HTTP, output in LOG. Returns 1
# ("FAIL: skopeo push SRC: <LOG>") when the copy fails.
skopeo_push() {
  local src=$1 dest=$2 log=$3
  shift 3
  skopeo copy -q --dest-tls-verify=false "$@" "$src" "docker://$dest" > "$log" 2>&1 \
    || { echo "FAIL: skopeo push $src: $(cat "$log")" >&2; return 1; }
}

# start_port_file_server NAME PORT_FILE ERR_FILE CMD...: runs CMD in the background (stderr in
# ERR_FILE), a server that writes its port to PORT_FILE once it listens (tests/support/*.py
# --port-file PORT_FILE); waits for the port. Sets $server_pid (also in $support_pids) and
# $server_port. Returns 1 ("FAIL: NAME did not start: <ERR_FILE>") when CMD exits or no port
# comes in time.
start_port_file_server() {
  local name=$1 port_file=$2 err=$3 i
  shift 3
  rm -f "$port_file"
  "$@" 2> "$err" &
  server_pid=$!
  support_pids+=("$server_pid")
  for ((i = 0; i < 500; i++)); do
    [[ -s $port_file ]] || ! kill -0 "$server_pid" 2> /dev/null && break
    sleep 0.02
  done
  if [[ ! -s $port_file ]]; then
    echo "FAIL: $name did not start: $(head -c 600 "$err")" >&2
    return 1
  fi
  server_port=$(cat "$port_file")
}

# podman_private DIR: points podman (and this shell's children) at a private vfs storage, runtime
# and configuration under DIR, nothing of the machine's own: exports CONTAINERS_STORAGE_CONF,
# CONTAINERS_CONF, CONTAINERS_REGISTRIES_CONF and TMPDIR.
podman_private() {
  local d=$1
  mkdir -p "$d/tmp"
  printf '[storage]\ndriver = "vfs"\ngraphroot = "%s/graph"\nrunroot = "%s/run"\n' "$d" "$d" \
    > "$d/storage.conf"
  printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' > "$d/containers.conf"
  printf 'events_logfile_path = "%s/events.log"\ntmp_dir = "%s/tmp"\n' "$d" "$d" \
    >> "$d/containers.conf"
  printf '[containers]\nlog_driver = "k8s-file"\n' >> "$d/containers.conf"
  printf 'unqualified-search-registries = []\n' > "$d/registries.conf"
  export CONTAINERS_STORAGE_CONF="$d/storage.conf" CONTAINERS_CONF="$d/containers.conf" \
    CONTAINERS_REGISTRIES_CONF="$d/registries.conf" TMPDIR="$d/tmp"
}

# start_podman_service SOCKET LOG: starts `podman system service` on the unix socket SOCKET
# (output in LOG) and waits until it answers /_ping; sets $podman_pid (also in $support_pids).
# Returns 1 when it does not answer in time (the caller decides: fail or skip).
start_podman_service() {
  podman system service --time=0 "unix://$1" > "$2" 2>&1 &
  podman_pid=$!
  support_pids+=("$podman_pid")
  wait_until 250 0.04 curl -s -o /dev/null --unix-socket "$1" http://d/_ping
}
