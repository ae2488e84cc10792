"""The parts the test HTTP servers in tests/support share (fault_proxy.py, osv_server.py,
token_server.py): the options every one takes (--port-file, --log), a quiet HTTP/1.1 request
handler with a reply() helper, a line log safe across the server's threads, and the main loop:
listen on 127.0.0.1 on a port the kernel picks, write that port to --port-file (atomically: a test
that sees the file non-empty can connect), serve until killed.

The servers run as scripts (python3 tests/support/NAME.py) from any directory; each puts its own
directory first on sys.path before it imports this module.
"""
import argparse
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_LOG_LOCK = threading.Lock()


def arg_parser(description=None, log_required=False):
    """An ArgumentParser with --port-file (required) and --log (default "": no log)."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--port-file", required=True,
                   help="where to write the port once listening (127.0.0.1, chosen by the kernel)")
    p.add_argument("--log", required=log_required, default="", help="request log, one line each")
    return p


def append_line(path, line):
    """Appends `line` and a newline to the file `path`; nothing when `path` is empty."""
    if path:
        with _LOG_LOCK, open(path, "a") as f:
            f.write(line + "\n")


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1, nothing on stderr per request (each server keeps its own --log)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        """Sends status, headers, Content-Length and (unless HEAD) the body."""
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve(handler, port_file, server_class=ThreadingHTTPServer):
    """Listens on 127.0.0.1 (any free port), writes the port to `port_file`, serves forever."""
    server = server_class(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(port_file + ".tmp", port_file)
    server.serve_forever()
