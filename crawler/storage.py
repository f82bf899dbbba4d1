"""The one place that builds a crawl's store from the settings, and the Scrapy extension that
hands it to the components that need it.

Without ``NEWSDEDUP_REDIS_URL``: ``OUT/store.sqlite`` with every part in the file. With it: this
worker's ``OUT/workers/<worker>/store.sqlite`` for the articles, and the frontier and story index
shared through Redis (crawler/shared_store.py). Components get the store from the extension,

    store = crawler.get_extension(StoreExtension).store

(Scrapy's own way to reach another component), not from the spider.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.store import STORE_FILE, Store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

    from crawler.redis_backend import SharedCrawlState


def redis_mode(settings: BaseSettings) -> bool:
    return bool(settings.get("NEWSDEDUP_REDIS_URL"))


def worker_id(settings: BaseSettings) -> str:
    return settings.get("NEWSDEDUP_WORKER_ID") or socket.gethostname()


def store_path(settings: BaseSettings, out_dir: str | Path) -> Path:
    """OUT/store.sqlite, or in Redis mode this worker's OUT/workers/<worker>/store.sqlite.
    Raises ValueError in Redis mode without a run id."""
    if not redis_mode(settings):
        return Path(out_dir) / STORE_FILE
    from crawler.shared_store import worker_store_path

    if not settings.get("NEWSDEDUP_RUN_ID"):
        raise ValueError("Redis mode needs a run id shared by the run's workers (--run-id)")
    return worker_store_path(out_dir, worker_id(settings))


@dataclass
class Backend:
    """A crawl's store, and in Redis mode the run's shared coordination state (else None)."""

    store: Store
    run: SharedCrawlState | None = None


def open_backend(settings: BaseSettings, out_dir: str | Path) -> Backend:
    """The store for ``out_dir`` with the parts ``settings`` ask for (see the module docstring).
    Raises StoreBusy if another crawl holds it, ConnectionError if Redis does not answer."""
    path = store_path(settings, out_dir)
    if not redis_mode(settings):
        return Backend(Store(path))
    from crawler.redis_backend import SharedCrawlState, shared_story_index
    from crawler.shared_store import SharedFrontier, SharedStories

    url, namespace = settings.get("NEWSDEDUP_REDIS_URL"), settings.get("NEWSDEDUP_REDIS_NAMESPACE")
    state = SharedCrawlState(url, settings.get("NEWSDEDUP_RUN_ID"), worker_id(settings), namespace)
    index = shared_story_index(url, namespace=namespace)
    store = Store(path, index.config, frontier=partial(SharedFrontier, state=state),
                  stories=partial(SharedStories, index=index))
    return Backend(store, state)


class StoreExtension:
    """Opens the crawl's store when the crawler starts, finishes and closes it when the spider
    closes (after the item pipelines' last commit). The out dir is the spider's (its ``out``
    argument, else NEWSDEDUP_OUT_DIR); a spider without one (``scrapy shell``) gets no store."""

    def __init__(self, crawler: Crawler) -> None:
        out_dir = getattr(crawler.spider, "out_dir", None)
        if not out_dir:
            raise NotConfigured("not a newsdedup spider: no out dir")
        backend = open_backend(crawler.settings, out_dir)
        self.out_dir, self.store, self.run = out_dir, backend.store, backend.run
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreExtension:
        return cls(crawler)

    @classmethod
    def of(cls, crawler: Crawler) -> StoreExtension:
        """The running crawl's instance (after the extensions are built)."""
        ext = crawler.get_extension(cls)
        if ext is None:
            raise RuntimeError(f"{cls.__module__}.{cls.__name__} is not in EXTENSIONS")
        return ext

    def spider_closed(self) -> None:
        try:
            self.store.finish()
        finally:
            self.store.close()
