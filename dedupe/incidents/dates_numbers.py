"""Date and number evidence keys (``date:``, ``num:``, ``approx:``, ``pct:``; see ``.evidence``).

Speed (issue 15): each pattern starts with a character class where it can (``\\d`` rather
than ``\\b`` or a look-behind, whose test moves behind the first digit), or else with a
look-ahead on the characters a match can start with. ``re`` then skips to candidate
characters in C instead of trying the whole pattern at every position: the date and number
scans went from ~3 ms to ~0.7 ms per article on the 20k text set. Every rewritten pattern
matches exactly what its plain form matches (tests/test_incident_fast_paths.py checks them
against the plain forms).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING

import daachorse

from .scan_places import DigitRuns, mask, matches_at

if TYPE_CHECKING:
    from .evidence import Evidence

MIN_NUMBER = 10
APPROX_FROM = 1000
# Numbers this long (digits before the point) are no amount of any event (the world's GDP in
# yuan has 15): a run of 5,000 digits, or 九 followed by 1,200 万, would also exceed Python's
# int/str conversion limit (4,300 digits) and stop the run. Left out as evidence.
MAX_NUMBER_DIGITS = 24
ZH_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
EN_MULTIPLIERS = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
                  "bn": 10**9, "mn": 10**6}
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
# A Chinese-numeral count is only read when a measure word follows (二十三名, 一千余人): runs of
# numerals also occur inside words (十分 "very", 一一).
CN_MEASURES = "名人元件起个辆户家次岁台部张条栋段万亿余多"
MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
WEEKDAYS = {d: i for i, d in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
ZH_RELATIVE_DAYS = {"前天": -2, "前日": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0}
EN_RELATIVE_DAYS = {"yesterday": -1, "today": 0}

_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
# In the comments, the plain form each pattern matches exactly as.
# (?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]
_ZH_DATE = re.compile(r"(?=\d)(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_ZH_DATE_GATE = re.compile(r"月\s*\d")  # in every _ZH_DATE match; found by a literal search
# Where a _ZH_DATE match can start: a year (\d{4}\s*年) or a month (\d{1,2}\s*月); one digit
# per match, so that overlapping starts (12月: at 1 and at 2) are all found.
# Where _ZH_DATE can start: a year (\d{4}\s*年) or a month (\d{1,2}\s*月) ends a run of digits,
# so four, two or one digits before its end (``DigitRuns``).
# (?<![\d月])(\d{1,2})\s*日 -- "20日上午": this month's 20th
_ZH_DAY = re.compile(r"(\d(?<![\d月]\d)\d?)\s*日")
# (?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)
_ISO_DATE = re.compile(r"(\d(?<!\d\d)\d{3})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_EN_DATE_MD = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?", re.I)
# \b(\d{1,2})(?:st|nd|rd|th)?\s+MONTH\b(?:,?\s+(\d{4}))?
_EN_DATE_DM = re.compile(r"(\d(?<!\w\d)\d?)(?:st|nd|rd|th)?\s+" + _MONTH + r"\b(?:,?\s+(\d{4}))?",
                         re.I)
_YEAR_MONTH = re.compile(r"(?=[\djfmasond])(?:\d{4}\s*年\s*\d{1,2}\s*月|\b" + _MONTH
                         + r"\s+\d{4}\b|\d{4}\s*年)", re.I)
# _YEAR_MONTH in a text without 年: its other two branches need one
_MONTH_YEAR = re.compile(r"(?=[jfmasond])\b" + _MONTH + r"\s+\d{4}\b", re.I)
# \b(last|next|this|on|since|from|by)?\s*(monday|…|sunday)\b: a match starts with a space, a
# prefix word or a weekday
WEEKDAY_PREFIXES = ("last", "next", "this", "on", "since", "from", "by")
_WEEKDAY = re.compile(r"(?=[\sbflmnostw])\b(" + "|".join(WEEKDAY_PREFIXES) + r")?\s*(monday|tuesday|"
                      r"wednesday|thursday|friday|saturday|sunday)\b", re.I)
_PREFIX_LENGTHS = sorted(set(map(len, WEEKDAY_PREFIXES)))
_ZH_RELATIVE = re.compile("|".join(ZH_RELATIVE_DAYS) + r"(?!头条)")
_EN_RELATIVE = re.compile(r"(?=[yt])\b(yesterday|today)\b", re.I)
# \d{1,2}:\d{2}|\d{1,2}\s*(?:a\.?m\.?|p\.?m\.?)\b|\d{1,2}\s*[时点]\s*(?:\d{1,2}\s*分)?
_TIME = re.compile(r"\d(?:\d?:\d{2}|\d?\s*(?:a\.?m\.?|p\.?m\.?)\b|\d?\s*[时点]\s*(?:\d{1,2}\s*分)?)",
                   re.I)
# Where Latin date patterns can start: month abbreviations (every month name begins with
# one), weekday names, yesterday/today.
KEYWORDS = (*MONTHS, *WEEKDAYS, *EN_RELATIVE_DAYS)
_KEYWORDS = daachorse.CharwiseDoubleArrayAhoCorasick(list(KEYWORDS))
_CASE_SENSITIVE = {p: re.compile(p.pattern, p.flags & ~re.I)
                   for p in (_EN_DATE_MD, _EN_DATE_DM, _YEAR_MONTH, _MONTH_YEAR, _WEEKDAY,
                             _EN_RELATIVE, _TIME)}
# Digits with a Chinese multiplier (6万, 1.2亿, 12万余); read first and blanked, so that the plain
# pattern below does not also read "120" out of 120万.
# (?<![A-Za-z0-9_.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*[余多]?\s*([十百千万亿]+)
_ZH_NUMBER = re.compile(r"(\d(?<![A-Za-z0-9_.]\d)\d*(?:,\d{3})*(?:\.\d+)?)\s*[余多]?\s*"
                        r"([十百千万亿]+)")
_ZH_MULTIPLIER = re.compile("[十百千万亿]")
# (?<![A-Za-z0-9_.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(%|percent\b|per cent\b)?(?:\s*(…)\b)?
_EN_NUMBER = re.compile(r"(\d(?<![A-Za-z0-9_.,]\d)(?:\d{0,2}(?:,\d{3})+|\d*))(\.\d+)?"
                        r"\s*(%|percent\b|per cent\b)?"
                        r"(?:\s*(thousand|million|billion|trillion|bn|mn)\b)?", re.I)
# [零〇一二两三四五六七八九十百千万亿]{2,}(?=[CN_MEASURES])
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万亿][零〇一二两三四五六七八九十百千万亿]+"
                        r"(?=[" + CN_MEASURES + "])")


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _with_year(year: str | None, month: int, day: int, published: date | None) -> date | None:
    """A yearless date takes the publication year, or the year before if that would put it more
    than a month after publication (a January report on "December 28")."""
    if year:
        return _valid_date(int(year), month, day)
    if published is None:
        return None
    found = _valid_date(published.year, month, day)
    if found and found > published + timedelta(days=31):
        found = _valid_date(published.year - 1, month, day)
    return found


def parse_published(published: str | None) -> date | None:
    """The date part of an ISO 8601 timestamp, or None."""
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def _lowered(text: str) -> tuple[str, dict[re.Pattern, re.Pattern]]:
    """(the text lower-cased, each case-insensitive pattern → its case-sensitive form): a
    case-sensitive scan of lower-case text is 2-5× faster than ``re.I``. Offsets must stay those
    of ``text``, so a text whose lower case changes length (İ → i̇) keeps its ``re.I`` scans."""
    low = text.lower()
    if len(low) != len(text):
        return text, {}
    return low, _CASE_SENSITIVE


def keywords_in(low: str) -> dict[str, list[int]]:
    """Each of ``KEYWORDS`` that occurs in the lower-cased ``low`` → where it starts, in
    order."""
    found: dict[str, list[int]] = {}
    for start, _, index in _KEYWORDS.find_overlapping(low):
        found.setdefault(KEYWORDS[index], []).append(start)
    return found


def weekday_starts(low: str, words: dict[str, list[int]]) -> list[int]:
    """Where a ``_WEEKDAY`` match can start in ``low`` (``words``: ``keywords_in(low)``): at a
    weekday's name, at the start of the whitespace before it (the position after a word is a
    word boundary), or a prefix word's length before that ("last", "on" … end where that
    whitespace starts). Scanning the whole text for it took a quarter of date extraction."""
    starts: set[int] = set()
    for day in WEEKDAYS:
        for at in words.get(day, ()):
            space = at
            while space and low[space - 1].isspace():
                space -= 1
            starts.update((at, space, *(space - n for n in _PREFIX_LENGTHS if space >= n)))
    return sorted(starts)


def extract_dates(text: str, published: date | None, out: Evidence,
                  runs: DigitRuns | None = None) -> str:
    """Add ``date:`` keys; return the text with date and time expressions blanked.

    Each pattern runs only on text that can hold its match (月 and a digit after it for Chinese
    dates, 日 for days, a month's or weekday's name for Latin dates and weekdays), the Latin
    ones on the lower-cased text; a pattern whose every match starts at a keyword (a month's
    abbreviation, "yesterday", "today") is tried only where one does, as found by one
    Aho-Corasick pass. Surfaces are always cut from ``text`` itself."""
    spans: list[tuple[int, int]] = []
    low, sensitive = _lowered(text)
    # keyword → where it occurs; None where the text keeps its re.I scans (under re.I a
    # dotless ı matches i): there every pattern scans the whole text
    words = keywords_in(low) if sensitive else None

    def holds(*keys: str) -> bool:
        """Can a match that holds one of ``keys`` occur?"""
        return words is None or any(key in words for key in keys)

    def scan(pattern: re.Pattern, *starts_at: str, also: list[int] | None = None
             ) -> Iterator[re.Match]:
        """``pattern``'s matches in the lower-cased text (``starts_at``: keywords every match
        that does not start at one of ``also`` starts at)."""
        pattern = sensitive.get(pattern, pattern)
        if words is None or not starts_at:
            return pattern.finditer(low)
        starts = [s for key in starts_at for s in words.get(key, ())] + (also or [])
        return matches_at(pattern, low, sorted(starts))

    if runs is None:  # the digits of text and low are at the same places
        runs = DigitRuns.of(text)
    if "月" in text and _ZH_DATE_GATE.search(text):
        for match in matches_at(_ZH_DATE, text, runs.zh_dates):
            found = _with_year(match.group(1), int(match.group(2)), int(match.group(3)),
                               published)
            spans.append(match.span())
            if found:
                out.add(f"date:{found.isoformat()}", match.group(0))
    if "日" in text:
        # blanking Chinese dates (which end with 日/号) starts no run of digits
        for match in matches_at(_ZH_DAY, mask(text, spans), runs.starts):
            spans.append(match.span())
            day = int(match.group(1))
            if published is None:
                continue
            found = _valid_date(published.year, published.month, day)
            if found and found > published + timedelta(days=3):
                prev = published.replace(day=1) - timedelta(days=1)
                found = _valid_date(prev.year, prev.month, day)
            if found:
                out.add(f"date:{found.isoformat()}", match.group(0))
    for match in matches_at(_ISO_DATE, text, runs.iso_dates(text)):
        found = _valid_date(*map(int, match.groups()))
        spans.append(match.span())
        if found:
            out.add(f"date:{found.isoformat()}", match.group(0))
    month_day = ((m, 1, 2) for m in scan(_EN_DATE_MD, *MONTHS))
    day_month = (((m, 2, 1) for m in matches_at(sensitive.get(_EN_DATE_DM, _EN_DATE_DM), low,
                                                  runs.short_starts)) if holds(*MONTHS) else ())
    for match, month_at, day_at in chain(month_day, day_month):
        month = MONTHS[match.group(month_at).lower()[:3]]
        found = _with_year(match.group(3), month, int(match.group(day_at)), published)
        spans.append(match.span())
        if found:
            out.add(f"date:{found.isoformat()}", text[match.start():match.end()])
    if "年" in text:
        spans += [m.span() for m in scan(_YEAR_MONTH, *MONTHS, also=runs.years)]
    else:
        spans += [m.span() for m in scan(_MONTH_YEAR, *MONTHS)]
    spans += [m.span() for m in matches_at(sensitive.get(_TIME, _TIME), low, runs.times(low))]
    if published is not None:
        if holds(*WEEKDAYS):
            weekdays = (scan(_WEEKDAY) if words is None  # scan() keeps re.I there
                        else matches_at(sensitive[_WEEKDAY], low, weekday_starts(low, words)))
            for match in weekdays:
                if (match.group(1) or "").lower() in ("next", "this"):
                    continue  # may lie ahead of the publication date
                back = (published.weekday() - WEEKDAYS[match.group(2).lower()]) % 7
                out.add(f"date:{(published - timedelta(days=back)).isoformat()}",
                        text[match.start():match.end()])
        for match in _ZH_RELATIVE.finditer(text):
            shift = ZH_RELATIVE_DAYS[match.group(0)]
            out.add(f"date:{(published + timedelta(days=shift)).isoformat()}", match.group(0))
        for match in scan(_EN_RELATIVE, *EN_RELATIVE_DAYS):
            shift = EN_RELATIVE_DAYS[match.group(1).lower()]
            out.add(f"date:{(published + timedelta(days=shift)).isoformat()}",
                    text[match.start():match.end()])
    return mask(text, spans)


def _format_number(value: Decimal) -> str:
    value = value.normalize()
    return str(int(value)) if value == value.to_integral_value() else format(value, "f")


def number_keys(value: Decimal, percent: bool = False) -> tuple[str, ...]:
    """The keys of one number: ``pct:`` for a percentage, else ``num:`` (from MIN_NUMBER)
    and its ``approx:`` (from APPROX_FROM); none for a value of MAX_NUMBER_DIGITS or more."""
    if not value.is_finite() or value.adjusted() >= MAX_NUMBER_DIGITS:
        return ()  # no amount (MAX_NUMBER_DIGITS); adjusted() reads the exponent, no conversion
    if percent:
        return (f"pct:{_format_number(value)}",)
    if value < MIN_NUMBER:
        return ()
    key = f"num:{_format_number(value)}"
    approx = approx_key(key)
    return (key, approx) if approx else (key,)


def _add_keys(keys: tuple[str, ...], surface: str, out: Evidence) -> None:
    for key in keys:
        out.add(key, surface)


def approx_key(num_key: str) -> str | None:
    """``num:3460000`` → ``approx:3500000`` (two significant digits), None below APPROX_FROM."""
    value = Decimal(num_key.split(":", 1)[1])
    if value < APPROX_FROM:
        return None
    digits = len(str(int(value)))
    return f"approx:{_format_number(Decimal(round(value, -(digits - 2))))}"


def parse_cn_numeral(text: str) -> int | None:
    """一千二百 → 1200, 二十三 → 23, 两万 → 20000, 十五 → 15; None if malformed."""
    total, section, digit = 0, 0, None
    for char in text:
        if char in CN_DIGITS:
            if digit is not None:
                return None  # two digits in a row: 一一, not a number
            digit = CN_DIGITS[char]
        elif char in ("十", "百", "千"):
            section += (1 if digit is None else digit) * ZH_MULTIPLIERS[char]
            digit = None
        elif char in ("万", "亿"):
            section += digit or 0
            total = (total + section) * ZH_MULTIPLIERS[char]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


# Numbers repeat within and across reports (years, counts, "1.5 million"): each distinct
# match is read into keys once (Decimal arithmetic was a third of number extraction).
@lru_cache(maxsize=1 << 14)
def _zh_number_keys(digits: str, multipliers: str) -> tuple[str, ...] | None:
    """Keys of a ``_ZH_NUMBER`` match's groups; None if the digits are no number."""
    try:
        value = Decimal(digits.replace(",", ""))
    except InvalidOperation:
        return None
    for char in multipliers:
        value *= ZH_MULTIPLIERS[char]
    return number_keys(value)


@lru_cache(maxsize=1 << 14)
def _en_number_keys(digits: str, fraction: str, percent: str, multiplier: str) -> tuple[str, ...]:
    """Keys of an ``_EN_NUMBER`` match's groups ("" for a group that took no part)."""
    value = Decimal(digits.replace(",", "") + fraction)
    if multiplier:
        value *= EN_MULTIPLIERS[multiplier.lower()]
    elif not percent and "," not in digits and 1900 <= value <= 2100 and not fraction:
        return ()  # a year
    return number_keys(value, percent=bool(percent))


@lru_cache(maxsize=1 << 14)
def _cn_number_keys(numeral: str) -> tuple[str, ...]:
    value = parse_cn_numeral(numeral)
    if value is None or value.bit_length() > 4 * MAX_NUMBER_DIGITS:  # before Decimal(int)
        return ()
    return number_keys(Decimal(value))


def extract_numbers(text: str, out: Evidence, starts: list[int] | None = None) -> None:
    """Add ``num:``/``approx:``/``pct:`` keys from Arabic and Chinese numerals in any language
    (``starts``: ``DigitRuns.of(text).starts`` if the caller has them)."""
    spans = []
    # both patterns start with a digit that follows no digit; blanking a Chinese amount (which
    # ends with its multiplier) starts no run of digits
    if starts is None:
        starts = DigitRuns.of(text).starts
    if _ZH_MULTIPLIER.search(text):  # every Chinese amount has one; most English texts none
        for match in matches_at(_ZH_NUMBER, text, starts):
            keys = _zh_number_keys(*match.groups())
            if keys is not None:
                spans.append(match.span())
                _add_keys(keys, match.group(0), out)
        text = mask(text, spans)
    for match in matches_at(_EN_NUMBER, text, starts):
        if keys := _en_number_keys(*match.groups("")):
            _add_keys(keys, match.group(0), out)
    for numeral in _CN_NUMBER.findall(text):
        if keys := _cn_number_keys(numeral):
            _add_keys(keys, numeral, out)
