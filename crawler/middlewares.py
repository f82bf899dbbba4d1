"""Downloader middlewares: cross-cutting download concerns, one job each."""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest, NotConfigured

from pipelines.urls import canonical_url

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


class AlreadySeen(IgnoreRequest):
    """An article URL the store has already handled in an earlier run."""


class FixedProxyMiddleware:
    """Send every request (robots.txt included) through NEWSDEDUP_PROXY.

    Only the offline fixture network uses it: one loopback server plays every outlet, so the
    crawler sees real hostnames (robots.txt, allowed_domains and per-domain slots all work per
    outlet) while nothing leaves 127.0.0.1.
    """

    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FixedProxyMiddleware:
        proxy = crawler.settings.get("NEWSDEDUP_PROXY")
        if not proxy:
            raise NotConfigured
        return cls(proxy)

    def process_request(self, request: Request) -> None:
        request.meta.setdefault("proxy", self.proxy)


class RetryBackoffMiddleware:
    """Wait before a retry: base * 2**(attempt-1) seconds, capped.

    Scrapy's RetryMiddleware re-schedules a failed request at once; an outlet answering 503
    under load deserves a pause. RetryMiddleware marks retries with meta["retry_times"].
    """

    def __init__(self, base: float, cap: float) -> None:
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryBackoffMiddleware:
        settings = crawler.settings
        return cls(settings.getfloat("NEWSDEDUP_RETRY_BACKOFF_BASE"),
                   settings.getfloat("NEWSDEDUP_RETRY_BACKOFF_MAX"))

    def delay(self, attempt: int) -> float:
        return min(self.cap, self.base * 2 ** (attempt - 1)) if attempt > 0 else 0.0

    async def process_request(self, request: Request) -> None:
        wait = self.delay(request.meta.get("retry_times", 0))
        if wait > 0:
            await asyncio.sleep(wait)


class SeenUrlMiddleware:
    """Drop an article request whose URL was stored by an earlier run or requested in this one.

    It replaces Scrapy's duplicate filter for article requests (they carry dont_filter=True; in
    Redis mode the claim is a set every worker of the run shares, see crawler/coordination.py):
    a redirect target that is already stored or in flight must reach the spider's errback, so
    the redirecting URL is remembered as an alias instead of being silently dropped. The
    seen-URL store is ours: scrapy-deltafetch is broken on Scrapy >= 2.16.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.requested: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenUrlMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.meta.get("kind") != "article" or request.meta.get("retry_times"):
            return
        url = canonical_url(request.url)
        store = getattr(self.crawler.spider, "store", None)
        if store is not None and store.is_seen(url):
            raise AlreadySeen(request.url)
        shared = getattr(store, "state", None)
        claimed = request.meta.get("newsdedup_claim")
        if claimed is not None and claimed[0] == url:  # Redis mode: claimed when popped, with
            if not claimed[1]:  # the shared seen check (crawler/frontier.py)
                raise AlreadySeen(request.url)
        elif shared is not None:  # Redis mode: the run's claims are shared by every worker
            if not shared.claim(url, f"recovered:{request.meta['recovered']}"
                               if request.meta.get("recovered") else "claimed"):
                raise AlreadySeen(request.url)
        elif url in self.requested:
            raise AlreadySeen(request.url)
        self.requested.add(url)
