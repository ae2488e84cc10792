#!/usr/bin/env python3
"""A report collector for tests of `strata registry --post-url`: accepts POST /reports.

    collector.py --port-file F --log F --dir D [--fail N] [--status S]

Each POST is logged as "POST <X-Strata-Repository> <X-Strata-Digest> <status>". The first --fail
posts (default 0; -1: every one) are answered --status (default 500) and not kept; the others
are answered 201 and their body is kept as D/<n>.json after checking it is JSON.
"""
import json
import os
import sys
import threading

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_server_util  # noqa: E402


def main():
    ap = test_server_util.arg_parser(log_required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--fail", type=int, default=0)
    ap.add_argument("--status", type=int, default=500)
    args = ap.parse_args()
    lock = threading.Lock()
    state = {"posts": 0, "kept": 0}

    class Handler(test_server_util.QuietHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                state["posts"] += 1
                failing = args.fail < 0 or state["posts"] <= args.fail
                status = args.status if failing else 201
                if not failing:
                    json.loads(body)  # a report that is not JSON fails the test (no file)
                    state["kept"] += 1
                    with open(os.path.join(args.dir, "%d.json" % state["kept"]), "wb") as f:
                        f.write(body)
            test_server_util.append_line(args.log, "POST %s %s %d" % (
                self.headers.get("X-Strata-Repository"), self.headers.get("X-Strata-Digest"),
                status))
            self.reply(status, b"{}", [("Content-Type", "application/json")])

    test_server_util.serve(Handler, args.port_file)


if __name__ == "__main__":
    main()
