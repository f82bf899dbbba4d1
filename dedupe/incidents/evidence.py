"""Language-independent evidence of what a report is about, as keys both languages share.

Kinds of key (the prefix is the kind):
  num:60000        a number or amount, multipliers applied: 6万元 = 60,000 yuan = 60000;
                   1200余 / "more than 1,200" = 1200. Values below ``MIN_NUMBER`` are left out:
                   "3 years", "two men" match every other case.
  approx:3500000   the same number rounded to two significant digits (≥ 1000 only), so that
                   "3.46 million" and 350万 still meet; weighted lower than an exact number.
  pct:6.3          a percentage.
  date:2023-06-20  a calendar date: 2023年6月20日, 6月20日 (year from publication), June 20, 2023,
                   20 June, 2023-06-20, and relative days resolved against the publication date
                   (昨天 / yesterday, "on Tuesday").
  ent:hangzhou     a named entity in the shared Latin key space of ``.bilingual``.
  term:deepfake    a key term from ``bilingual.TERMS`` (AI换脸 ↔ face-swap ↔ deepfake).

``Evidence.keys`` are solid; ``Evidence.probes`` are guesses (a Chinese name cut at two or three
characters, a place name CEDICT lacks) that only count when the other report has the same key
solid. Each key keeps the first surface form it came from, for ``explain``.

Input text is NFKC-folded here; converting Traditional to Simplified is the caller's job (the
pipeline uses opencc), since this package does no I/O and loads no converters.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import ahocorasick

from .bilingual import (
    COMMON_SURNAMES,
    GENERIC_NAMES,
    NAME_CONNECTORS,
    NAME_CUES,
    NAMED_BODIES,
    STOP_CAPS,
    TERMS,
    Lexicon,
    latin_key,
    name_pinyin,
    place_pinyin,
    segment_proper,
)

MIN_NUMBER = 10
TEASER_ENDINGS = ("…", "...")
APPROX_FROM = 1000
MAX_PHRASE_WORDS = 5  # longest English name span turned into a key
SENTENCE_ENDS = tuple('.!?:;"“”‘’(—–-')
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
_ZH_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_ZH_DAY = re.compile(r"(?<![\d月])(\d{1,2})\s*日")  # "20日上午": this month's 20th
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_EN_DATE_MD = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?", re.I)
_EN_DATE_DM = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"\b(?:,?\s+(\d{4}))?", re.I)
_YEAR_MONTH = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月|\b" + _MONTH + r"\s+\d{4}\b|\d{4}\s*年", re.I)
_WEEKDAY = re.compile(r"\b(last|next|this|on|since|from|by)?\s*(monday|tuesday|wednesday|thursday|"
                      r"friday|saturday|sunday)\b", re.I)
_ZH_RELATIVE = re.compile("|".join(ZH_RELATIVE_DAYS) + r"(?!头条)")
_EN_RELATIVE = re.compile(r"\b(yesterday|today)\b", re.I)
_TIME = re.compile(r"\d{1,2}:\d{2}|\d{1,2}\s*(?:a\.?m\.?|p\.?m\.?)\b"
                   r"|\d{1,2}\s*[时点]\s*(?:\d{1,2}\s*分)?",
                   re.I)
_CASE_SENSITIVE = {p: re.compile(p.pattern, p.flags & ~re.I)
                   for p in (_EN_DATE_MD, _EN_DATE_DM, _YEAR_MONTH, _WEEKDAY, _EN_RELATIVE, _TIME)}
# Digits with a Chinese multiplier (6万, 1.2亿, 12万余); read first and blanked, so that the plain
# pattern below does not also read "120" out of 120万.
_ZH_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*[余多]?\s*([十百千万亿]+)")
_EN_NUMBER = re.compile(r"(?<![A-Za-z0-9_.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
                        r"\s*(%|percent\b|per cent\b)?"
                        r"(?:\s*(thousand|million|billion|trillion|bn|mn)\b)?", re.I)
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万亿]{2,}(?=[" + CN_MEASURES + "])")
_LATIN_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_SPLIT_WORDS = re.compile("(" + _LATIN_TOKEN.pattern + ")")  # split: gap, word, gap, word …
_SURNAME_PATTERN = re.compile("([" + COMMON_SURNAMES + "])(?:某某|某|先生|女士|姓)")
_CUED_NAME = re.compile("(?:" + "|".join(NAME_CUES) + ")([" + COMMON_SURNAMES +
                        r"][\u4e00-\u9fff]{1,2})")
_PLACE = re.compile(r"([\u4e00-\u9fff]{2})(?:市|县|区|镇)")


@dataclass
class Evidence:
    """Keys of one report (or the union over a story's copies): key → first surface form."""

    keys: dict[str, str] = field(default_factory=dict)
    probes: dict[str, str] = field(default_factory=dict)

    def add(self, key: str, surface: str, solid: bool = True) -> None:
        target = self.keys if solid else self.probes
        target.setdefault(key, surface.strip())

    def update(self, other: Evidence) -> None:
        for key, surface in other.keys.items():
            self.keys.setdefault(key, surface)
        for key, surface in other.probes.items():
            self.probes.setdefault(key, surface)

    def finish(self) -> Evidence:
        """Drop probes that are also solid; sort, so equal input gives equal output."""
        probes = {k: v for k, v in self.probes.items() if k not in self.keys}
        return Evidence(dict(sorted(self.keys.items())), dict(sorted(probes.items())))


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """Blank out spans already read (a date's digits are not also amounts)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


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


def extract_dates(text: str, published: date | None, out: Evidence) -> str:
    """Add ``date:`` keys; return the text with date and time expressions blanked.

    Each pattern runs only on text that can hold its match (月 for Chinese dates, 日 for days,
    "day" for weekdays and relative days), the Latin ones on the lower-cased text; surfaces are
    always cut from ``text`` itself."""
    spans: list[tuple[int, int]] = []
    low, sensitive = _lowered(text)

    def scan(pattern: re.Pattern, where: str = low):
        return sensitive.get(pattern, pattern).finditer(where)

    if "月" in text:
        for match in _ZH_DATE.finditer(text):
            found = _with_year(match.group(1), int(match.group(2)), int(match.group(3)),
                               published)
            spans.append(match.span())
            if found:
                out.add(f"date:{found.isoformat()}", match.group(0))
    if "日" in text:
        masked = _mask(text, spans) if spans else text
        for match in _ZH_DAY.finditer(masked):
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
    for match in _ISO_DATE.finditer(text):
        found = _valid_date(*map(int, match.groups()))
        spans.append(match.span())
        if found:
            out.add(f"date:{found.isoformat()}", match.group(0))
    for pattern, month_at, day_at in ((_EN_DATE_MD, 1, 2), (_EN_DATE_DM, 2, 1)):
        for match in scan(pattern):
            month = MONTHS[match.group(month_at).lower()[:3]]
            found = _with_year(match.group(3), month, int(match.group(day_at)), published)
            spans.append(match.span())
            if found:
                out.add(f"date:{found.isoformat()}", text[match.start():match.end()])
    spans += [m.span() for m in scan(_YEAR_MONTH)]
    spans += [m.span() for m in scan(_TIME)]
    if published is not None:
        if "day" in low:  # every weekday, "yesterday" and "today"
            for match in scan(_WEEKDAY):
                if (match.group(1) or "").lower() in ("next", "this"):
                    continue  # may lie ahead of the publication date
                back = (published.weekday() - WEEKDAYS[match.group(2).lower()]) % 7
                out.add(f"date:{(published - timedelta(days=back)).isoformat()}",
                        text[match.start():match.end()])
        for match in _ZH_RELATIVE.finditer(text):
            shift = ZH_RELATIVE_DAYS[match.group(0)]
            out.add(f"date:{(published + timedelta(days=shift)).isoformat()}", match.group(0))
        if "day" in low:
            for match in scan(_EN_RELATIVE):
                shift = EN_RELATIVE_DAYS[match.group(1).lower()]
                out.add(f"date:{(published + timedelta(days=shift)).isoformat()}",
                        text[match.start():match.end()])
    return _mask(text, spans) if spans else text


def _format_number(value: Decimal) -> str:
    value = value.normalize()
    return str(int(value)) if value == value.to_integral_value() else format(value, "f")


def _add_number(value: Decimal, surface: str, out: Evidence, percent: bool = False) -> None:
    if percent:
        out.add(f"pct:{_format_number(value)}", surface)
        return
    if value < MIN_NUMBER:
        return
    key = f"num:{_format_number(value)}"
    out.add(key, surface)
    approx = approx_key(key)
    if approx:
        out.add(approx, surface)


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


def extract_numbers(text: str, out: Evidence) -> None:
    """Add ``num:``/``approx:``/``pct:`` keys from Arabic and Chinese numerals in any language."""
    spans = []
    for match in _ZH_NUMBER.finditer(text):
        digits, multipliers = match.groups()
        try:
            value = Decimal(digits.replace(",", ""))
        except InvalidOperation:
            continue
        for char in multipliers:
            value *= ZH_MULTIPLIERS[char]
        spans.append(match.span())
        _add_number(value, match.group(0), out)
    text = _mask(text, spans)
    for match in _EN_NUMBER.finditer(text):
        digits, fraction, percent, multiplier = match.groups()
        value = Decimal(digits.replace(",", "") + (fraction or ""))
        if multiplier:
            value *= EN_MULTIPLIERS[multiplier.lower()]
        elif not percent and "," not in digits and 1900 <= value <= 2100 and not fraction:
            continue  # a year
        _add_number(value, match.group(0), out, percent=bool(percent))
    for match in _CN_NUMBER.finditer(text):
        value = parse_cn_numeral(match.group(0))
        if value is not None:
            _add_number(Decimal(value), match.group(0), out)


@lru_cache(maxsize=4)  # a body is tokenised for mid-sentence names and for name spans
def _latin_tokens(text: str) -> tuple[tuple[str, bool, bool], ...]:
    """(word, starts a sentence, joined to the previous word by spaces only) per Latin word.

    Words and the gaps between them come from one ``re.split`` (C), not a match object, a slice
    and a ``re.sub`` per word."""
    tokens = []
    parts = _SPLIT_WORDS.split(text)
    for n, (gap, word) in enumerate(zip(parts[0::2], parts[1::2])):
        if word.endswith(("'s", "’s")):
            word = word[:-2]  # possessive
        word = word.strip("-'’")
        if not n:
            tokens.append((word, True, bool(word)))
            continue
        stripped = gap.strip()
        starts = "\n" in gap or stripped[-1:] in SENTENCE_ENDS
        tokens.append((word, starts, bool(word) and not stripped))
    return tuple(tokens)


def mid_sentence_names(text: str) -> set[str]:
    """Lower-cased words found capitalised somewhere other than at a sentence start."""
    return {w.lower() for w, starts, _ in _latin_tokens(text) if w[:1].isupper() and not starts}


def _name_spans(text: str, english: frozenset[str], names: set[str],
                strict: bool = False) -> list[list[str]]:
    """Runs of capitalised Latin words (connectors allowed inside), leading stop words dropped.

    A capitalised ordinary English word ("Former", "Blast") starts no name when it stands at a
    sentence start, or anywhere in a ``strict`` (Title Case headline) text, unless the text
    capitalises it mid-sentence somewhere too (``names``)."""
    runs: list[list[str]] = []
    current: list[str] = []
    for word, starts, joined in _latin_tokens(text):
        capital = word[:1].isupper()
        if capital and (starts or strict) and word.lower() in english and word.lower() not in names:
            capital = False
        joined = joined and bool(current)
        if capital or (joined and word in NAME_CONNECTORS):
            if not joined:
                runs.append(current := [])
            current.append(word)
        else:
            current = []
    out = []
    for run in runs:
        while run and (run[0].lower() in STOP_CAPS or run[0] in NAME_CONNECTORS):
            run = run[1:]
        while run and run[-1] in NAME_CONNECTORS:
            run = run[:-1]
        if run:
            out.append(run)
    return out


def extract_latin_names(text: str, lexicon: Lexicon, out: Evidence, strict: bool = False,
                        names: set[str] | None = None) -> None:
    """Add ``ent:`` keys for every span (≤ MAX_PHRASE_WORDS) of every capitalised run."""
    names = mid_sentence_names(text) if names is None else names
    for run in _name_spans(text, lexicon.english_words, names, strict):
        for i, first in enumerate(run):
            if first in NAME_CONNECTORS or first.lower() in STOP_CAPS:
                continue
            for j in range(i + 1, min(len(run), i + MAX_PHRASE_WORDS) + 1):
                if run[j - 1] in NAME_CONNECTORS:
                    continue
                key = latin_key("".join(run[i:j]))
                if len(key) >= 2 and key not in GENERIC_NAMES:
                    out.add(f"ent:{key}", " ".join(run[i:j]))


def extract_chinese_names(text: str, lexicon: Lexicon, out: Evidence) -> None:
    """Add ``ent:`` keys for CEDICT proper nouns and personal names; place and name guesses as
    probes."""
    for _, word in segment_proper(text, lexicon):
        for key in lexicon.proper[word]:
            if key not in GENERIC_NAMES:
                out.add(f"ent:{key}", word)
    for match in _SURNAME_PATTERN.finditer(text):
        out.add(f"ent:{name_pinyin(match.group(1), lexicon)}", match.group(0))
    for match in _CUED_NAME.finditer(text):
        name = match.group(1)
        for cut in (2, 3):
            if len(name) >= cut and "某" not in name[:cut]:
                out.add(f"ent:{name_pinyin(name[:cut], lexicon)}", name[:cut], solid=False)
        out.add(f"ent:{name_pinyin(name[0], lexicon)}", name[0], solid=False)
    for match in _PLACE.finditer(text):
        out.add(f"ent:{place_pinyin(match.group(1), lexicon)}", match.group(0), solid=False)


_REGEX_META = re.compile(r"[\\()\[\]?*+.{}|^$]")


def literal_prefix(pattern: str) -> str:
    """The literal text every match of the regex snippet ``pattern`` starts with ("" if none):
    "cars?\\b" → "car", "suspended for \\w+ years?" → "suspended for "."""
    meta = _REGEX_META.search(pattern)
    if meta is None:
        return pattern
    prefix = pattern[:meta.start()]
    return prefix[:-1] if meta.group(0) in "?*{" else prefix  # that char may be absent


@lru_cache(maxsize=1)
def _term_table() -> tuple[ahocorasick.Automaton,
                           tuple[tuple[str, tuple[str, ...], re.Pattern | None,
                                       tuple[str, ...]], ...]]:
    """(an automaton of every Chinese form and English literal prefix, and per key: its key,
    Chinese forms, English pattern, English prefixes)."""
    tables = (("term", TERMS), ("ent", NAMED_BODIES))
    rows = tuple(
        (f"{kind}:{key}", zh, re.compile(r"\b(?:" + "|".join(en) + ")") if en else None,
         tuple(literal_prefix(form) for form in en))
        for kind, table in tables for key, (zh, en) in sorted(table.items()))
    automaton = ahocorasick.Automaton()
    for _, zh, _, prefixes in rows:
        for literal in (*zh, *prefixes):
            if literal:
                automaton.add_word(literal, literal)
    automaton.make_automaton()
    return automaton, rows


def extract_terms(text: str, out: Evidence) -> None:
    """Add ``term:`` keys from TERMS and ``ent:`` keys from NAMED_BODIES (both languages' forms
    are looked for in every text).

    One Aho-Corasick pass finds which Chinese forms and English literal prefixes occur; an
    English pattern runs only when one of its prefixes did (a regex search per key over the
    whole text was a quarter of evidence extraction)."""
    folded = text.casefold()
    automaton, rows = _term_table()
    present = {literal for _, literal in automaton.iter(folded)}
    for key, zh_forms, en_pattern, prefixes in rows:
        surface = next((form for form in zh_forms if form in present), None)
        if surface is None and en_pattern is not None and any(
                not prefix or prefix in present for prefix in prefixes):
            match = en_pattern.search(folded)
            surface = match.group(0) if match else None
        if surface is not None:
            out.add(key, surface)


def strip_teasers(text: str) -> str:
    """The text without teaser paragraphs after the first: lines cut off with an ellipsis are
    other stories' leads in a "more stories" block that extraction left in (the sample dump's
    aggregator pages); their facts belong to those stories, not this one."""
    lines = text.split("\n")
    return "\n".join([lines[0]] + [line for line in lines[1:]
                                   if not line.rstrip().endswith(TEASER_ENDINGS)])


def extract_evidence(text: str, lexicon: Lexicon, published: str | None = None,
                     title: str | None = None) -> Evidence:
    """All evidence keys of one report: ``text`` is the body, ``title`` its headline (whose
    Title Case says nothing about names). Chinese parts must already be Simplified."""
    text = strip_teasers(unicodedata.normalize("NFKC", text))
    title = unicodedata.normalize("NFKC", title or "")
    both = f"{title}\n{text}" if title else text
    out = Evidence()
    rest = extract_dates(both, parse_published(published), out)
    extract_numbers(rest, out)
    names = mid_sentence_names(text)
    extract_latin_names(text, lexicon, out, names=names)
    if title:
        extract_latin_names(title, lexicon, out, strict=True, names=names)
    extract_chinese_names(rest, lexicon, out)  # dates blanked: 16日电 is a dateline, not NEC
    extract_terms(both, out)
    return out.finish()
