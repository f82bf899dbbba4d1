"""Run every configured source once, in this process, into the crawl store.

    run_crawl("samples/sources.toml", "output") -> CrawlSummary

A Twisted reactor cannot be restarted, so call it once per process (a CLI run, a cron job).
Writing the output files from the store is the caller's job (``newsdedup.crawl``, which
``newsdedup crawl`` runs).
"""
from __future__ import annotations

import importlib
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from crawler.sources import load_sources

# Per-source counters the spider and pipelines keep in Scrapy stats as newsdedup/<source>/<name>.
COUNTERS = ("hubs_fetched", "hubs_not_modified", "hubs_failed", "hubs_over_budget",
            "hubs_unreadable", "articles_fetched",
            "articles_new", "articles_duplicate", "articles_failed", "rejected", "skipped_seen",
            "disallowed", "offsite_links")


@dataclass
class SourceSummary:
    name: str
    counts: dict[str, int]

    @property
    def fetched(self) -> int:
        """Responses with content: hubs (200) and article pages."""
        return self.counts["hubs_fetched"] + self.counts["articles_fetched"]

    @property
    def new(self) -> int:
        return self.counts["articles_new"]

    @property
    def failed(self) -> int:
        return self.counts["hubs_failed"] + self.counts["articles_failed"]


@dataclass
class CrawlSummary:
    sources: list[SourceSummary]
    articles: int = 0  # in the store after the run
    stories: int = 0
    rejects: int = 0
    seconds: float = 0.0
    finish_reason: str | None = None
    # Redis mode: no other worker of the run was alive when this one left (it writes the merged
    # output); always True for a single process.
    last_worker: bool = True
    stats: dict[str, Any] = field(default_factory=dict, repr=False)

    def render(self) -> str:
        width = max([len(s.name) for s in self.sources] + [6])
        lines = [f"{'source':<{width}}  fetched  304s    new  rejected  failed"]
        for s in self.sources:
            lines.append(f"{s.name:<{width}}  {s.fetched:>7}  {s.counts['hubs_not_modified']:>4}"
                         f"  {s.new:>5}  {s.counts['rejected']:>8}  {s.failed:>6}")
        lines.append(f"store: {self.articles} articles, {self.stories} stories, "
                     f"{self.rejects} rejects; {self.seconds:.1f} s ({self.finish_reason})")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k not in ("stats", "sources")}
        for key in ("reactor_lag_p95_ms", "reactor_lag_max_ms", "reactor_lag_total_s"):
            out[key] = self.stats.get(f"newsdedup/{key}")
        out["recovered"] = self.stats.get("newsdedup/recovered", 0)  # Redis mode, see coordination
        out["sources"] = {s.name: {"fetched": s.fetched, "new": s.new, "failed": s.failed,
                                   **s.counts} for s in self.sources}
        return out


def crawl_settings(overrides: dict[str, Any] | None = None):
    """crawler/settings.py plus per-run overrides (never edits the module)."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(sources_path: str | Path, out_dir: str | Path = "output", *,
              spider: str = "news", sources: list[str] | None = None,
              watchlist: str | Path | None = None, proxy: str | None = None,
              extract_processes: int | None = None, redis_url: str | None = None,
              run_id: str | None = None, worker_id: str | None = None,
              settings: dict[str, Any] | None = None) -> CrawlSummary:
    """Crawl the sources once into the store of ``out_dir`` (see crawler.storage).

    ``sources`` restricts the run to those source names; ``spider`` is news / feeds / sitemaps /
    listings; ``settings`` overrides crawler/settings.py for this run. With ``redis_url`` this
    process is one worker of run ``run_id`` (see crawler/coordination.py). Raises SourcesError
    (a ValueError) for a bad sources file before anything is fetched.
    """
    from scrapy.crawler import AsyncCrawlerProcess

    from crawler.storage import store_path as crawl_store_path
    from crawler.store import Store, StoreBusy, check_not_busy

    sources_file = load_sources(sources_path)  # fail fast, with the file's own message
    selected = sources_file.named(sources)
    sources_file.load_watchlist(watchlist or (settings or {}).get("NEWSDEDUP_WATCHLIST"))
    overrides = dict(settings or {})
    if proxy:
        overrides["NEWSDEDUP_PROXY"] = proxy
    if extract_processes is not None:
        overrides["NEWSDEDUP_EXTRACT_PROCESSES"] = extract_processes
    for key, value in (("NEWSDEDUP_REDIS_URL", redis_url), ("NEWSDEDUP_RUN_ID", run_id),
                       ("NEWSDEDUP_WORKER_ID", worker_id)):
        if value:
            overrides[key] = value
    config = crawl_settings(overrides)
    store_path = crawl_store_path(config, out_dir)
    check_not_busy(store_path.parent)  # StoreBusy: an earlier run (the last cron job) still going
    process = AsyncCrawlerProcess(config)
    crawler = process.create_crawler(spider)
    started = time.monotonic()
    outcome = process.crawl(crawler, sources=str(sources_path), out=str(out_dir),
                            source=",".join(sources) if sources else None,
                            watchlist=str(watchlist) if watchlist else None)
    errors: list[BaseException] = []
    if hasattr(outcome, "addErrback"):  # a Deferred: keep why the crawl could not start
        outcome.addErrback(lambda failure: errors.append(failure.value))
    elif hasattr(outcome, "add_done_callback"):  # an asyncio Future
        outcome.add_done_callback(
            lambda fut: None if fut.cancelled() or fut.exception() is None
            else errors.append(fut.exception()))
    process.start()
    # Two crawls started at the same instant both pass check_not_busy; the loser's store lock
    # fails while the crawler starts, before its stats exist: report the lock, not the stats.
    busy = next((e for e in errors if isinstance(e, StoreBusy)), None)
    if busy is not None:
        raise busy
    try:
        stats = crawler.stats.get_stats() if crawler.stats else {}
    except RuntimeError:  # the crawler never started (its error was logged)
        stats = {}
    summary = CrawlSummary(
        sources=[SourceSummary(s.name, {c: int(stats.get(f"newsdedup/{s.name}/{c}", 0))
                                        for c in COUNTERS}) for s in selected],
        seconds=time.monotonic() - started, finish_reason=stats.get("finish_reason"),
        last_worker=bool(stats.get("newsdedup/last_worker", True)), stats=stats)
    store = Store(store_path, writable=False) if store_path.exists() else None
    if store is not None:
        counts = store.counts()
        store.close()
        summary.articles, summary.stories, summary.rejects = (
            counts["articles"], counts["stories"], counts["rejects"])
    return summary


def preload_crawler() -> bool:
    """Import what a crawl worker runs (Scrapy's engine, downloader handlers and middlewares,
    the spiders, pipelines, extensions, scheduler and Redis backend), so that workers forked
    from this process start crawling at once instead of each importing them again (~2-4 s per
    worker, all at the same time on the same cores: bench/redis_bench.py). Never the reactor:
    each worker installs its own. False where forking is unsafe or impossible (no fork, or a
    reactor already imported): then workers are started as new processes."""
    if not hasattr(os, "fork") or "twisted.internet.reactor" in sys.modules:
        return False
    from scrapy.utils.misc import walk_modules_iter

    config = crawl_settings()
    paths = [config["SCHEDULER"], *config.getwithbase("DOWNLOAD_HANDLERS").values()]
    for key in ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS", "ITEM_PIPELINES"):
        paths += [path for path, order in config.getwithbase(key).items() if order is not None]
    modules = {"scrapy.core.engine", "scrapy.core.scraper", "crawler.frontier"} | {
        path.rpartition(".")[0] for path in paths if isinstance(path, str) and "." in path}
    for name in sorted(modules):
        importlib.import_module(name)
    for name in config.getlist("SPIDER_MODULES"):
        list(walk_modules_iter(name))
    return "twisted.internet.reactor" not in sys.modules


def new_run_id() -> str:
    """A run id for workers started together: the UTC time to the second."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
