"""Many outlets on many loopback addresses: what politeness and scaling across workers are
measured against (bench/redis_bench.py).

    python -m bench.outlets --outlets 4 --pages 60 --delay 0.2 --log FILE

Outlet i (0-based) is served on 127.0.0.{i+1}, all on one port (a child process; it prints
``PORT <n>``): ``/feed.xml`` (RSS 2.0 listing ``pages`` articles) and ``/a/<k>.html`` (a
generated English local report, tests/netfixture/filler.py), ``/robots.txt`` 404. The crawler
reaches each outlet directly, so Scrapy's per-domain slot is the outlet's address. Every
article response waits ``delay`` seconds (a slow outlet). Each request is logged as one JSON
line with its host, path, status and start / end times, from which ``max_concurrency`` gives
the most requests any outlet had in flight at once.
"""
from __future__ import annotations

import argparse
import html
import json
import subprocess
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1] / "tests"


def host_of(i: int) -> str:
    return f"127.0.0.{i + 1}"


def write_sources(path: Path, outlets: int, port: int) -> Path:
    """A sources file with one source per outlet (its feed, its address as the domain)."""
    blocks = [f'[[source]]\nname = "Outlet {i + 1:02d}"\nlang = "en"\n'
              f'allowed_domains = ["{host_of(i)}"]\n'
              f'feeds = ["http://{host_of(i)}:{port}/feed.xml"]\nfollow = ["/a/\\\\d+\\\\.html$"]\n'
              for i in range(outlets)]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def max_concurrency(records: list[dict]) -> dict[str, int]:
    """Per host, the most requests in flight at once (from start / end times)."""
    events: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for r in records:
        events[r["host"]] += [(r["start"], 1), (r["end"], -1)]
    out = {}
    for host, evs in events.items():
        level = peak = 0
        for _, step in sorted(evs, key=lambda e: (e[0], e[1])):  # an end before a start at a tie
            level += step
            peak = max(peak, level)
        out[host] = peak
    return out


class OutletServer:
    """The outlets' server in a child process, stopped by PID."""

    def __init__(self, proc: subprocess.Popen, port: int, log: Path) -> None:
        self.proc, self.port, self.log = proc, port, log

    @classmethod
    def start(cls, log: Path, outlets: int, pages: int, delay: float) -> OutletServer:
        proc = subprocess.Popen([sys.executable, "-m", "bench.outlets", "--outlets", str(outlets),
                                 "--pages", str(pages), "--delay", str(delay), "--log", str(log)],
                                cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE,
                                text=True)
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            proc.kill()
            raise RuntimeError(f"outlet server did not start: {line!r}")
        return cls(proc, int(line.split()[1]), log)

    def requests(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(x) for x in self.log.read_text(encoding="utf-8").splitlines()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


def _pages(outlets: int, pages: int, port: int) -> dict[tuple[str, str], bytes]:
    sys.path.insert(0, str(TESTS))
    from netfixture.filler import filler_stories

    site = {}
    for i in range(outlets):
        host = host_of(i)
        items = []
        for k, story in enumerate(filler_stories("en", pages, f"outlet{i}")):
            url = f"http://{host}:{port}/a/{k}.html"
            body = "".join(f"<p>{html.escape(p)}</p>" for p in story.paragraphs)
            site[(host, f"/a/{k}.html")] = (
                f"<!doctype html><html><head><meta charset='utf-8'><title>"
                f"{html.escape(story.title)}</title></head><body><nav><a href='/'>Outlet "
                f"{i + 1}</a></nav><article><h1>{html.escape(story.title)}</h1>{body}"
                f"</article><footer>Outlet {i + 1} · all rights reserved</footer></body></html>"
            ).encode()
            items.append(f"<item><title>{html.escape(story.title)}</title><link>{url}</link>"
                         f"<pubDate>Mon, 02 Feb 2026 08:00:00 +0000</pubDate></item>")
        site[(host, "/feed.xml")] = (
            f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Outlet "
            f"{i + 1}</title><link>http://{host}:{port}/</link>{''.join(items)}</channel></rss>"
        ).encode()
    return site


def serve(outlets: int, pages: int, delay: float, log: Path) -> None:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (stdlib name)
            start = time.time()
            host = self.server.server_address[0]
            body = site.get((host, self.path))
            status = 200 if body is not None else 404
            if status == 200 and self.path.startswith("/a/"):
                time.sleep(delay)
            kind = "application/rss+xml" if self.path.endswith(".xml") else "text/html"
            try:
                self.send_response(status)
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")
            except (BrokenPipeError, ConnectionResetError):
                pass
            record = {"host": host, "path": self.path, "status": status, "start": start,
                      "end": time.time()}
            with lock, open(log, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")

    first = ThreadingHTTPServer((host_of(0), 0), Handler)
    port = first.server_address[1]
    servers = [first] + [ThreadingHTTPServer((host_of(i), port), Handler)
                         for i in range(1, outlets)]
    site = _pages(outlets, pages, port)
    for s in servers:
        s.daemon_threads = True
        threading.Thread(target=s.serve_forever, daemon=True).start()
    print(f"PORT {port}", flush=True)
    threading.Event().wait()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--outlets", type=int, default=4)
    ap.add_argument("--pages", type=int, default=60)
    ap.add_argument("--delay", type=float, default=0.2)
    ap.add_argument("--log", type=Path, required=True)
    args = ap.parse_args(argv)
    serve(args.outlets, args.pages, args.delay, args.log)


if __name__ == "__main__":
    main()
