"""htmldate's steps, told apart: a date the page's markup states, or one htmldate read in its text.

``htmldate.find_date`` with ``extensive_search=False`` still reads free text once its markup
steps find nothing: a ``YYYY-MM-DD HH:MM:SS`` anywhere in the page, dates in image names, its
"idiosyncrasies" patterns ("发布时间：…"), then any bare ``YYYY-MM-DD`` in the text. On the
shared pages that text date is mostly the page's own dateline (29 of the 31 pages where only
text steps found a date were right); but a date in an article's body names an event ("Under
the law of 2021-01-01…", "该案于2023-05-12开庭审理") and became ``published`` over the
record's own date. ``find_page_date`` runs ``find_date``'s steps in its order with its own
functions and says which kind found the date, so that ``pipelines.dates`` can hold a text
date to where a dateline stands (``heads_the_text``) and refuse a headline's. Measured with
``python -m bench.extraction``: correct days 176 → 175 (naeb), 40 → 39 (wce), 103 → 102
(evaldata), the other sets the same; the two wrong text dates (gne, a sidebar's) are gone.

These are htmldate's internal functions (checked against 1.11: pyproject pins the minor
version; tests/test_dates.py fails if a step moves). Also here: its dateutil fall-back gets a
fixed default (``_parse_with_fixed_default``).
"""
from __future__ import annotations

import re
from copy import deepcopy
from datetime import date, datetime

import htmldate.extractors
from dateutil.parser import parse as dateutil_parse
from htmldate.core import (
    TIMESTAMP_LOOSE_PATTERN,
    TIMESTAMP_PATTERN,
    date_candidates,
    examine_abbr_elements,
    examine_elements,
    examine_header,
    examine_time_elements,
    serialize,
)
from htmldate.extractors import (
    discard_unwanted,
    extract_url_date,
    idiosyncrasies_search,
    img_search,
    json_search,
    pattern_search,
)
from htmldate.settings import CLEANING_LIST
from htmldate.utils import Extractor, clean_html
from htmldate.validators import get_max_date, get_min_date
from lxml.html import HtmlElement

# What dateutil fills in when a string lacks a part: January 1st of year 1, never today.
FILL_DEFAULT = datetime(1, 1, 1)


def _parse_with_fixed_default(timestr, *args, **kwargs):
    """``dateutil.parser.parse`` with FILL_DEFAULT as its default, as htmldate's fall-back.

    htmldate hands strings that are not ISO dates ("2024-02", "2024/03", "2024") to dateutil
    without a default, and dateutil fills the missing parts from *today*: "2024-02" became
    2024-02-<today's day>, a year alone 2024-<this month>-<today>. The answer changed with
    the day it ran (the year-month pages of tests/test_dates.py were refused on the 1st of a
    month and dated on the 2nd). With FILL_DEFAULT a missing day is the 1st, which
    ``pipelines.dates.markup_date`` refuses unless the page states it, and a missing year is
    year 1, below any ``min_date``. Set when this module is imported, before any date is read
    (htmldate caches its answers per string)."""
    kwargs.setdefault("default", FILL_DEFAULT)
    return dateutil_parse(timestr, *args, **kwargs)


htmldate.extractors.dateutil_parse = _parse_with_fixed_default


def find_page_date(tree: HtmlElement, url: str | None, min_date: date,
                   max_date: date) -> tuple[str | None, str | None]:
    """(``YYYY-MM-DD``, "markup", "headline" or "text") from the first of htmldate's fast-mode steps that
    finds a date within [``min_date``, ``max_date``] (original, not modified dates), or
    (None, None). Markup: the URL, meta tags, JSON-LD, ``<abbr>``, date-bearing elements (date
    classes and ids), ``<time>``. Headline: the title and ``<h1>``. Text: timestamps in the
    page, image names, htmldate's labelled patterns, a bare date in the text. ``tree`` is not changed
    (the later steps read a pruned copy, as ``find_date`` does)."""
    options = Extractor(False, get_max_date(max_date.isoformat()),
                        get_min_date(min_date.isoformat()), True, "%Y-%m-%d")
    if url is None:  # find_date probes the canonical link
        link = tree.find('.//link[@rel="canonical"]')
        url = link.get("href") if link is not None else None
    found = (extract_url_date(url, options) or examine_header(tree, options)
             or json_search(tree, options) or examine_abbr_elements(tree, options))
    if found is not None:
        return found, "markup"
    pruned = deepcopy(tree)
    try:
        pruned = discard_unwanted(clean_html(pruned, CLEANING_LIST))
    except ValueError:  # lxml refuses some control characters: read it unpruned, as htmldate
        pass
    found = examine_elements(date_candidates(pruned, False), options)
    if found is None and (headings := pruned.xpath(".//title|.//h1")):
        found = examine_elements(headings, options)
        if found is not None:
            return found, "headline"
    found = found or examine_time_elements(pruned, options)
    if found is not None:
        return found, "markup"
    markup = serialize(pruned)
    found = (pattern_search(markup, TIMESTAMP_PATTERN, options) or img_search(pruned, options)
             or idiosyncrasies_search(markup, options))
    if found is None:
        clean_html(pruned, ["script", "style"])
        found = pattern_search(" ".join(pruned.itertext()), TIMESTAMP_LOOSE_PATTERN, options)
    return (found, "text") if found is not None else (None, None)


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def states_day(markup: str, day: str) -> bool:
    """Whether ``markup`` writes the date ``day`` (``YYYY-MM-DD``) with its day: Y-M-D or
    D-M-Y or M/D/Y with - / . separators, YYYYMMDD, 2024年3月1日, 1 March 2024, March 1st, 2024."""
    return _day_pattern(day).search(markup) is not None


def _day_pattern(day: str) -> re.Pattern:
    """``states_day``'s pattern for ``day``."""
    year, month, dom = day.split("-")
    m, d = f"0?{int(month)}", f"0?{int(dom)}"
    name = _MONTHS[int(month) - 1] + r"[a-z]*\.?"
    pattern = (rf"(?<!\d){year}\s*[-/.]\s*{m}\s*[-/.]\s*{d}(?!\d)|(?<!\d){year}{month}{dom}(?!\d)"
               rf"|(?<!\d){d}\s*[-/.]\s*{m}\s*[-/.]\s*{year}(?!\d)|(?<!\d){m}/{d}/{year}(?!\d)"
               rf"|{year}\s*年\s*{m}\s*月\s*{d}\s*日"
               rf"|(?<!\d){d}(?:st|nd|rd|th)?\.?\s+{name}\s*,?\s*{year}(?!\d)"
               rf"|\b{name}\s+{d}(?:st|nd|rd|th)?\s*,?\s*{year}(?!\d)")
    return re.compile(pattern, re.I)


# A paragraph this long (a CJK character counting two) is running text, not a byline or a
# dateline ("By Jane Doe | Published 2005-04-05 10:20" is 41, "2005年05月13日14:15 来源：搜狐汽车"
# 40): 30 Chinese characters, a sentence of English.
RUNNING_TEXT_WEIGHT = 60
LABEL_CHARS = 14  # how far before a date its label is looked for (here and in dates.dateline)
_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def heads_the_text(tree: HtmlElement, day: str, other_label: re.Pattern | None = None) -> bool:
    """Whether the page writes ``day`` (``YYYY-MM-DD``; the forms ``states_day`` knows) in its
    body text before its first paragraph of running text (a ``<p>`` of RUNNING_TEXT_WEIGHT),
    and not right after ``other_label`` (within LABEL_CHARS: "更新时间：", "Updated"): where
    a dateline stands. A page without such a paragraph (old table layouts) cannot tell and is
    believed, as before; a day found only in attributes, image names or the ``<title>`` is
    not written there."""
    body = tree.find("body")
    if body is None:
        return False
    text = _SPACE.sub(" ", body.text_content())
    written = _day_pattern(day).search(text)
    if written is None or other_label is not None and other_label.search(
            text[max(0, written.start() - LABEL_CHARS):written.start()]):
        return False
    for paragraph in body.iter("p"):
        words = _SPACE.sub(" ", paragraph.text_content()).strip()
        if len(words) + len(_CJK.findall(words)) >= RUNNING_TEXT_WEIGHT:
            start = text.find(words[:40])
            return start < 0 or written.start() < start
    return True
