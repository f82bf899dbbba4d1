"""The fixture news network: outlets, their templates, hubs and misbehaving pages, as data.

`build_network(edition, scale)` returns every (host, path) → Page the server answers. Edition 2
is "the next morning": a few new articles appear in the hubs, nothing else changes. `scale` adds
that many generated filler articles per outlet (the crawl benchmark).
"""
from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime

import opencc

from .filler import filler_stories
from .stories import DRAFT, STORIES, StoryText

HUAXIA = "www.huaxia-daily.test"  # 华夏日报: Simplified, declared GB2312, RSS 2.0
FORMOSA = "www.formosa-tech.test"  # 寶島科技新聞網: Traditional, Big5, sitemap index + news sitemap
WIRE = "news.example-wire.test"  # The Example Wire: English, listing pages
PORTAL = "www.juhe-news.test"  # 聚合新闻网: aggregator, UTF-8, Atom, syndicated copies
CLOSED = "www.closed-herald.test"  # answers 403 to everything: a failing outlet
SLOW = "www.slow-times.test"  # answers its feed after SLOW_SECONDS: a timing-out outlet
SLOW_SECONDS = 3.0  # tests set DOWNLOAD_TIMEOUT below this
HOSTS = (HUAXIA, FORMOSA, WIRE, PORTAL, CLOSED, SLOW)

OVERSIZED_BYTES = 5 * 1024 * 1024  # above crawler DOWNLOAD_MAXSIZE (4 MiB)
EDITION_DATES = {1: datetime(2026, 3, 12, 12, 0, tzinfo=timezone.utc),
                 2: datetime(2026, 3, 13, 18, 0, tzinfo=timezone.utc)}

_S2TWP = opencc.OpenCC("s2twp")
_T2S = opencc.OpenCC("t2s")


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    conditional: bool = True  # serves ETag / Last-Modified and answers 304
    last_modified: datetime | None = None

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass(frozen=True)
class Placement:
    """One copy of a story on one outlet."""

    host: str
    path: str
    story: StoryText
    edition: int = 1
    variant: str = "full"  # full | truncated
    title: str | None = None  # a re-titled copy
    origin: str | None = None  # "来源" line of a syndicated copy

    @property
    def url(self) -> str:
        return f"http://{self.host}{self.path}"


def _p(host, path, key, **kw) -> Placement:
    return Placement(host, path, STORIES[key], **kw)


PLACEMENTS = [
    _p(HUAXIA, "/society/20260309/1001.shtml", "z1-faceswap-fraud"),
    _p(HUAXIA, "/society/20260310/1002.shtml", "z2-undress-apps"),
    _p(HUAXIA, "/society/20260311/1003.shtml", "z3-fake-explosion"),
    _p(HUAXIA, "/china/20260312/1004.shtml", "z4-high-speed-rail"),
    _p(HUAXIA, "/edu/20260313/1005.shtml", "z9-thesis-ai-rules", edition=2),
    _p(FORMOSA, "/news/20260308/55012", "z5-voice-clone-grandson"),
    _p(FORMOSA, "/news/20260310/55078", "z6-celebrity-deepfake-ads"),
    _p(FORMOSA, "/news/20260309/55041", "z1-faceswap-fraud", origin="华夏日报",
       title="AI换脸视频诈骗 大陆警方破获430万元诈骗案"),
    _p(FORMOSA, "/news/20260311/55103", "z7-metro-ring-line"),
    _p(WIRE, "/2026/03/09/deepfake-robocall-governor.html", "e1-robocall"),
    _p(WIRE, "/2026/03/10/nudify-app-school-deepfakes.html", "e2-nudify-school"),
    _p(WIRE, "/2026/03/11/judge-fines-ai-citations.html", "e3-ai-citations"),
    _p(WIRE, "/2026/03/11/bike-lanes-vote.html", "e4-bike-lanes"),
    _p(WIRE, "/2026/03/12/deepfake-video-call-heist.html", "e5-video-call-heist"),
    _p(WIRE, "/2026/03/08/spring-storm-outages.html", "e7-storm-outage"),
    _p(WIRE, "/2026/03/13/ai-ad-reporting-portal.html", "e8-ad-labels", edition=2),
    _p(PORTAL, "/a/20260309/HX1001.html", "z1-faceswap-fraud", variant="truncated",
       origin="华夏日报", title="AI换脸冒充老板视频通话 公司财务被骗430万元"),
    _p(PORTAL, "/a/20260310/HX1002.html", "z2-undress-apps", origin="华夏日报",
       title="“一键脱衣”类应用遭集中整治 132款违规产品被下架"),
    _p(PORTAL, "/a/20260310/TW55078.html", "z6-celebrity-deepfake-ads", origin="宝岛科技新闻网",
       title="台湾深伪名人投资广告泛滥 当局要求平台24小时内下架"),
    _p(PORTAL, "/a/20260312/JH2001.html", "z8-spring-rain"),
    _p(PORTAL, "/en/20260312/EW0312.html", "e5-video-call-heist", origin="The Example Wire",
       title="Deepfaked executives on video call dupe finance worker into $2.1m transfer"),
    _p(PORTAL, "/a/20260311/HX1003.html", "z3-fake-explosion", edition=2, origin="华夏日报",
       title="AI生成“化工厂爆炸”视频 造谣男子被拘十日"),
]

# Links on hubs that must not become articles, each with the reason the crawler should give.
WIRE_REDIRECT = ("/story/4471", "/2026/03/08/spring-storm-outages.html")  # 301
# 301s to pages that are linked directly too: one inside a run, one to a page stored last run.
WIRE_ALIAS = ("/story/4472", "/2026/03/10/nudify-app-school-deepfakes.html")
WIRE_ALIAS_NEXT = ("/story/4480", "/2026/03/09/deepfake-robocall-governor.html")  # edition 2
WIRE_404 = "/2026/03/05/retracted-chatbot-story.html"
WIRE_PDF = "/reports/ai-incident-tracker-2025.pdf"
WIRE_OVERSIZED = "/2026/03/12/live-blog-ai-summit.html"
WIRE_FLAKY = "/2026/03/11/judge-fines-ai-citations.html"  # 500 once, then 200
WIRE_DRAFT = "/drafts/2026/03/14/embargoed-ai-story.html"  # robots.txt: Disallow: /drafts/
HUAXIA_INTERNAL = "/internal/preview/20260313/1006.shtml"  # robots.txt: Disallow: /internal/
DISALLOWED = ((WIRE, WIRE_DRAFT), (HUAXIA, HUAXIA_INTERNAL))
FILLER_PER_PAGE = 50


def traditional(text: str) -> str:
    return _S2TWP.convert(text)


def body_paragraphs(pl: Placement, host_script: str) -> list[str]:
    """The story text as this outlet prints it (script conversion, truncation)."""
    paras = list(pl.story.paragraphs)
    if pl.variant == "truncated":
        paras = paras[: max(2, (len(paras) * 3 + 4) // 5)]
    if pl.story.lang == "zh":
        if host_script == "Hant":
            paras = [traditional(p) for p in paras]
        elif pl.story.key in TAIWAN_ORIGINALS:  # mainland copy of a Taiwan story
            paras = [_T2S.convert(traditional(p)) for p in paras]
    return paras


TAIWAN_ORIGINALS = {"z5-voice-clone-grandson", "z6-celebrity-deepfake-ads", "z7-metro-ring-line"}


def headline(pl: Placement, host_script: str) -> str:
    title = pl.title or pl.story.title
    if pl.story.lang == "zh" and host_script == "Hant":
        return traditional(title)
    if pl.story.lang == "zh" and pl.story.key in TAIWAN_ORIGINALS and pl.title is None:
        return _T2S.convert(traditional(title))
    return title


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(timezone.utc), usegmt=True)


def live(placements: list[Placement], host: str, edition: int) -> list[Placement]:
    return [p for p in placements if p.host == host and p.edition <= edition]


def build_network(edition: int = 1, scale: int = 0) -> dict[tuple[str, str], Page]:
    from . import templates

    placements = PLACEMENTS + filler_placements(scale)
    stamp = EDITION_DATES[edition]
    pages: dict[tuple[str, str], Page] = {}
    for host, render in templates.ARTICLE_RENDERERS.items():
        mine = live(placements, host, edition)
        for pl in mine:
            pages[(host, pl.path)] = render(pl, mine)
    for (host, path), page in templates.hub_pages(placements, edition, scale).items():
        page.last_modified = page.last_modified or stamp
        pages[(host, path)] = page
    pages.update(templates.special_pages())
    from . import hostile
    pages.update(hostile.pages())  # a host only tests/test_crawl_hostile.py's sources name
    return pages


def filler_placements(scale: int) -> list[Placement]:
    """`scale` generated articles per outlet, for the benchmark (not in the asserted network)."""
    out = []
    for host, lang in ((HUAXIA, "zh"), (FORMOSA, "zh"), (WIRE, "en"), (PORTAL, "zh")):
        for i, story in enumerate(filler_stories(lang, scale, seed=host)):
            day = 1 + i % 28
            path = {HUAXIA: f"/local/202602{day:02d}/{5000 + i}.shtml",
                    FORMOSA: f"/news/202602{day:02d}/{70000 + i}",
                    WIRE: f"/2026/02/{day:02d}/local-report-{i}.html",
                    PORTAL: f"/a/202602{day:02d}/JF{i:05d}.html"}[host]
            out.append(Placement(host, path, story, edition=1))
    return out


__all__ = ["build_network", "Page", "Placement", "PLACEMENTS", "DRAFT", "HOSTS"]
