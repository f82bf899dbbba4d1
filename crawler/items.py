"""What the spiders hand to the item pipelines: plain dataclasses, one per kind of fetch."""
from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.records import Article, RawDocument, Reject


@dataclass
class PageItem:
    """An article page fetched with 200. ``ProcessPipeline`` fills ``result``."""

    source: str
    raw: RawDocument  # body bytes + Content-Type; decoding is the decode stage's job
    urls: list[str]  # the redirect chain, final URL last: all are marked seen
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    result: Article | Reject | None = None
    watch_hits: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        # Scrapy logs an item's repr with any error about it: the URL, never the whole page.
        return f"PageItem(source={self.source!r}, url={self.urls[-1] if self.urls else None!r}, " \
               f"status={self.status})"


@dataclass
class FailureItem:
    """An article URL that produced no page to process.

    ``final`` failures (410, non-HTML, oversized) become rejects and are not fetched again; a 404
    only after NEWSDEDUP_NOT_FOUND_RUNS runs (``Store.add_not_found``); the others
    (timeouts, 5xx after retries, 403) are retried by the next run.
    """

    source: str
    url: str
    urls: list[str]
    reason: str
    detail: str
    fetched_at: str
    status: int | None = None
    final: bool = True
    kind: str = "article"


@dataclass
class HubItem:
    """A feed, sitemap or listing page: its validators and (on 200) what it points to."""

    source: str
    url: str
    kind: str  # feed | sitemap | listing
    status: int
    fetched_at: str
    etag: str | None
    last_modified: str | None
    # (kind, url, title, published): kind "article" or "hub"; None when the hub answered 304
    links: list[tuple[str, str, str | None, str | None]] | None


@dataclass
class AliasItem:
    """A URL that redirected to a page already stored or fetched in this run: done, not fetched
    again, and not a reject (the page it leads to is handled)."""

    source: str
    urls: list[str]  # the redirect chain before the known page
    fetched_at: str
