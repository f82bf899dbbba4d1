"""Scrapy item pipelines: thin wrappers around the stages ``newsdedup cluster`` uses.

ProcessPipeline: decode → extract → language (``process_document``) and the watchlist filter,
in a process pool so extraction never runs on the reactor thread. StorePipeline: the store
stage (``crawler.store``, reached through ``crawler.storage.StoreExtension``), which commits in
batches; each commit assigns the batch's articles to stories. Writing the output files is the
caller's job once the crawl is over (``newsdedup.crawl``).
"""
from __future__ import annotations

import asyncio
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from twisted.internet.task import LoopingCall

from crawler.items import AliasItem, FailureItem, HubItem, PageItem
from crawler.storage import StoreExtension
from crawler.worker import init_worker, process_page
from pipelines.cores import usable_cores
from pipelines.records import Article, Location, Reject

# A page with no article text yet (a live page published as a headline with "more to follow",
# filled in minutes later) is fetched again by the next runs like a 404, and a final reject
# only once NEWSDEDUP_NOT_FOUND_RUNS runs found it empty: a final reject at the first fetch
# lost the report for good.
STUB_REASONS = frozenset({"too-short", "empty-extraction"})


def default_extract_processes() -> int:
    """One extraction process per usable core but one, which the reactor keeps. On 2 cores a
    second worker only competes with the reactor (bench/crawl_bench.py, 2,019 pages: pool of 2
    vs 1: 63 vs 63 pages/s, downloads done at 31 vs 21 s; on a loaded machine 48 vs 56)."""
    return max(1, usable_cores() - 1)


def make_pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes started with "spawn": forking a process that runs a reactor and threads
    is unsafe, and (unlike forkserver's) spawned workers are the crawl's own children, so
    ``init_worker`` sees it die and they exit after a kill -9 instead of lingering."""
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=init_worker)


class ProcessPipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        workers = crawler.settings.get("NEWSDEDUP_EXTRACT_PROCESSES")
        self.workers = default_extract_processes() if workers is None else int(workers)
        self.pool: ProcessPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler) -> ProcessPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        if self.workers > 0:
            self.pool = make_pool(self.workers)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem):
            return item
        watchlist = self.crawler.spider.watchlist
        if self.pool is None:
            item.result, item.watch_hits = process_page(item.raw, watchlist)
        else:
            loop = asyncio.get_running_loop()
            try:
                item.result, item.watch_hits = await loop.run_in_executor(
                    self.pool, process_page, item.raw, watchlist)
            except BrokenProcessPool:  # a worker was killed (OOM killer, kill -9): process the
                # page here rather than lose it; Scrapy logs nothing, the page is stored
                item.result, item.watch_hits = process_page(item.raw, watchlist)
        return item


class StorePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.store = StoreExtension.of(crawler).store
        settings = crawler.settings
        self.commit_items = settings.getint("NEWSDEDUP_COMMIT_ITEMS")
        self.commit_seconds = settings.getfloat("NEWSDEDUP_COMMIT_SECONDS")
        self.not_found_runs = settings.getint("NEWSDEDUP_NOT_FOUND_RUNS")
        self.first_pending: float | None = None
        self.timer = LoopingCall(self.flush_if_due)

    @classmethod
    def from_crawler(cls, crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.timer.start(max(self.commit_seconds / 2, 0.05), now=False)

    def close_spider(self) -> None:
        if self.timer.running:
            self.timer.stop()
        self.flush()  # the store itself is finished and closed by StoreExtension

    def count(self, source: str, what: str) -> None:
        self.crawler.stats.inc_value(f"newsdedup/{source}/{what}")

    def process_item(self, item: Any) -> Any:
        store = self.store
        if isinstance(item, PageItem):
            self.store_page(item)
        elif isinstance(item, FailureItem):
            self.store_failure(item)
        elif isinstance(item, AliasItem):
            store.add_alias(item.urls, item.source, item.fetched_at)
        elif isinstance(item, HubItem):
            store.add_hub(item.url, item.kind, item.source, item.status, item.fetched_at,
                          item.etag, item.last_modified, item.links)
        if self.first_pending is None:
            self.first_pending = time.monotonic()
        if store.pending >= self.commit_items:
            self.flush()
        return item

    def store_failure(self, item: FailureItem) -> None:
        """A failed fetch: a reject if final, else retried by the next run; an article's 404 is
        retried by the next runs a few times first (``Store.add_not_found``)."""
        if not item.final:
            self.store.add_failure(item.url, item.kind, item.source, item.status, item.fetched_at)
            if item.kind == "article":  # hubs are counted by the spider
                self.count(item.source, "articles_failed")
            return
        reject = Reject(Location(item.source, member=item.url), item.reason, item.detail, item.url)
        final = True
        if item.status == 404 and item.kind == "article":
            final = self.store.add_not_found(reject, item.source, item.urls, status=404,
                                             fetched_at=item.fetched_at, runs=self.not_found_runs)
        else:
            self.store.add_reject(reject, item.source, item.urls, status=item.status,
                                  fetched_at=item.fetched_at)
        self.count(item.source, "rejected" if final else "articles_failed")

    def store_page(self, item: PageItem) -> None:
        result, raw = item.result, item.raw
        if isinstance(result, Article):
            new = self.store.add_article(
                result, item.source, item.urls, status=item.status, body=raw.body,
                content_type=raw.content_type, etag=item.etag,
                last_modified=item.last_modified, watch_hits=item.watch_hits)
            self.count(item.source, "articles_new" if new else "articles_duplicate")
        elif result.reason in STUB_REASONS:  # "Developing story", text added minutes later
            final = self.store.add_not_found(result, item.source, item.urls, status=item.status,
                                             fetched_at=raw.fetched_at, runs=self.not_found_runs)
            self.count(item.source, "rejected" if final else "articles_failed")
        else:
            self.store.add_reject(result, item.source, item.urls, status=item.status,
                                  fetched_at=raw.fetched_at)
            self.count(item.source, "rejected")
        raw.body = None  # stored; keep the item (and Scrapy's log line) small

    def flush(self) -> None:
        self.store.commit()
        self.first_pending = None

    def flush_if_due(self) -> None:
        if self.first_pending is not None and \
                time.monotonic() - self.first_pending >= self.commit_seconds:
            self.flush()
