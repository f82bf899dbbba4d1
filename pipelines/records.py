"""Records passed between the stages: what came in, what was kept, what was rejected.

One set of dataclasses serves a crawl and a dump alike, so both write the same output schema.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where an input came from: a file, and the line or byte offset inside it."""

    path: str
    line: int | None = None
    offset: int | None = None
    member: str | None = None  # e.g. a URL inside a WARC, a file inside a folder

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        if self.offset is not None:
            where += f"@{self.offset}"
        return where

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class RawDocument:
    """One input page before extraction.

    Exactly one of ``body`` (raw bytes as fetched), ``html`` (already-decoded HTML) or
    ``text`` (already-extracted text) carries the content.
    """

    url: str
    location: Location
    body: bytes | None = None
    html: str | None = None
    text: str | None = None
    content_type: str | None = None  # HTTP Content-Type, charset honoured when decoding
    title: str | None = None
    published: str | None = None
    lang: str | None = None  # a hint from the input, checked, not trusted
    fetched_at: str | None = None
    published_source: str | None = None  # where ``published`` came from: "record", "feed", …


@dataclass
class Article:
    """An extracted, language-tagged article. Field names are the output contract."""

    id: str
    url: str
    title: str | None
    text: str
    lang: str
    script: str | None  # "Hans" / "Hant" for Chinese, else None
    published: str | None  # ISO 8601
    site: str | None
    fetched_at: str | None = None
    story_id: str | None = None
    incident_id: str | None = None
    encoding: str | None = None  # how the bytes were decoded (not in articles.jsonl)
    location: Location | None = None
    # How far to trust ``published`` (pipelines.dates.SOURCES): meta, json-ld, script, markup, url,
    # page-text, record, feed; None when ``published`` is None or the source is not known.
    published_source: str | None = None

    OUTPUT_FIELDS = ("id", "url", "title", "text", "lang", "script", "published",
                     "published_source", "site", "fetched_at", "story_id", "incident_id")

    def as_output(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.OUTPUT_FIELDS}


@dataclass
class Reject:
    """An input that did not become an article, with where and why."""

    location: Location
    reason: str  # a short stable code, e.g. "malformed-json", "empty-extraction"
    detail: str = ""
    url: str | None = None

    @classmethod
    def of_error(cls, location: Location, err: Exception, url: str | None) -> "Reject":
        """A ``processing-error`` reject naming an unexpected exception met on one document
        (the run goes on without it)."""
        return cls(location, "processing-error", f"{type(err).__name__}: {err}"[:300], url)

    def as_output(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": str(self.location), **self.location.as_dict()}
        out.update(reason=self.reason, detail=self.detail, url=self.url)
        return out


@dataclass
class Story:
    """Syndicated copies of one report."""

    story_id: str
    article_ids: list[str]
    representative_id: str
    languages: list[str]
    first_published: str | None
    incident_id: str | None = None
    size: int = field(init=False)

    OUTPUT_FIELDS = ("story_id", "article_ids", "representative_id", "languages",
                     "first_published", "size", "incident_id")

    def __post_init__(self) -> None:
        self.size = len(self.article_ids)

    def as_output(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.OUTPUT_FIELDS}


class RejectError(Exception):
    """Raised by a stage to turn an input into a Reject with a reason code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
