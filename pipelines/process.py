"""The per-document chain shared by a crawl and a dump: decode → extract → language.

``process_document`` is a plain function of one ``RawDocument``, so it runs the same in a Scrapy
item pipeline, in a process pool, or in a test. Story assignment needs all articles and happens
afterwards (``pipelines.assign``).
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from pipelines.dates import Dated
from pipelines.decode import decode_html, repair_mojibake
from pipelines.extract import extract_article
from pipelines.language import detect_language
from pipelines.records import Article, RawDocument, Reject, RejectError
from pipelines.timing import timed
from pipelines.urls import article_id, canonical_url, site_of

MIN_ARTICLE_CHARS = 40  # shorter "articles" are captions, error pages or paywall stubs


def utc_iso_date(value: str | None) -> str | None:
    """An ISO 8601 date or UTC date-time from common input forms, or None if unparseable or
    out of range (a UTC conversion past year 9999).

    A date-time with an offset is converted to UTC (``…Z``) so that plain string order is time
    order for everyone reading the output (a feed says +00:00, the page +08:00); a date alone
    stays a date."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        match = re.match(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", value)
        if not match:
            return None
        y, m, d = (int(g) for g in match.groups())
        try:
            return datetime(y, m, d).date().isoformat()
        except ValueError:
            return None
    if len(value) <= 10:
        return parsed.date().isoformat()
    if parsed.tzinfo is not None:
        try:
            return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        except OverflowError:  # 9999-12-31T23:59:59-05:00 lies past year 9999 in UTC
            return None
    return parsed.isoformat()


def _record_date(raw: RawDocument) -> Dated:
    """The input's own date (a JSONL field, a feed item), if it parses to at least a day."""
    value = utc_iso_date(_hint(raw.published))
    return Dated(value, raw.published_source or "record") if value else Dated()


def _extract(raw: RawDocument) -> tuple[str, str | None, Dated, str | None, str | None]:
    """Text, title, publication date, site and encoding of ``raw``, whichever form it came in.
    A text record's date is its own field only: nothing is read from the body."""
    if raw.text is not None:
        return raw.text.strip(), raw.title, _record_date(raw), None, None
    encoding = None
    with timed("decode"):
        html = repair_mojibake(raw.html) if raw.html is not None else None
    if html is None:
        if raw.body is None:
            raise RejectError("missing-content", "no html, text or body")
        with timed("decode"):
            decoded = decode_html(raw.body, raw.content_type)
        html, encoding = decoded.html, decoded.encoding
    with timed("extract"):
        extracted = extract_article(html, raw.url)
    # Feed/sitemap hints only fill gaps: the page's own title and date win, and a hint that
    # was mis-decoded (U+FFFD) is dropped rather than shown.
    stated = Dated(utc_iso_date(extracted.published), extracted.published_source)
    if not stated.value:
        stated = _record_date(raw)
    return extracted.text, extracted.title or _hint(raw.title), stated if stated.value else Dated(), \
        extracted.site, encoding


def _hint(value: str | None) -> str | None:
    return None if value is None or "\ufffd" in value else value


def process_document(raw: RawDocument) -> Article | Reject:
    """Turn one input into an ``Article`` (no story yet), or a ``Reject`` saying why not."""
    try:
        text, title, published, site, encoding = _extract(raw)
        if len(text) < MIN_ARTICLE_CHARS:
            raise RejectError("too-short", f"{len(text)} characters of text after extraction")
        with timed("language"):
            lang, script = detect_language(text, raw.lang)
    except RejectError as err:
        return Reject(raw.location, err.reason, err.detail, raw.url)
    url = canonical_url(raw.url)
    return Article(
        id=article_id(url), url=url, title=(title or "").strip() or None, text=text,
        lang=lang, script=script, published=published.value,
        published_source=published.source,
        site=site or site_of(url), fetched_at=utc_iso_date(raw.fetched_at),
        encoding=encoding,
        location=raw.location,
    )
