"""The per-document chain shared by a crawl and a dump: decode → extract → language.

``process_document`` is a plain function of one ``RawDocument``, so it runs the same in a Scrapy
item pipeline, in a process pool, or in a test. Story assignment needs all articles and happens
afterwards (``pipelines.assign``).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import regex

from pipelines.dates import Dated
from pipelines.decode import check_not_lost, decode_html, looks_mis_decoded, repair_mojibake
from pipelines.extract import extract_article
from pipelines.language import detect_language
from pipelines.records import Article, RawDocument, Reject, RejectError
from pipelines.timing import timed
from pipelines.urls import article_id, canonical_url, site_of, url_problem

MIN_ARTICLE_CHARS = 40  # shorter "articles" are captions, error pages or paywall stubs
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # C0 controls but tab and line breaks

# Format characters (zero-width space/joiners, BOM, direction marks: Unicode category Cf) show
# nothing, and a page can hold them by the thousand.
_FORMAT = regex.compile(r"\p{Cf}")
_INVISIBLE_RUN = regex.compile(r"[\s\p{Cf}]+")


# A title is a headline: the longest <title>/og:title among the shared pages' 1,384 is 191
# characters. A longer field is a body or markup put in the wrong place, and at 131,072
# characters Python's csv reader refuses the CSV row (its field_size_limit).
TITLE_MAX_CHARS = 1000


def _title(title: str | None) -> str | None:
    """``title`` without NUL (a C string ends there: SQLite's ``length``, CSV readers) and
    edge whitespace, at most TITLE_MAX_CHARS (a longer one is cut, ending "…"); None when
    nothing is left. Other control characters stay data: a terminal shows them escaped
    (``newsdedup.terminal``), the report HTML-escaped."""
    title = (title or "").replace("\x00", "").strip()
    if len(title) > TITLE_MAX_CHARS:
        title = title[:TITLE_MAX_CHARS - 1].rstrip() + "…"
    return title or None


def visible_chars(text: str) -> int:
    """``len(text)``, except that with format characters in it every run of white space and
    format characters counts as one character (a separator)."""
    if not _FORMAT.search(text):
        return len(text)
    return len(_INVISIBLE_RUN.sub(" ", text).strip())


# The plausible window of a publication date. Before 1900 no input we read has news (an
# archive's scans start later); 0001-01-01 is a placeholder (.NET DateTime.MinValue, Go's zero
# time), not a date. Up to a day after the fetch (or the run): a page's local date runs up to
# 14 h ahead of UTC (UTC+14) plus clock skew; anything later is a typo (9999-12-31 "never
# expires") or an embargo, not a publication that has happened.
EARLIEST_PUBLISHED = datetime(1900, 1, 1, tzinfo=timezone.utc)
LATEST_AHEAD = timedelta(days=1)
_CLOCK_TIME = re.compile(r"\d{1,2}[:：]\d{2}")
_RFC2822_START = re.compile(r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s")
_LOOSE_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def utc_iso_date(value: str | None, latest: datetime | None = None) -> str | None:
    """An ISO 8601 date (``YYYY-MM-DD``) or UTC date-time (``YYYY-MM-DDTHH:MM:SSZ``) from common
    input forms, or None when it is no publication date.

    A date-time with an offset is converted to UTC (``…Z``) so that plain string order is time
    order for everyone reading the output (a feed says +00:00, the page +08:00); a date alone
    stays a date. A date-time without a zone ("2026-03-10 10:00") is no known instant (it could
    be any of 26 hours), so only its date is kept. None: unparseable; an impossible time
    (``T25:00``, ``T23:59:60``, offset ``+25:00``: the value is wrong, so not even its date is
    trusted); outside [EARLIEST_PUBLISHED, ``latest`` (default now, UTC) + LATEST_AHEAD]."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = _loose(value) or _rfc2822(value)
        if parsed is None:
            return None
    if not _in_window(parsed, latest):
        return None
    if len(value) <= 10 or parsed.tzinfo is None:
        return parsed.date().isoformat()
    return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rfc2822(value: str) -> datetime | None:
    """An RSS/e-mail date (``Tue, 10 Mar 2026 08:00:00 GMT``, ``+0800``): feeds and their
    JSONL exports write it. None for anything else, and for a zone it does not know (``-0000``
    or a name other than UT/GMT/Z and the US ones: no known instant)."""
    if not _RFC2822_START.match(value):
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else None


def _loose(value: str) -> datetime | None:
    """``2026/3/9``, ``2026年3月10日 08:00`` …: the date, or the date-time when a readable time
    follows; None when what follows is an unreadable clock time (``25:00``)."""
    match = _LOOSE_DATE.match(value)
    if not match:
        return None
    y, m, d = (int(g) for g in match.groups())
    rest = value[match.end():].strip().lstrip("T").strip()
    try:
        day = datetime(y, m, d)
    except ValueError:
        return None
    if not _CLOCK_TIME.match(rest):
        return day
    try:
        return datetime.fromisoformat(f"{day.date().isoformat()}T{rest.replace('：', ':')}"
                                      .replace("Z", "+00:00"))
    except ValueError:
        return None


def _in_window(parsed: datetime, latest: datetime | None) -> bool:
    try:
        when = parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        when.astimezone(timezone.utc)  # 9999-12-31T23:59:59-05:00 lies past year 9999 in UTC
        return EARLIEST_PUBLISHED <= when <= (latest or datetime.now(timezone.utc)) + LATEST_AHEAD
    except OverflowError:
        return False


def fetch_time(raw: RawDocument) -> datetime | None:
    """When ``raw`` was fetched (UTC), if its record says and it is plausible: the latest
    possible publication (a page cannot say it was published after it was fetched)."""
    value = utc_iso_date(raw.fetched_at)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=timezone.utc) \
        if value else None


def _record_date(raw: RawDocument) -> Dated:
    """The input's own date (a JSONL field, a feed item), if it parses to at least a day."""
    value = utc_iso_date(_hint(raw.published), fetch_time(raw))
    return Dated(value, raw.published_source or "record") if value else Dated()


def _extract(raw: RawDocument) -> tuple[str, str | None, Dated, str | None, str | None]:
    """Text, title, publication date, site and encoding of ``raw``, whichever form it came in.
    A text record's date is its own field only: nothing is read from the body."""
    if raw.text is not None and (raw.text.strip() or raw.html is None and raw.body is None):
        # a text decoded as Latin-1 before it reached us ("æ·±å³…") is re-read as its
        # page's would be (``repair_mojibake``), not kept as Swedish; one no repair reads is
        # kept as given (a stray U+FFFD or two is a real copy) unless its bytes are lost
        check_not_lost(raw.text)
        text = raw.text
        with timed("decode"):
            if looks_mis_decoded(text):
                try:
                    text = repair_mojibake(text)
                except RejectError:
                    pass
        # control characters (NUL…) are no text, and break tools downstream (C strings, CSV)
        return _CONTROL.sub("", text).strip(), raw.title, _record_date(raw), None, None
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
    stated = Dated(utc_iso_date(extracted.published, fetch_time(raw)), extracted.published_source)
    if not stated.value:
        stated = _record_date(raw)
    return extracted.text, extracted.title or _hint(raw.title), stated if stated.value else Dated(), \
        extracted.site, encoding


def _hint(value: str | None) -> str | None:
    return None if value is None or "\ufffd" in value else value


_STRING_FIELDS = ("html", "text", "content_type", "title", "published", "lang", "fetched_at")


def _field_problem(raw: RawDocument) -> tuple[str, str] | None:
    """(reason, detail) when ``raw`` has no usable URL or a field of the wrong type."""
    if not isinstance(raw.url, str) or not raw.url.strip():
        return "missing-url", "no 'url' string"
    problem = url_problem(raw.url)
    if problem:
        return "bad-url", problem
    for name in _STRING_FIELDS:
        value = getattr(raw, name)
        if value is not None and not isinstance(value, str):
            return "bad-field", f"'{name}' is a {type(value).__name__}"
    if raw.body is not None and not isinstance(raw.body, bytes):
        return "bad-field", f"'body' is a {type(raw.body).__name__}"
    return None


def process_document(raw: RawDocument) -> Article | Reject:
    """Turn one input into an ``Article`` (no story yet), or a ``Reject`` saying why not
    (the readers' field checks too, for a ``RawDocument`` made by hand: the Python API)."""
    problem = _field_problem(raw)
    if problem:
        return Reject(raw.location, *problem, raw.url if isinstance(raw.url, str) else None)
    try:
        text, title, published, site, encoding = _extract(raw)
        visible = visible_chars(text)
        if visible < MIN_ARTICLE_CHARS:
            raise RejectError("too-short", f"{visible} characters of text after extraction")
        with timed("language"):
            lang, script = detect_language(text, raw.lang)
    except RejectError as err:
        return Reject(raw.location, err.reason, err.detail, raw.url)
    url = canonical_url(raw.url)
    return Article(
        id=article_id(url), url=url, title=_title(title), text=text,
        lang=lang, script=script, published=published.value,
        published_source=published.source,
        site=site or site_of(url), fetched_at=utc_iso_date(raw.fetched_at),
        encoding=encoding,
        location=raw.location,
    )
