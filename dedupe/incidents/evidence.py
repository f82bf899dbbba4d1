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
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import daachorse

from .bilingual import (
    COMMON_SURNAMES,
    GENERIC_NAMES,
    NAME_CUES,
    NAMED_BODIES,
    TERMS,
    Lexicon,
    name_pinyin,
    place_pinyin,
    proper_nouns,
)
from .dates_numbers import (  # noqa: F401 -- approx_key, parse_* are this module's API too
    DigitRuns,
    approx_key,
    extract_dates,
    extract_numbers,
    matches_at,
    parse_cn_numeral,
    parse_published,
)
from .latin_names import (  # noqa: F401 -- MAX_PHRASE_WORDS, SENTENCE_ENDS: this module's API too
    MAX_PHRASE_WORDS,
    SENTENCE_ENDS,
    mid_sentence_names,
    name_runs,
    run_keys,
)

TEASER_ENDINGS = ("…", "...")

_WIDE_FORMS = {**{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},  # ！ … ～
               "\u3000": " ", "…": "..."}
_WIDE = re.compile("[\uff01-\uff5e\u3000…]")
_WIDE_SPLIT = re.compile("(" + _WIDE.pattern + ")")  # text, wide form, text, …
_wide_form_of = _WIDE_FORMS.__getitem__
_SURNAME_MARKERS = ("某", "先生", "女士", "姓")
_SURNAME_PATTERN = re.compile("([" + COMMON_SURNAMES + "])(?:某某|" + "|".join(_SURNAME_MARKERS) + ")")
_CUED_NAME = re.compile("(?:" + "|".join(NAME_CUES) + ")([" + COMMON_SURNAMES +
                        r"][\u4e00-\u9fff]{1,2})")
_PLACE = re.compile(r"([\u4e00-\u9fff]{2})(?:市|县|区|镇)")
_PLACE_SUFFIX = re.compile("[市县区镇]")  # a _PLACE match starts two characters before one
_IDEOGRAPH = re.compile("[\u4e00-\u9fff]")  # what every Chinese name pattern matches


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


def extract_latin_names(text: str, lexicon: Lexicon, out: Evidence, strict: bool = False,
                        names: set[str] | None = None) -> None:
    """Add ``ent:`` keys for every span (≤ MAX_PHRASE_WORDS) of every capitalised run."""
    names = mid_sentence_names(text) if names is None else names
    keys = out.keys
    for run in name_runs(text, lexicon.english_words, names, strict):
        for key, surface in run_keys(run):
            if key not in keys:
                keys[key] = surface  # no edge whitespace: a run's words start and end with letters


def place_guesses(text: str) -> Iterator[re.Match]:
    """``_PLACE.finditer(text)``, ~4× faster: tried only two characters before each suffix."""
    return matches_at(_PLACE, text, [m.start() - 2 for m in _PLACE_SUFFIX.finditer(text, 2)])


def extract_chinese_names(text: str, lexicon: Lexicon, out: Evidence) -> None:
    """Add ``ent:`` keys for CEDICT proper nouns and personal names; place and name guesses as
    probes. A text without an ideograph has none of them (every headword, surname, cue and
    place pattern needs one): it is not scanned (an English page's ~10k characters cost the
    automaton and the four scans ~1 ms)."""
    if not _IDEOGRAPH.search(text):
        return
    for word in dict.fromkeys(proper_nouns(text, lexicon)):  # each once
        for key in lexicon.proper[word]:
            if key not in GENERIC_NAMES:
                out.add(f"ent:{key}", word)
    surnamed = any(marker in text for marker in _SURNAME_MARKERS)  # most texts have none
    for match in _SURNAME_PATTERN.finditer(text) if surnamed else ():
        out.add(f"ent:{name_pinyin(match.group(1), lexicon)}", match.group(0))
    for match in _CUED_NAME.finditer(text):
        name = match.group(1)
        for cut in (2, 3):
            if len(name) >= cut and "某" not in name[:cut]:
                out.add(f"ent:{name_pinyin(name[:cut], lexicon)}", name[:cut], solid=False)
        out.add(f"ent:{name_pinyin(name[0], lexicon)}", name[0], solid=False)
    for match in place_guesses(text):
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


@dataclass(frozen=True)
class _TermRow:
    key: str  # "term:deepfake", "ent:samr"
    zh: tuple[int, ...]  # literal indexes of its Chinese forms, in the table's order
    en: re.Pattern | None  # its English forms, at a word start
    prefixes: tuple[int, ...] | None  # literal indexes of their prefixes; None: one is empty


@dataclass(frozen=True)
class _TermTable:
    automaton: daachorse.CharwiseDoubleArrayAhoCorasick  # every Chinese form and English prefix
    literals: tuple[str, ...]  # those forms and prefixes, by index
    rows: tuple[_TermRow, ...]  # one per key, in key order
    rows_of: dict[int, tuple[int, ...]]  # literal index → the rows it may add, ascending
    always: tuple[int, ...]  # rows with an English form that has no literal prefix


@lru_cache(maxsize=1)
def _term_table() -> _TermTable:
    literals: dict[str, int] = {}

    def index(literal: str) -> int:
        return literals.setdefault(literal, len(literals))

    rows = []
    for kind, table in (("term", TERMS), ("ent", NAMED_BODIES)):
        for key, (zh, en) in sorted(table.items()):
            prefixes = [literal_prefix(form) for form in en]
            rows.append(_TermRow(
                f"{kind}:{key}", tuple(map(index, zh)),
                re.compile(r"\b(?:" + "|".join(en) + ")") if en else None,
                None if not all(prefixes) else tuple(map(index, prefixes))))
    rows_of: dict[int, set[int]] = {}
    for n, row in enumerate(rows):
        for i in (*row.zh, *(row.prefixes or ())):
            rows_of.setdefault(i, set()).add(n)
    names = tuple(literals)
    return _TermTable(daachorse.CharwiseDoubleArrayAhoCorasick(list(names)), names, tuple(rows),
                      {i: tuple(sorted(found)) for i, found in rows_of.items()},
                      tuple(n for n, row in enumerate(rows)
                            if row.en is not None and row.prefixes is None))


def extract_terms(text: str, out: Evidence) -> None:
    """Add ``term:`` keys from TERMS and ``ent:`` keys from NAMED_BODIES (both languages' forms
    are looked for in every text).

    One Aho-Corasick pass (Rust) finds where each Chinese form and English literal prefix
    occurs; only the keys one of those belongs to are looked at, an English pattern runs only
    when one of its prefixes occurs, and only at those places (a regex search per key over the
    whole text was a quarter of evidence extraction)."""
    folded = text.casefold()
    table = _term_table()
    literals = table.literals
    # literal index → where it starts, ascending: the matches come by end, so one literal's by
    # start (an English pattern's prefix "app" can occur inside "happen" many times)
    starts_of: dict[int, list[int]] = {}
    for start, _, index in table.automaton.find_overlapping(folded):
        if (found := starts_of.get(index)) is None:
            starts_of[index] = [start]
        else:
            found.append(start)
    if not starts_of and not table.always:
        return
    rows_of = table.rows_of
    for n in sorted({n for i in starts_of for n in rows_of[i]}.union(table.always)):
        row = table.rows[n]
        surface = next((literals[i] for i in row.zh if i in starts_of), None)
        if surface is None and row.en is not None:
            if row.prefixes is None:
                match = row.en.search(folded)
            else:  # tried only where one of its prefixes starts: a search from the first such
                # place went on to the text's end when that was inside a word ("happen")
                match = next(matches_at(row.en, folded, sorted(
                    {at for i in row.prefixes for at in starts_of.get(i, ())})), None)
            surface = match.group(0) if match else None
        if surface is not None:
            out.add(row.key, surface)


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, ~2× faster on Chinese news: what NFKC changes
    there is mostly fullwidth ASCII (，：（）), the ideographic space and "…"; one regex split
    puts their NFKC forms in first (mapped in C, no Python call per character: ~85 of them in
    an article of the 3k set), and the normaliser's quick check then mostly finds the text
    normalised. Same result: each is a compatibility decomposition into characters that
    decompose no further and combine with nothing before them (starters), which NFKC's own
    decomposition step would produce in the same place. A text NFKC leaves as it is (half of
    the 3k set's, mostly English) is returned after ``is_normalized``'s quick check (~4 µs,
    against ~60 µs for the split's scan)."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    pieces = _WIDE_SPLIT.split(text)
    if len(pieces) > 1:
        pieces[1::2] = map(_wide_form_of, pieces[1::2])
        text = "".join(pieces)
    return unicodedata.normalize("NFKC", text)


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
    text = strip_teasers(nfkc(text))
    title = nfkc(title or "")
    both = f"{title}\n{text}" if title else text
    out = Evidence()
    runs = DigitRuns.of(both)
    rest = extract_dates(both, parse_published(published), out, runs)
    extract_numbers(rest, out, runs.starts_in(both, rest))
    names = mid_sentence_names(text)
    extract_latin_names(text, lexicon, out, names=names)
    if title:
        extract_latin_names(title, lexicon, out, strict=True, names=names)
    extract_chinese_names(rest, lexicon, out)  # dates blanked: 16日电 is a dateline, not NEC
    extract_terms(both, out)
    return out.finish()
