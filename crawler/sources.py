"""The sources file: outlets as data, the way Fundus keeps its publisher table.

    [[source]]
    name = "Example Daily"
    lang = "zh"                                  # a hint, checked by language detection
    allowed_domains = ["example.cn"]
    feeds = ["https://example.cn/rss.xml"]        # RSS 2.0 / Atom
    sitemaps = ["https://example.cn/sitemap.xml"] # index, urlset, Google News sitemap
    start_urls = ["https://example.cn/news/"]     # listing pages
    follow = ["/news/\\d+"]                       # article links (all entry kinds)
    paginate = ["/news/\\?page=\\d+"]             # more listing pages (optional)

A top-level ``watchlist = "watchlist.toml"`` (relative to the sources file) keeps only articles
that mention a watched keyword.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

SOURCE_KEYS = {"name", "lang", "allowed_domains", "feeds", "sitemaps", "start_urls", "follow",
               "paginate"}
TOP_KEYS = {"source", "watchlist"}


class SourcesError(ValueError):
    """The sources file is missing, malformed or inconsistent (message names file and source)."""


@dataclass(frozen=True)
class Source:
    name: str
    allowed_domains: tuple[str, ...]
    lang: str | None = None
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    follow: tuple[re.Pattern[str], ...] = ()
    paginate: tuple[re.Pattern[str], ...] = ()

    def on_domain(self, url: str) -> bool:
        """The URL's host is one of allowed_domains or a subdomain of one."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    def wants_article(self, url: str) -> bool:
        """An on-domain link matching a follow pattern (no patterns: every on-domain link)."""
        if not self.on_domain(url):
            return False
        return not self.follow or any(p.search(url) for p in self.follow)

    def wants_listing(self, url: str) -> bool:
        return self.on_domain(url) and any(p.search(url) for p in self.paginate)


@dataclass(frozen=True)
class SourcesFile:
    path: Path
    sources: tuple[Source, ...]
    watchlist: Path | None = None

    def named(self, names: list[str] | None) -> tuple[Source, ...]:
        """The sources with these names (all when None); unknown names are an error."""
        if not names:
            return self.sources
        known = {s.name: s for s in self.sources}
        missing = [n for n in names if n not in known]
        if missing:
            raise SourcesError(f"{self.path}: no source named {', '.join(missing)}")
        return tuple(known[n] for n in names)

    def load_watchlist(self, override: str | Path | None = None):
        """The watchlist of ``override`` (``--watchlist``), else of this file's ``watchlist``
        key, else None. SourcesError naming the watchlist file when it is missing, not valid
        TOML or has no keywords: checked before anything is fetched, never a crawl that keeps
        nothing."""
        from crawler.watchlist import load_watchlist

        path = override or self.watchlist
        if not path:
            return None
        try:
            return load_watchlist(path)
        except ValueError as exc:
            raise SourcesError(str(exc)) from None


def load_sources(path: str | Path) -> SourcesFile:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourcesError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: not valid TOML ({exc})") from None
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise SourcesError(f"{path}: unknown top-level key(s) {sorted(unknown)}")
    entries = data.get("source", [])
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"{path}: no [[source]] entries")
    sources = tuple(_parse_source(path, i, entry) for i, entry in enumerate(entries, 1))
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise SourcesError(f"{path}: duplicate source names")
    watchlist = data.get("watchlist")
    return SourcesFile(path, sources, (path.parent / watchlist) if watchlist else None)


def _parse_source(path: Path, index: int, entry: dict) -> Source:
    where = f"{path}: source #{index}"
    if not isinstance(entry, dict):
        raise SourcesError(f"{where}: not a table")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SourcesError(f"{where}: needs a name")
    where = f"{path}: source {name!r}"
    unknown = set(entry) - SOURCE_KEYS
    if unknown:
        raise SourcesError(f"{where}: unknown key(s) {sorted(unknown)}")
    lists = {key: _strings(where, entry, key) for key in SOURCE_KEYS - {"name", "lang"}}
    domains = tuple(d.lower().lstrip(".") for d in lists["allowed_domains"])
    if not domains:
        raise SourcesError(f"{where}: allowed_domains is empty")
    if not (lists["feeds"] or lists["sitemaps"] or lists["start_urls"]):
        raise SourcesError(f"{where}: no feeds, sitemaps or start_urls")
    if lists["start_urls"] and not lists["follow"]:
        # Without patterns a listing page would send us down every navigation link.
        raise SourcesError(f"{where}: start_urls need follow patterns")
    source = Source(name=name, allowed_domains=domains, lang=entry.get("lang"),
                    feeds=lists["feeds"], sitemaps=lists["sitemaps"],
                    start_urls=lists["start_urls"],
                    follow=_patterns(where, lists["follow"]),
                    paginate=_patterns(where, lists["paginate"]))
    for url in source.feeds + source.sitemaps + source.start_urls:
        if urlsplit(url).scheme not in ("http", "https") or not source.on_domain(url):
            raise SourcesError(f"{where}: {url} is not an http(s) URL on allowed_domains")
    return source


def _strings(where: str, entry: dict, key: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SourcesError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _patterns(where: str, values: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    try:
        return tuple(re.compile(v) for v in values)
    except re.error as exc:
        raise SourcesError(f"{where}: bad pattern ({exc})") from None
