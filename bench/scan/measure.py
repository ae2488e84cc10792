#!/usr/bin/env python3
"""measure.py [--repeat N] [--cpu] -- CMD...: runs CMD (stdout to /dev/null) N times, prints
'<median wall seconds> <peak RSS MiB>' (peak RSS = the largest of the runs' maxrss); with --cpu a
third field, the median CPU seconds (user + system) of the runs: steadier than wall time on a
machine busy with other work."""
import os, resource, statistics, subprocess, sys, time

args = sys.argv[1:]
repeat, cpu = 1, False
while args[:1] in (["--repeat"], ["--cpu"]):
    if args[0] == "--cpu":
        cpu, args = True, args[1:]
    else:
        repeat, args = int(args[1]), args[2:]
if args[:1] == ["--"]:
    args = args[1:]
walls, cpus, peak = [], [], 0
for _ in range(repeat):
    t0 = time.perf_counter()
    pid = subprocess.Popen(args, stdout=subprocess.DEVNULL).pid
    _, status, usage = os.wait4(pid, 0)
    walls.append(time.perf_counter() - t0)
    cpus.append(usage.ru_utime + usage.ru_stime)
    peak = max(peak, usage.ru_maxrss)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"measure: {args[0]} exited {code}")
print(f"{statistics.median(walls):.3f} {peak / 1024:.1f}"
      + (f" {statistics.median(cpus):.3f}" if cpu else ""))
