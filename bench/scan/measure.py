#!/usr/bin/env python3
"""measure.py [--repeat N] -- CMD...: runs CMD (stdout to /dev/null) N times, prints
'<median wall seconds> <peak RSS MiB>' (peak RSS = the largest of the runs' maxrss)."""
import os, resource, statistics, subprocess, sys, time

args = sys.argv[1:]
repeat = 1
if args[:1] == ["--repeat"]:
    repeat, args = int(args[1]), args[2:]
if args[:1] == ["--"]:
    args = args[1:]
walls, peak = [], 0
for _ in range(repeat):
    t0 = time.perf_counter()
    pid = subprocess.Popen(args, stdout=subprocess.DEVNULL).pid
    _, status, usage = os.wait4(pid, 0)
    walls.append(time.perf_counter() - t0)
    peak = max(peak, usage.ru_maxrss)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"measure: {args[0]} exited {code}")
print(f"{statistics.median(walls):.3f} {peak / 1024:.1f}")
