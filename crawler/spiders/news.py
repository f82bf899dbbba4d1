"""Generic spiders driven by the sources file: feeds, sitemaps and listing pages of every outlet.

One class reads every kind of entry point (``news``); ``feeds``, ``sitemaps`` and ``listings``
are the same spider restricted to one kind, so a cron job can poll feeds often and walk sitemaps
daily. Hubs are always re-fetched with conditional headers; a 304 replays the links the store
kept from the hub's last 200, so nothing discovered before a kill is lost. Article pages are
fetched once: the store's seen-URL table filters them (here and, for redirects, in
``SeenUrlMiddleware``).

    scrapy crawl news -a sources=samples/sources.toml -a out=output [-a source="Name,Other"]
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from functools import cached_property
from typing import Any
from urllib.parse import urldefrag

import scrapy
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.feeds import FeedError, Link, parse_xml_hub
from crawler.items import AliasItem, FailureItem, HubItem, PageItem
from crawler.middlewares import AlreadySeen, DecompressionBomb, OffsiteRedirect, RedirectLoop
from crawler.sources import Source, load_sources
from crawler.storage import StoreExtension
from crawler.watchlist import Watchlist
from pipelines.records import Location, RawDocument
from pipelines.urls import canonical_url, url_problem

HTML_TYPES = ("text/html", "application/xhtml+xml")
FINAL_HTTP_STATUSES = (404, 410)  # gone for good: a reject; other errors are retried next run
HUB_PRIORITY = 10  # hubs before articles, so links are known (and stored) early
OVERSIZE_MARKER = "larger than download max size"  # scrapy.utils._download_handlers


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class NewsSpider(scrapy.Spider):
    name = "news"
    kinds: tuple[str, ...] = ("feed", "sitemap", "listing")

    def __init__(self, sources: str | None = None, out: str | None = None,
                 source: str | None = None, watchlist: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._args = {"sources": sources, "out": out, "source": source, "watchlist": watchlist}
        self.sources: tuple[Source, ...] = ()
        self.watchlist: Watchlist | None = None
        self.hub_pages: dict[str, int] = {}
        # Aliases whose target is only in flight in this run: stored once the target is fetched
        # (a redirect loop's targets never are: then nothing is stored, the next run retries).
        self.fetched: set[str] = set()
        self.pending_aliases: dict[str, list[AliasItem]] = {}

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler.settings)
        return spider

    def configure(self, settings) -> None:
        """Sources, watchlist and out dir from spider arguments, else NEWSDEDUP_* settings."""
        sources_file = load_sources(self._args["sources"] or settings.get("NEWSDEDUP_SOURCES"))
        names = self._args["source"]
        self.sources = sources_file.named(names.split(",") if names else None)
        self.watchlist = sources_file.load_watchlist(
            self._args["watchlist"] or settings.get("NEWSDEDUP_WATCHLIST"))
        self.out_dir = self._args["out"] or settings.get("NEWSDEDUP_OUT_DIR")
        self.max_hub_pages = settings.getint("NEWSDEDUP_MAX_HUB_PAGES")
        self.sitemap_maxsize = settings.getint("NEWSDEDUP_SITEMAP_MAXSIZE")
        # Scrapy's OffsiteMiddleware as a backstop; each source's own domains are checked here.
        self.allowed_domains = sorted({d for s in self.sources for d in s.allowed_domains})

    @cached_property
    def frontier(self):
        """The store's frontier: seen URLs, hub validators and links (crawler.store)."""
        return StoreExtension.of(self.crawler).store.frontier

    @cached_property
    def shared(self):
        """Redis mode: the run's shared state (crawler.redis_backend); None otherwise."""
        return StoreExtension.of(self.crawler).run

    def finished(self, url: str) -> None:
        """Redis mode: a URL settled without a stored outcome (robots.txt, unreadable hub)."""
        if self.shared is not None:
            self.shared.finished([url])

    def recovery_request(self, url: str, record: dict[str, Any]) -> scrapy.Request | None:
        """Redis mode: request again a URL that a dead worker took and never finished."""
        source = next((s for s in self.sources if s.name == record.get("source")), None)
        if source is None:
            return None
        if record["kind"] == "hub":
            return self.hub_request(source, record["hub_kind"], url).replace(dont_filter=True)
        request = self.article_request(source, Link(url, record.get("title"),
                                                    record.get("published")))
        if request is not None:
            request.meta["recovered"] = True
        return request

    def closed(self, reason: str) -> None:
        for aliases in self.pending_aliases.values():  # targets never fetched: a loop, a failure
            for alias in aliases:
                self.count(alias.source, "articles_failed")
        self.pending_aliases.clear()

    # --- counters: the per-source run summary --------------------------------------------------
    def count(self, source: str, what: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"newsdedup/{source}/{what}", n)

    # --- entry points -------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.sources:
            entries = {"feed": source.feeds, "sitemap": source.sitemaps,
                       "listing": source.start_urls}
            for kind in self.kinds:
                for url in entries[kind]:
                    yield self.hub_request(source, kind, url)

    def hub_request(self, source: Source, kind: str, url: str) -> scrapy.Request:
        headers = {}
        etag, last_modified = self.frontier.validators(url)
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        meta = {"kind": "hub", "hub_kind": kind, "source": source.name,
                "handle_httpstatus_list": [304]}
        if kind == "sitemap":
            meta["download_maxsize"] = self.sitemap_maxsize
        return scrapy.Request(url, callback=self.parse_hub, errback=self.hub_failed,
                              headers=headers, meta=meta, priority=HUB_PRIORITY)

    def article_request(self, source: Source, link: Link) -> scrapy.Request | None:
        if self.frontier.is_seen(link.url):
            self.count(source.name, "skipped_seen")
            return None
        meta = {"kind": "article", "source": source.name, "title": link.title,
                "published": link.published}
        # dont_filter: SeenUrlMiddleware does the duplicate filtering for articles
        return scrapy.Request(link.url, callback=self.parse_article, errback=self.article_failed,
                              meta=meta, dont_filter=True)

    # --- hubs ---------------------------------------------------------------------------------
    def parse_hub(self, response: Response) -> Iterator[Any]:
        source = self.source_named(response.meta["source"])
        kind = response.meta["hub_kind"]
        hub_url = response.meta.get("redirect_urls", [response.url])[0]  # as the source names it
        if response.status == 304:
            self.count(source.name, "hubs_not_modified")
            links = self.frontier.hub_links(hub_url)
            stored = None
        else:
            self.count(source.name, "hubs_fetched")
            links = self.hub_links(source, kind, response)
            if links is None:  # an HTML error page at a feed URL answered nothing
                self.count(source.name, "hubs_failed")
                self.count(source.name, "hubs_unreadable")
                self.finished(hub_url)
                return
            stored = links
        yield HubItem(source.name, hub_url, kind, response.status, now_iso(),
                      _header(response, b"ETag"), _header(response, b"Last-Modified"), stored)
        for link_kind, url, title, published in links:
            if link_kind == "hub":
                if self.hub_budget(source):
                    yield self.hub_request(source, kind, url)
            elif (request := self.article_request(source, Link(url, title, published))):
                yield request

    def hub_links(self, source: Source, kind: str, response: Response
                  ) -> list[tuple[str, str, str | None, str | None]] | None:
        """(kind, url, title, published) a hub points to, own-domain only; None if unreadable."""
        if kind == "listing":
            if not isinstance(response, TextResponse):
                return None
            out, found = [], set()
            for href in response.css("a::attr(href)").getall():
                try:
                    url = urldefrag(response.urljoin(href.strip()))[0]
                except ValueError:  # http://[::1/x: that link only, not the listing's others
                    continue
                if url_problem(url):  # a port out of range raised in the request
                    continue
                if url in found:
                    continue
                found.add(url)
                if source.wants_listing(url):
                    out.append(("hub", url, None, None))
                elif source.wants_article(url):
                    out.append(("article", url, None, None))
                elif url.startswith("http") and not source.on_domain(url):
                    self.count(source.name, "offsite_links")
            return out
        try:
            parsed = parse_xml_hub(response.body, response.url, self.sitemap_maxsize,
                                   response.headers.get("Content-Type", b"").decode("latin-1"))
        except FeedError as err:
            self.logger.warning("%s: %s is not a readable feed or sitemap: %s",
                                source.name, response.url, err)
            return None
        hubs = [("hub", u, None, None) for u in parsed.hubs
                if not url_problem(u) and source.on_domain(u)]
        arts = [("article", ln.url, ln.title, ln.published) for ln in parsed.articles
                if not url_problem(ln.url) and source.wants_article(ln.url)]
        self.count(source.name, "offsite_links", len(parsed.articles) - len(arts)
                   + len(parsed.hubs) - len(hubs))
        return hubs + arts

    def hub_budget(self, source: Source) -> bool:
        used = self.hub_pages.get(source.name, 0)
        if used >= self.max_hub_pages:
            self.count(source.name, "hubs_over_budget")
            return False
        self.hub_pages[source.name] = used + 1
        return True

    def hub_failed(self, failure) -> Iterator[Any]:
        request = failure.request
        source = request.meta["source"]
        if failure.check(OffsiteRedirect, RedirectLoop, DecompressionBomb):
            yield from self.redirect_or_bomb_failed(failure, kind=request.meta["hub_kind"])
            return
        if failure.check(IgnoreRequest) and not failure.check(HttpError):  # robots.txt
            self.count(source, "disallowed")
            # said, not only counted: a source whose every hub is disallowed fetches nothing and
            # its table row showed only zeros, with no hint why
            self.logger.warning("%s: hub %s is disallowed by robots.txt", source, request.url)
            self.finished(request.url)
            return
        status, reason, _final = _failure_reason(failure)
        self.count(source, "hubs_failed")
        self.logger.warning("%s: hub %s failed: %s", source, request.url, reason)
        yield FailureItem(source, request.url, [request.url], reason, _failure_detail(failure),
                          now_iso(), status, final=False, kind=request.meta["hub_kind"])

    # --- articles -----------------------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterator[Any]:
        source = response.meta["source"]
        urls = [*response.meta.get("redirect_urls", []), response.url]
        for url in urls:
            self.fetched.add(canonical_url(url))
            yield from self.pending_aliases.pop(canonical_url(url), [])
        fetched_at = now_iso()
        self.count(source, "articles_fetched")
        content_type = _header(response, b"Content-Type")
        mime = (content_type or "").split(";")[0].strip().lower()
        if mime and mime not in HTML_TYPES:
            yield FailureItem(source, response.url, urls, "not-html", f"Content-Type {mime}",
                              fetched_at, response.status)
            return
        raw = RawDocument(url=response.url, location=Location(source, member=response.url),
                          body=response.body, content_type=content_type,
                          title=response.meta.get("title"),
                          published=response.meta.get("published"),
                          lang=self.source_named(source).lang, fetched_at=fetched_at)
        yield PageItem(source, raw, urls, response.status, _header(response, b"ETag"),
                       _header(response, b"Last-Modified"))

    def article_failed(self, failure) -> Iterator[Any]:
        request = failure.request
        source = request.meta["source"]
        if failure.check(AlreadySeen):  # stored before, or already requested in this run
            self.count(source, "skipped_seen")
            if request.meta.get("redirect_urls"):  # remember the alias: not fetched again
                alias = AliasItem(source, request.meta["redirect_urls"], now_iso())
                target = canonical_url(request.url)
                if self.shared is not None or target in self.fetched \
                        or self.frontier.is_seen(target):
                    yield alias
                else:  # in flight: an alias only if it is fetched (not if it loops back)
                    self.pending_aliases.setdefault(target, []).append(alias)
            return
        if failure.check(OffsiteRedirect, RedirectLoop, DecompressionBomb):
            yield from self.redirect_or_bomb_failed(failure, kind="article")
            return
        # (HttpError is an IgnoreRequest too, so it is told apart first.)
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            self.count(source, "disallowed")  # robots.txt, or a redirect off the domains
            self.finished(request.url)
            return
        status, reason, final = _failure_reason(failure)
        urls = [*request.meta.get("redirect_urls", []), request.url]
        if failure.check(HttpError):  # a 404 or 403 is logged by no one else: the table's
            # "failed" count named no page
            self.logger.warning("%s: article %s failed: %s", source, request.url,
                                _failure_detail(failure))
        yield FailureItem(source, request.url, urls, reason, _failure_detail(failure),
                          now_iso(), status, final=final)

    def redirect_or_bomb_failed(self, failure, kind: str) -> Iterator[Any]:
        """An offsite redirect or a gzip bomb: a reject (final: not fetched again every run); a
        redirect loop: a failure, retried next run (never an alias)."""
        request = failure.request
        source = request.meta["source"]
        urls = [*request.meta.get("redirect_urls", []), request.url]
        reason, final = ("offsite-redirect", True) if failure.check(OffsiteRedirect) else \
            ("redirect-loop", False) if failure.check(RedirectLoop) else ("decompression-bomb", True)
        self.count(source, reason.replace("-", "_"))
        if kind != "article":
            self.count(source, "hubs_failed")
        yield FailureItem(source, urls[0], urls, reason, str(failure.value)[:300], now_iso(), None,
                          final=final and kind == "article", kind=kind)

    def source_named(self, name: str) -> Source:
        return next(s for s in self.sources if s.name == name)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _failure_reason(failure) -> tuple[int | None, str, bool]:
    """(HTTP status, reason code, final?) of a failed fetch."""
    if failure.check(HttpError):
        status = failure.value.response.status
        return status, "http-error", status in FINAL_HTTP_STATUSES
    if failure.check(DownloadCancelledError) and OVERSIZE_MARKER in str(failure.value):
        return None, "too-large", True
    return None, "fetch-error", False


def _failure_detail(failure) -> str:
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    return f"{type(failure.value).__name__}: {failure.value}"[:300]


class FeedSpider(NewsSpider):
    """Only the sources' feeds (RSS 2.0 / Atom)."""

    name = "feeds"
    kinds = ("feed",)


class SitemapSpider(NewsSpider):
    """Only the sources' sitemaps (index, urlset, Google News)."""

    name = "sitemaps"
    kinds = ("sitemap",)


class ListingSpider(NewsSpider):
    """Only the sources' listing pages (start_urls, then paginate patterns)."""

    name = "listings"
    kinds = ("listing",)
