"""The CPU-heavy part of a crawl, run in worker processes: process_document + watchlist filter.

bench/crawl_bench.py measured extraction on the reactor thread holding up downloads, so the item
pipeline sends each page here through a process pool (see crawler/pipelines.py).
"""
from __future__ import annotations

import os
import signal
import threading
import time

from crawler.watchlist import Watchlist
from pipelines.normalise import normalise_for_matching
from pipelines.process import process_document
from pipelines.records import Article, RawDocument, Reject

PARENT_POLL_SECONDS = 1.0


def process_page(raw: RawDocument, watchlist: Watchlist | None) -> tuple[Article | Reject, list[str]]:
    """(article or reject, watched keywords found). Without a watchlist every article is kept."""
    try:
        result = process_document(raw)
    except Exception as exc:  # noqa: BLE001 — one odd page must not stop the crawl or loop
        return Reject.of_error(raw.location, exc, raw.url), []
    if watchlist is None or isinstance(result, Reject):
        return result, []
    hits = watchlist.hits(normalise_for_matching(f"{result.title or ''}\n{result.text}"))
    if not hits:
        return Reject(raw.location, "off-watchlist", "no watched keyword in title or text",
                      raw.url), []
    return result, hits


def init_worker() -> None:
    """Ignore SIGINT and SIGTERM, and exit when the crawl process is gone.

    Ctrl-C (and a group-wide SIGTERM) reaches every process of the terminal's process group:
    a worker that died of it broke the pool, and every page still in flight failed with
    BrokenProcessPool instead of being stored. The crawl process stops gracefully on those
    signals and shuts the pool down itself (``ProcessPipeline.close_spider``) once in-flight
    pages are processed. After a kill -9 of the crawl nobody would shut the pool down: the
    watch thread ends the worker then."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
