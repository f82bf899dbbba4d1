"""The sample corpus: story files, their copies, outlets and the page model templates render."""

from __future__ import annotations

import hashlib
import tomllib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

import opencc


HERE = Path(__file__).resolve().parent
STORY_DIR = HERE / "stories"
DUMP_DIR = HERE / "dump"
CRAWL_START = datetime(2026, 3, 21, 1, 0, 0, tzinfo=timezone.utc)  # the fictional crawl ran after all stories
CRAWL_STEP = timedelta(seconds=47)
TRUNCATE_SHARE = 0.30  # an aggregator shows roughly the first 30% of the characters
LEAD_CHARS_ZH = 72  # sidebar digests: first ~70 characters, as Chinese portals print them
WARC_NAMESPACE = uuid.UUID("6f1c2d0e-7a4b-5c3d-9e8f-0a1b2c3d4e5f")

# What each encoding label means: (codec of the bytes, charset the page and server declare).
ENCODINGS = {
    "utf-8": ("utf-8", "utf-8"),
    "gbk": ("gbk", "gb2312"),
    "utf8-declared-gb2312": ("utf-8", "gb2312"),  # CMS template still says gb2312
    "gbk-undeclared": ("gbk", None),  # old channel template, no charset anywhere
    "big5": ("big5", "big5"),
}

# s2t would give 裏/着/爲, which Big5 lacks; a Big5 portal writes the Taiwan-standard forms (裡/著/為).
_S2T = opencc.OpenCC("s2tw")
Text = Callable[[str], str]


@dataclass(frozen=True)
class Copy:
    story: str
    outlet: str
    role: str  # original | copy (re-templated, full text) | truncated (aggregator excerpt)
    url: str
    published: str
    headline: str | None = None
    source: str | None = None
    editor: str | None = None
    encoding: str | None = None
    gzip: bool = False
    charset_tag: str = "meta"  # "meta" (<meta charset>) or "http-equiv" (older CMS spelling)


@dataclass(frozen=True)
class Story:
    key: str
    lang: str
    incident: str  # stories of the same event share it (e.g. a report and its English write-up)
    topic: str  # what "related" sidebars match on
    section: str
    headline: str
    byline: str
    caption: str
    paragraphs: tuple[str, ...]
    comments: tuple[tuple[str, str], ...]
    copies: tuple[Copy, ...]
    text_only_url: str | None = None
    text_only_published: str | None = None

    @property
    def original(self) -> Copy:
        return next(c for c in self.copies if c.role == "original")

    @property
    def published(self) -> datetime:
        return datetime.fromisoformat(self.original.published)


@dataclass(frozen=True)
class Link:
    url: str
    headline: str
    lead: str
    count: int  # views / comments shown next to "hot" items


@dataclass(frozen=True)
class Page:
    """Everything a template needs, already in the outlet's script."""

    story: Story
    copy: Copy
    outlet: "Outlet"
    headline: str
    blocks: tuple[tuple[str, str], ...]  # ("p"|"caption"|"ad"|"more", text)
    latest: tuple[Link, ...]
    hot: tuple[Link, ...]
    related: tuple[Link, ...]
    comments: tuple[tuple[str, datetime, str, int], ...]  # user, time, text, likes
    charset: str | None
    source: str
    editor: str
    byline: str

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.copy.published)


@dataclass(frozen=True)
class Outlet:
    key: str
    name: str
    lang: str
    base: str
    encoding: str
    editor: str
    ad: str
    server: str
    comment_picks: tuple[int, ...]
    fillers: tuple[str, ...]  # headlines of pages not in the dump, for sidebars
    render: Callable[[Page], str]
    to_script: Text = lambda s: s


def stable_int(*parts: str) -> int:
    return int(hashlib.sha1("|".join(parts).encode()).hexdigest()[:8], 16)


def load_stories() -> list[Story]:
    stories = []
    for path in sorted(STORY_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        copies = tuple(Copy(story=data["key"], **c) for c in data["copies"])
        paragraphs = tuple(p.strip() for p in data["body"].strip().split("\n\n"))
        comments = tuple((c["user"], c["text"]) for c in data["comments"])
        stories.append(Story(
            key=data["key"], lang=data["lang"], incident=data["incident"], topic=data["topic"],
            section=data["section"],
            headline=data["headline"], byline=data["byline"], caption=data["caption"],
            paragraphs=paragraphs, comments=comments, copies=copies,
            text_only_url=data.get("text_only_url"), text_only_published=data.get("text_only_published")))
    return stories


