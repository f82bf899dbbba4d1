"""Publication dates a reader can trust: where a page states its date, and nothing invented.

``publication_date`` returns a ``Dated`` (ISO 8601 value + ``source``) or ``Dated(None, None)``.
Sources, strongest first:

  meta       the page's article:published_time / itemprop=datePublished
  json-ld    a JSON-LD ``datePublished``
  script     the publication time a site profile's script variable holds, for layouts that print
             their date only by script (WeChat's ``var ct``: ``script_timestamp``)
  markup     htmldate's markup steps (``pipelines.htmldate_markup``): meta tags it knows,
             <time>, date classes; never free text, never a copyright footer
  url        a full date in the URL path (/2024/03/05/, /20240305/)
  page-text  a date right under the headline that the page labels as its publication date
             (发布时间 / 来源 / Published …, or followed by a clock time; not an update, incident
             or verdict time), or one htmldate read in the text above its first paragraph of
             running text (``heads_the_text``); never a date in the headline or the body
  record     the input record's own ``published`` field (JSONL, feed item: see the readers)

What is never a publication date (each a test page in tests/test_dates.py): a year alone or a
copyright footer ("© 2023" → 2023-01-01 was trafilatura's extensive search), a date told in the
body ("On April 14, 2023, the procuratorate…"), a month without a day ("2025年8月" → 2025-01-01),
htmldate's filled-in 1st of a month (a year-month, an impossible day such as 2024-02-30, a
``copyrightYear`` meta: ``markup_date``).
Unknown stays ``None``.

Comparing dates: ``same_day`` and ``sort_key`` compare at the precision both values have, so a
date-only ``2026-04-01`` and ``2026-04-01T18:00:00Z`` are the same day, and a timestamp sorts
before a date-only value of the same day (a date-only copy is usually a truncated re-post).
``robust_first`` is a story's first publication robust to one outlying copy.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from lxml.etree import XPath
from lxml.html import HtmlElement, tostring

from dedupe.incidents.evidence import parse_published as day_of  # the calendar day, or None
from pipelines.htmldate_markup import LABEL_CHARS, find_page_date, heads_the_text, states_day

# Dates before 1995 are not web publication dates (htmldate's own floor).
MIN_PUBLISHED = date(1995, 1, 1)
# The URL's date wins over markup more than a month away from it (the extraction bench: wce +3,
# sohu /20050513/ pages whose markup date came from a sidebar).
URL_DATE_OVERRIDE_DAYS = 31
# A dateline is looked for within this many characters after the headline (the extraction bench:
# 500/1500 gave more false hits), and needs a label or a clock time within LABEL_CHARS.
DATELINE_WINDOW = 200
DATELINE_TITLE_CHARS = 12
# A copy whose day is more than this far before every other copy's is an outlier (a re-post that
# kept an old date, a guessed date) and does not set its story's first publication.
OUTLIER_DAYS = 30

SOURCES = ("meta", "json-ld", "script", "markup", "url", "page-text", "record", "feed", "warc")

# The itemprop branch goes through the attribute axis (//@itemprop[…]/..): the same nodes as
# //*[@itemprop="datePublished"], at about half the cost on a large page (a test per element).
_STRUCTURED_DATE_XPATH = XPath('//meta[@property="article:published_time" or @itemprop="datePublished"'
                               ' or @name="article:published_time"]/@content'
                               ' | //@itemprop[.="datePublished"]/../@datetime')
# What dates other pages (``own_markup``): blocks listing them, by tag, and by a class or id
# token (lowercased); the page's own <footer> only (an article's holds its date); and
# modified-time tags. Class and id values are read as strings by one XPath and tested in
# Python: XPath's translate() for case over every element was ~35 ms on a large page.
_LISTING_TOKENS = ("related", "sidebar", "recommend", "more-stories", "most-read", "xgxw", "相关",
                   # readers' comments date themselves (WordPress "commentlist": a comment's
                   # day became a post's, wce 35687fb1)
                   "commentlist", "comment-list", "comments", "commentmeta", "comment-meta", "评论")
_ARTICLE_FOOTER_TOKENS = ("entry", "post", "article")
_LISTING_BLOCKS = XPath("//aside | //nav | //footer[not(ancestor::article or ancestor::main)]")
_NAMED_BLOCKS = XPath("//div/@class | //div/@id | //section/@class | //section/@id"
                      " | //ul/@class | //ul/@id | //ol/@class | //ol/@id")
_MODIFIED = XPath("//meta[@property='article:modified_time' or @property='og:updated_time'"
                  " or @name='article:modified_time' or @name='last-modified'"
                  " or @itemprop='dateModified' or @http-equiv]"
                  " | //*[@itemprop='dateModified']")
_JSON_LD_XPATH = XPath('//script[@type="application/ld+json"]/text()')  # compiled once
_INLINE_SCRIPTS = XPath("//script[not(@src)]/text()", smart_strings=False)
_URL_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://[^/]*", re.I)
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})([-/_]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)")
_TEXT_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)")
_LABEL = re.compile(r"(发布|發布|发表|發表|时间|時間|日期|来源|來源|published|posted|date)"
                    r"\s*[:：]?\s*$", re.I)
# A time the page labels as something else than its publication: an update, the event's, the
# hearing's or a deadline ("更新时间：", "案发时间：2021年3月5日 14:30", "判决日期：", "Updated").
_OTHER_TIME = re.compile(r"(更新|修改|修订|修訂|案发|案發|判决|判決|宣判|开庭|開庭|庭审|庭審|事发|事發|"
                         r"发生|發生|截止|截至|报名|報名|活动|活動|会议|會議|举办|舉辦|召开|召開|出生|成立|"
                         r"有效|考试|考試|updated?|modified|edited|event|incident|hearing|deadline)"
                         r"\s*(?:时间|時間|日期|于|於|on|at)?\s*[:：]?\s*$", re.I)
_CLOCK = re.compile(r"^\s*日?\s*\d{1,2}[:：]\d{2}")
_TITLE_SUFFIX = re.compile(r"\s*(?:[-_|｜—–]|——)\s*")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Dated:
    """A publication date and where it came from; both None when the page does not say."""

    value: str | None = None  # ISO 8601 date or date-time
    source: str | None = None  # one of SOURCES


def publication_date(tree: HtmlElement, title: str | None, url: str | None) -> Dated:
    """The page's publication date from its metadata, markup, URL or labelled dateline."""
    stated = stated_timestamp(tree)
    if stated.value:
        return stated
    in_url = url_date(url)
    found = markup_date(tree, url)
    if found.value:  # read again without other pages' and modified dates (never adds one)
        with own_markup(tree) as own:
            if own is not None:  # None: nothing taken out, the answer stands (htmldate copies
                found = markup_date(own, url)  # the tree: it reads, never edits)
    if found.value and found.value[:10] in impossible_days(tree):
        found = Dated()  # htmldate read the day of a value whose time cannot be
    if in_url and (found.value is None or found.value[:10] == in_url
                   or _days_apart(found.value, in_url) > URL_DATE_OVERRIDE_DAYS):
        found = Dated(in_url, "url")  # htmldate reads the URL too: say so
    if title and _CHINESE.search(title) and not _KANA_HANGUL.search(title):
        # Chinese portals print the dateline right under the headline.
        line = dateline(tree, title)
        if line:
            found = Dated(line, "page-text")
    return found if found.value else Dated()


def stated_timestamp(tree: HtmlElement) -> Dated:
    """The date-time the page states in Open Graph / microdata (``meta``) or JSON-LD."""
    for value in (str(v) for v in _STRUCTURED_DATE_XPATH(tree)):
        parsed = _plausible(value)
        if parsed:
            return Dated(parsed, "meta")
    for blob in _JSON_LD_XPATH(tree):
        try:
            data = json.loads(blob)
        except (ValueError, RecursionError):  # RecursionError: JSON nested past the limit
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and isinstance(item.get("datePublished"), str):
                parsed = _plausible(item["datePublished"])
                if parsed:
                    return Dated(parsed, "json-ld")
    return Dated()


def script_timestamp(tree: HtmlElement, pattern: str, offset_minutes: int = 0) -> Dated:
    """The time the first inline script match of ``pattern`` (group 1: Unix seconds) holds,
    as ISO 8601 at UTC offset ``offset_minutes`` (``2020-02-12T22:17:54+08:00``), source
    ``script``; ``Dated()`` when no script matches or the time is not a plausible publication
    time (before MIN_PUBLISHED, after today: a placeholder 0, a mistyped value)."""
    found = re.compile(pattern)
    zone = timezone(timedelta(minutes=offset_minutes))
    for code in _INLINE_SCRIPTS(tree):
        match = found.search(code)
        if match:
            try:
                stamp = datetime.fromtimestamp(int(match.group(1)), tz=zone)
            except (ValueError, OverflowError, OSError):
                return Dated()
            if MIN_PUBLISHED <= stamp.date() <= date.today():
                return Dated(stamp.isoformat(), "script")
            return Dated()
    return Dated()


def impossible_days(tree: HtmlElement) -> set[str]:
    """The days of the structured values (``stated_timestamp``'s) whose time or offset is
    impossible (``2026-03-10T25:00:00Z``): a value that cannot be is no evidence, not even of
    its day, whoever reads it (htmldate reads these same tags)."""
    days = set()
    for value in (str(v).strip() for v in _STRUCTURED_DATE_XPATH(tree)):
        if len(value) > 10 and _valid_day(value[:4], value[5:7], value[8:10]) \
                and _plausible(value) is None:
            days.add(value[:10])
    return days


def _plausible(value: str) -> str | None:
    value = value.strip()
    if len(value) < 10:  # "2023" or "2023-08" is no day
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if MIN_PUBLISHED <= stamp.date() <= date.today():
        return stamp.isoformat() if len(value) > 10 else stamp.date().isoformat()
    return None


def elsewhere(tree: HtmlElement) -> list[HtmlElement]:
    """The elements of ``tree`` that date other pages or a later change: blocks that list
    other pages (<aside>, <nav>, the page's <footer> — not an article's own, which holds its
    date —, related / sidebar / recommended lists: a related-news list's dates became a page's
    own, ``markup``) and modified-time tags (``article:modified_time``, ``og:updated_time``,
    ``dateModified``, HTTP-equiv ``Last-Modified``: when the page last changed, which htmldate
    falls back to when no published date is found). An element may come twice."""
    found = [e for e in _LISTING_BLOCKS(tree) if e.tag != "footer"
             or not any(t in (e.get("class") or "").lower() for t in _ARTICLE_FOOTER_TOKENS)]
    found += [value.getparent() for value in _NAMED_BLOCKS(tree)
              if any(t in value.lower() for t in _LISTING_TOKENS)]
    found += [e for e in _MODIFIED(tree) if e.tag != "meta" or e.get("http-equiv") is None
              or e.get("http-equiv").lower() == "last-modified"]
    return found


@contextmanager
def own_markup(tree: HtmlElement) -> Iterator[HtmlElement | None]:
    """``tree`` without ``elsewhere(tree)`` for the ``with`` block: they are taken out (with
    their tails) and put back in the reverse order, each at its index, so ``tree`` is the
    same after; one inside a block taken out is taken out of that block and put back too.
    None when there is nothing to take out (the page is its own markup already: a third of
    the shared pages with a markup date, whose second htmldate pass is skipped)."""
    taken = []
    for element in elsewhere(tree):
        parent = element.getparent()
        if parent is not None:  # None: the root, or an element listed twice (already out)
            taken.append((parent, parent.index(element), element))
            parent.remove(element)
    try:
        yield tree if taken else None
    finally:
        for parent, index, element in reversed(taken):
            parent.insert(index, element)


def markup_date(tree: HtmlElement, url: str | None) -> Dated:
    """htmldate's answer (``pipelines.htmldate_markup.find_page_date``), original date: from
    the markup (meta tags, JSON-LD, date elements, ``<time>``: source ``markup``), or from
    the text only where it heads the text (``heads_the_text``: a dateline above the first
    paragraph of running text, source ``page-text``; a date in the body is an event's); and a
    first of the month only when the page states that very day (``states_day``).

    htmldate fills a missing day with 1 (and a missing month with January): a year-month
    ("2024-02", "March 2024"), an impossible day ("2024-02-30" → its "2024-02"), a partial URL
    date and a ``copyrightYear`` meta all came back as the 1st. Its other answers carry the
    day they read."""
    try:
        found, kind = find_page_date(tree, url, MIN_PUBLISHED, date.today())
    except (ValueError, TypeError):  # htmldate rejects some odd trees
        return Dated()
    if found is None or kind == "headline" or kind == "text" and not heads_the_text(
            tree, found, _OTHER_TIME):
        return Dated()  # a headline's date is the event's, as is one in the body
    if found.endswith("-01") and not states_day(tostring(tree, encoding="unicode"), found):
        return Dated()
    return Dated(found, "markup" if kind == "markup" else "page-text")


def url_date(url: str | None) -> str | None:
    """A full date in the URL path (/2005-03-21/, /20050513/), else None."""
    path = _URL_HOST.sub("", url or "")
    for match in _URL_DATE.finditer(path):
        day = _valid_day(match[1], match[3], match[4])
        if day:
            return day
    return None


def dateline(tree: HtmlElement, title: str) -> str | None:
    """The first date within DATELINE_WINDOW chars after the headline that the page labels as
    its publication date (a label just before it, or a clock time just after it), and not as
    another time (``_OTHER_TIME``: updated, the incident's, the verdict's…)."""
    body = tree.find("body")
    if body is None:
        return None
    text = _SPACE.sub(" ", body.text_content())
    headline = max(_TITLE_SUFFIX.split(_SPACE.sub(" ", title).strip()), key=len)
    start = text.find(headline[:DATELINE_TITLE_CHARS]) if headline else -1
    if start < 0:
        return None
    for match in _TEXT_DATE.finditer(text, start, start + DATELINE_WINDOW):
        before = text[max(start, match.start() - LABEL_CHARS):match.start()]
        after = text[match.end():match.end() + LABEL_CHARS]
        if not (_LABEL.search(before) or _CLOCK.match(after)) or _OTHER_TIME.search(before):
            continue
        day = _valid_day(match[1], match[2], match[3])
        if day:
            return day
    return None


def _valid_day(year: str, month: str, day: str) -> str | None:
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return value.isoformat() if MIN_PUBLISHED <= value <= date.today() else None


def _days_apart(a: str, b: str) -> float:
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)
    except ValueError:
        return float("inf")


def same_day(a: str | None, b: str | None) -> bool:
    """Both dated and on one calendar day, whatever the precision of each."""
    return day_of(a) is not None and day_of(a) == day_of(b)


def sort_key(value: str | None, length: int = 0) -> tuple:
    """Order of publication at the precision both values have: by day; within a day a
    timestamp before a date-only value; then the longer copy first. Undated last."""
    day = day_of(value)
    if day is None:
        return (1, date.max, 1, "", -length)
    timed = value is not None and len(value) > 10
    return (0, day, 0 if timed else 1, value if timed else "", -length)


def robust_first(values: Sequence[str | None]) -> str | None:
    """The earliest value of a story's copies, ignoring one copy more than OUTLIER_DAYS before
    all the others (with three or more dated copies, the earliest is an outlier when the next one
    is that far after it)."""
    dated = sorted((v for v in values if day_of(v) is not None), key=sort_key)
    if len(dated) >= 3 and _days_apart(dated[0], dated[1]) > OUTLIER_DAYS:
        dated = dated[1:]
    return dated[0] if dated else None


def trusted(values: Sequence[str | None]) -> list[str | None]:
    """``values`` (one per copy, same order) with the copy ``robust_first`` ignores as None, so a
    story's representative (earliest published) agrees with its first publication."""
    first = robust_first(values)
    if first is None:
        return list(values)
    return [v if day_of(v) is None or sort_key(v)[:4] >= sort_key(first)[:4] else None
            for v in values]


def sortable(value: str | None) -> str | None:
    """``value`` as a string whose plain order is ``sort_key``'s day order: a date-only value
    sorts after every timestamp of its day (for code that compares strings, e.g. a story's
    representative copy)."""
    return value + "T99" if value and len(value) == 10 else value
