# measured NAME RC MAX_SECONDS CMD... (sourced after lib.bash): runs CMD (stdout $WORK/out,
# stderr $WORK/err) and checks its exit code, that it took under MAX_SECONDS and that its peak
# RSS (getrusage of the child, through python3) stayed under $max_rss_kib (default 256 MiB).
# Prints "measured: NAME: exit RC, peak RSS N MiB, T ms" for the record.
max_rss_kib=${max_rss_kib:-$((256 * 1024))}
measured() {
  local name=$1 want=$2 max_s=$3 rc kib ms
  shift 3
  read -r rc kib ms < <(python3 -c '
import resource, subprocess, sys, time
t = time.monotonic()
with open(sys.argv[1], "w") as out, open(sys.argv[2], "w") as err:
    rc = subprocess.call(sys.argv[3:], stdout=out, stderr=err)
ms = int((time.monotonic() - t) * 1000)
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, ms)' "$WORK/out" "$WORK/err" "$@")
  echo "measured: $name: exit $rc, peak RSS $((kib / 1024)) MiB, $ms ms"
  [[ $rc -eq $want ]] && pass || fail "$name: exit $rc, want $want; stderr: $(head -c 400 "$WORK/err")"
  [[ $kib -lt $max_rss_kib ]] && pass || fail "$name: peak RSS $kib KiB"
  [[ $ms -lt $((max_s * 1000)) ]] && pass || fail "$name: took $ms ms (limit $max_s s)"
}
