"""Downloader middlewares: cross-cutting download concerns, one job each."""
from __future__ import annotations

import asyncio
import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.storage import StoreExtension
from pipelines.urls import canonical_url

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


class AlreadySeen(IgnoreRequest):
    """An article URL the store has already handled in an earlier run."""


class OffsiteRedirect(IgnoreRequest):
    """A redirect to a host outside the source's allowed_domains: dropped before it is sent."""


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL already in the request's own redirect chain."""


class DecompressionBomb(IgnoreRequest):
    """A compressed body that decompresses past DOWNLOAD_MAXSIZE (a gzip bomb, or a huge page)."""


class RedirectGuardMiddleware:
    """Redirect targets pass the checks every request passes: the source's domains, and no loop.

    Article requests carry dont_filter=True (the seen-URL filter is ours), which Scrapy's offsite
    filter skips and a redirect inherits: without this, an allowed URL answering ``302 Location:
    other-host`` had the other host fetched and stored. Runs first (priority 40), so an offsite
    target costs neither a robots.txt request nor a fetch. A redirect back into its own chain is a
    loop: a failure (retried next run), not an alias of a page that was never fetched.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        chain = request.meta.get("redirect_urls")
        if not chain or "source" not in request.meta:
            return
        source_named = getattr(self.crawler.spider, "source_named", None)
        if source_named is not None and not source_named(request.meta["source"]).on_domain(request.url):
            raise OffsiteRedirect(f"redirect from {chain[-1]} to {request.url}, outside the "
                                  f"source's allowed_domains: not requested")
        url = canonical_url(request.url)
        if url in {canonical_url(u) for u in chain}:
            raise RedirectLoop(f"redirect loop: {' -> '.join([*chain, request.url])}")


class BombSafeCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's HttpCompressionMiddleware (same bounds), raising ``DecompressionBomb`` when a body
    decompresses past DOWNLOAD_MAXSIZE, so the spider records it as a fault of its own (a final
    reject: not fetched again every run) instead of a robots.txt-style "disallowed"."""

    def process_response(self, request, response, spider=None):
        try:
            return super().process_response(request, response)
        except IgnoreRequest as err:
            if hasattr(err.__cause__, "decompressed_size"):
                raise DecompressionBomb(str(err)) from err
            raise


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
        attempt = request.meta.get("retry_times", 0)
        wait = max(self.delay(attempt), request.meta.get("retry_after", 0.0)) if attempt else 0.0
        if wait > 0:
            await asyncio.sleep(wait)

    def process_response(self, request: Request, response):
        """Remember a 429/503's Retry-After (seconds or an HTTP date), capped at the backoff
        maximum, for the retry RetryMiddleware is about to schedule (it copies the meta)."""
        value = response.headers.get(b"Retry-After") if response.status in (429, 503) else None
        if value:
            request.meta["retry_after"] = min(self.cap, max(0.0, retry_after_seconds(
                value.decode("latin-1"))))
        return response


def retry_after_seconds(value: str, now: float | None = None) -> float:
    """Seconds a Retry-After header asks for: delta-seconds or an HTTP date; 0 if unreadable."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return 0.0
    return when - (time.time() if now is None else now)


class SeenUrlMiddleware:
    """Drop an article request whose URL was stored by an earlier run or requested in this one.

    It replaces Scrapy's duplicate filter for article requests (they carry dont_filter=True; in
    Redis mode the claim is a set every worker of the run shares, see crawler/coordination.py):
    a redirect target that is already stored or in flight must reach the spider's errback, so
    the redirecting URL is remembered as an alias instead of being silently dropped. The
    seen-URL store is ours: scrapy-deltafetch is broken on Scrapy >= 2.16.
    """

    def __init__(self, crawler: Crawler) -> None:
        backend = StoreExtension.of(crawler)
        self.frontier, self.shared = backend.store.frontier, backend.run
        self.requested: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenUrlMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.meta.get("kind") != "article" or request.meta.get("retry_times"):
            return
        url = canonical_url(request.url)
        if self.frontier.is_seen(url):
            raise AlreadySeen(request.url)
        claimed = request.meta.get("newsdedup_claim")
        if claimed is not None and claimed[0] == url:  # Redis mode: claimed when popped, with
            if not claimed[1]:  # the shared seen check (crawler/frontier.py)
                raise AlreadySeen(request.url)
        elif self.shared is not None:  # Redis mode: the run's claims are shared by every worker
            if not self.shared.claim(url, f"recovered:{request.meta['recovered']}"
                               if request.meta.get("recovered") else "claimed"):
                raise AlreadySeen(request.url)
        elif url in self.requested:
            raise AlreadySeen(request.url)
        self.requested.add(url)
