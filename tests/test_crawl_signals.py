"""Ctrl-C / SIGTERM during a crawl, with real processes and real signals on a loopback site
whose article pages answer slowly, so the signal lands mid-crawl.

* one process: the extraction pool ignores the signal (it is in the same process group), so
  the pages in flight are processed and stored, not lost to BrokenProcessPool, and no error
  log carries a whole page; exit 130.
* Redis mode with --workers 2: SIGINT to the whole group, or SIGINT / SIGTERM to the parent
  alone, stops the workers gracefully, merges what they stored, exit 130.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_redis_mode import fresh_namespace, needs_redis, redis_url  # noqa: E402,F401

ROOT = Path(__file__).resolve().parents[1]
PAGES = 12
MARKER = "quokkaquorum"  # in every article body: must never reach stderr
SLOW_SECONDS = 0.8


def article(i: int) -> bytes:
    paragraphs = "".join(
        f"<p>Story {i}: the harbour board met on day {i} and voted on berth {i * 7 + j}; "
        f"{MARKER} members argued about tides, tugs and cranes for hours in session {j}.</p>"
        for j in range(8))
    return (f"<html><head><title>Harbour vote {i}</title></head><body><article>"
            f"<h1>Harbour vote {i}</h1>{paragraphs}</article></body></html>").encode()


class Site:
    """robots.txt, an RSS feed of PAGES articles; each article answers after SLOW_SECONDS."""

    def __init__(self) -> None:
        site = self
        self.article_requests = 0
        self.started = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path
                if path == "/robots.txt":
                    body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
                elif path == "/rss.xml":
                    items = "".join(f"<item><title>Harbour vote {i}</title><link>{site.base}"
                                    f"/a/{i}.html</link></item>" for i in range(PAGES))
                    body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>H</title>'
                            f"{items}</channel></rss>").encode()
                    kind = "application/rss+xml"
                elif path.startswith("/a/"):
                    site.article_requests += 1
                    if site.article_requests >= 3:
                        site.started.set()
                    time.sleep(SLOW_SECONDS)
                    body, kind = article(int(path[3:].split(".")[0])), "text/html; charset=utf-8"
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def start(tmp_path: Path, base: str, *flags: str, env: dict | None = None) -> subprocess.Popen:
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "Harbour"\nallowed_domains = ["127.0.0.1"]\n'
                       f'feeds = ["{base}/rss.xml"]\n', encoding="utf-8")
    cmd = [sys.executable, "-m", "newsdedup", "crawl", "--sources", str(sources), "--out",
           str(tmp_path / "out"), "--set", "DOWNLOAD_DELAY=0", "--set", "RETRY_TIMES=0",
           "--set", "AUTOTHROTTLE_ENABLED=false", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
           *flags]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, env={**os.environ, **(env or {})})


def interrupt(site: Site, proc: subprocess.Popen, signum: int, group: bool) -> tuple[str, str]:
    assert site.started.wait(180), "the crawl never reached the article pages"
    time.sleep(SLOW_SECONDS / 2)  # article downloads in flight
    if group:
        os.killpg(proc.pid, signum)
    else:
        os.kill(proc.pid, signum)
    try:
        return proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def stored(store: Path) -> tuple[int, list[str]]:
    with sqlite3.connect(store) as db:
        articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        reasons = [r for (r,) in db.execute("SELECT reason FROM rejects")]
    return articles, reasons


def test_ctrl_c_lets_in_flight_pages_be_processed_and_stored(tmp_path):
    with Site() as site:
        proc = start(tmp_path, site.base, "--extract-processes", "1")
        out, err = interrupt(site, proc, signal.SIGINT, group=True)
    assert proc.returncode == 130, err
    assert "BrokenProcessPool" not in err and MARKER not in err, err[-3000:]
    articles, reasons = stored(tmp_path / "out" / "store.sqlite")
    assert articles >= 1 and "processing-error" not in reasons, (articles, reasons, err[-2000:])


@needs_redis
@pytest.mark.parametrize("signum,group", [(signal.SIGINT, True), (signal.SIGINT, False),
                                          (signal.SIGTERM, False)])
def test_workers_stop_gracefully_and_are_merged(tmp_path, redis_url, signum, group):  # noqa: F811
    namespace = fresh_namespace(redis_url, f"t-sig-{signum}-{group}")
    with Site() as site:
        proc = start(tmp_path, site.base, "--workers", "2", "--redis-url", redis_url,
                     "--extract-processes", "1",
                     env={"NEWSDEDUP_REDIS_NAMESPACE": namespace})
        out, err = interrupt(site, proc, signum, group)
    assert proc.returncode == 130, err[-3000:]
    assert "interrupted" in err and MARKER not in err, err[-3000:]
    merged = (tmp_path / "out" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(merged) >= 1, err[-3000:]
