#!/usr/bin/env python3
"""usage: measure.py OUT ERR TIMEOUT CMD... : runs CMD with stdout/stderr to OUT/ERR, kills it
after TIMEOUT seconds, and prints "RC PEAK_RSS_KIB SECONDS" (RC 124 on timeout, 128+N on signal N).
The peak RSS is the child's, from getrusage(RUSAGE_CHILDREN)."""
import resource
import subprocess
import sys
import time

out, err, timeout, cmd = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
start = time.monotonic()
with open(out, "wb") as o, open(err, "wb") as e:
    p = subprocess.Popen(cmd, stdout=o, stderr=e)
    try:
        rc = p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        rc = 124
if rc < 0:
    rc = 128 - rc
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(rc, rss, f"{time.monotonic() - start:.2f}")
