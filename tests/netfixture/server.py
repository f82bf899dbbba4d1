"""The fixture network's HTTP server: one loopback process answering for every outlet.

Run as ``python -m netfixture.server --log FILE [--edition N] [--scale N] [--delay S]`` (with
tests/ on sys.path). It binds 127.0.0.1 on an ephemeral port, prints ``PORT <n>`` and serves
forever. The crawler reaches it as an HTTP proxy (absolute-URI request lines), so every outlet
keeps its own hostname; a plain request is routed by its Host header. Each request is appended
to the log as one JSON line, which is how the tests count what the crawler fetched.
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    __package__ = "netfixture"  # noqa: A001

from netfixture import hostile  # noqa: E402
from netfixture.sites import CLOSED, SLOW, SLOW_SECONDS, WIRE, WIRE_FLAKY, build_network, http_date  # noqa: E402

NOT_FOUND = b"<!doctype html><html><body><h1>404 Not Found</h1></body></html>"
FORBIDDEN = b"<!doctype html><html><body><h1>403 Forbidden</h1></body></html>"
ERROR = b"<!doctype html><html><body><h1>500 Internal Server Error</h1></body></html>"


class Network:
    def __init__(self, edition: int, scale: int, delay: float, log_path: Path) -> None:
        self.pages = build_network(edition, scale)
        self.delay = delay
        self.log_path = log_path
        self.lock = threading.Lock()
        self.flaky_served: set[tuple[str, str]] = set()

    def log(self, record: dict) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self.lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(line)

    def first_hit(self, key: tuple[str, str]) -> bool:
        with self.lock:
            if key in self.flaky_served:
                return False
            self.flaky_served.add(key)
            return True


class Handler(BaseHTTPRequestHandler):
    server_version = "netfixture/1.0"
    protocol_version = "HTTP/1.1"
    network: Network  # set on the class by main()

    def log_message(self, format: str, *args: object) -> None:  # quiet stderr
        pass

    def do_GET(self) -> None:  # noqa: N802 (stdlib name)
        self._serve(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        parts = urlsplit(self.path)
        if parts.scheme:  # proxy form: GET http://host/path HTTP/1.1
            host, path = parts.hostname or "", parts.path + (f"?{parts.query}" if parts.query else "")
        else:
            host, path = (self.headers.get("Host") or "").split(":")[0], self.path
        status, headers, body = self._answer(host.lower(), path)
        if self.network.delay and status == 200:
            time.sleep(self.network.delay)
        self.network.log({"t": round(time.time(), 4), "host": host, "path": path, "status": status,
                          "conditional": bool(self.headers.get("If-None-Match")
                                              or self.headers.get("If-Modified-Since")),
                          "ua": self.headers.get("User-Agent", "")})
        if host.lower() == SLOW and path != "/robots.txt":
            time.sleep(SLOW_SECONDS)  # the client has given up by now
        try:
            self.send_response(status)
        except (BrokenPipeError, ConnectionResetError):
            return
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        try:
            self.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            return
        if not head:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # oversized page cancelled by client
                pass

    def _answer(self, host: str, path: str) -> tuple[int, dict[str, str], bytes]:
        if host == CLOSED:
            return 403, {"Content-Type": "text/html"}, FORBIDDEN
        page = self.network.pages.get((host, path))
        if page is None:
            return 404, {"Content-Type": "text/html"}, NOT_FOUND
        if (host, path) == (WIRE, WIRE_FLAKY) and self.network.first_hit((host, path)):
            return 500, {"Content-Type": "text/html"}, ERROR
        if (host, path) == (hostile.HOSTILE, hostile.BUSY) and self.network.first_hit((host, path)):
            return 503, {"Content-Type": "text/html",
                         "Retry-After": str(hostile.BUSY_RETRY_AFTER)}, ERROR
        headers = {"Content-Type": page.content_type, **page.headers}
        if page.conditional:
            headers["ETag"] = page.etag
            if page.last_modified:
                headers["Last-Modified"] = http_date(page.last_modified)
            if self._not_modified(page):
                return 304, {k: v for k, v in headers.items() if k != "Content-Type"}, b""
        return page.status, headers, page.body

    def _not_modified(self, page) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return page.etag in [t.strip() for t in inm.split(",")]
        ims = self.headers.get("If-Modified-Since")
        if ims and page.last_modified:
            try:
                return page.last_modified <= parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
        return False


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True, type=Path)
    ap.add_argument("--edition", type=int, default=1)
    ap.add_argument("--scale", type=int, default=0)
    ap.add_argument("--delay", type=float, default=0.0, help="seconds before each 200 response")
    args = ap.parse_args(argv)
    Handler.network = Network(args.edition, args.scale, args.delay, args.log)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    print(f"PORT {httpd.server_address[1]}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
