"""Names in Latin script: runs of capitalised words ("Hangzhou Intermediate People's Court"),
turned into ``ent:`` keys of every span of up to ``MAX_PHRASE_WORDS`` words.

Words are ``[A-Za-z][A-Za-z'’\\-]*`` (a possessive 's and edge hyphens/apostrophes dropped); a
run is capitalised words, with ``NAME_CONNECTORS`` ("of", "the") allowed inside, joined by
whitespace only. A capitalised ordinary English word standing at a sentence start ("Former",
"Blast") starts no name unless the text also capitalises it mid-sentence.

Only *chains* are looked at in Python: a regex (C) finds each maximal sequence of capitalised
words and connectors joined by whitespace; the lower-case words between chains (four in five
of an English text's words) are never looked at. Every run lies inside one chain, since a
lower-case word, a gap with anything but whitespace, or the text's start ends a run.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .bilingual import GENERIC_NAMES, NAME_CONNECTORS, STOP_CAPS, latin_key

MAX_PHRASE_WORDS = 5  # longest English name span turned into a key
SENTENCE_ENDS = tuple('.!?:;"“”‘’(—–-')

_TAIL = r"[A-Za-z'’\-]*"  # a word's rest: greedy, so every match below ends where a word does
_CAPITAL = "[A-Z]" + _TAIL
# a connector as a whole word, possibly with a possessive or edge punctuation ("the-")
_CONNECTOR = ("(?:" + "|".join(sorted(NAME_CONNECTORS)) + r")[-'’]*(?:['’]s)?(?!['’\-A-Za-z])")
# A chain: a capitalised word, then whitespace-joined capitalised words and connectors. It is
# found from its capital (the regex engine skips to the next [A-Z] fast); whether that capital
# starts a word ("iPhone" has one inside) and what gap comes before it are read from the
# characters before it, in Python, once per chain.
_CHAIN = re.compile(_CAPITAL + r"(?:\s+(?:" + _CAPITAL + "|" + _CONNECTOR + "))*")
_LETTER = re.compile("[A-Za-z]")
_WORD = re.compile("(" + "[A-Za-z]" + _TAIL + ")")  # split: "", word, gap, word, …, ""
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_SENTENCE_END_MARKS = frozenset(SENTENCE_ENDS) - set("-'’")  # never the end of a word
_WORD_CHARS = _LETTERS | set("-'’")


def _word(raw: str) -> str:
    """A word as a name part: possessive 's and edge hyphens/apostrophes dropped."""
    if raw[-1] in "s-'’":
        if raw.endswith(("'s", "’s")):
            raw = raw[:-2]
        raw = raw.strip("-'’")
    return raw


class ChainWords(NamedTuple):
    """What a chain's text says, whatever the text around it: its words (as name parts), and
    for each whether a line break comes before it within the chain (False for the first)."""

    words: tuple[str, ...]
    breaks: tuple[bool, ...]
    first: str | None  # the first word lower-cased if capitalised
    inner: frozenset[str]  # the other capitalised words with no line break before, lower-cased
    runs: tuple[tuple[str, ...], ...] | None  # name runs when no word starts a sentence
    runs_demoted: tuple[tuple[str, ...], ...] | None  # … and the first is not a capital

    @classmethod
    def of(cls, chain: str) -> ChainWords:
        if chain.isalpha():  # one word and nothing to drop (a chain's other characters are
            # whitespace, ' ’ -): most chains that miss the cache (~4x faster than ``parse``)
            return cls((chain,), (False,), chain.lower() if chain[0] < "a" else None,
                       frozenset(), _runs((chain,), (False,)), ())
        return cls.parse(chain)

    @classmethod
    def parse(cls, chain: str) -> ChainWords:
        """``of`` for any chain: split into words and the gaps between them."""
        parts = _WORD.split(chain)
        words = tuple(map(_word, parts[1::2]))
        breaks = (False, *("\n" in gap for gap in parts[2:-1:2]))
        inner = frozenset(w.lower() for w, new_line in zip(words[1:], breaks[1:])
                          if w[0] < "a" and not new_line)
        plain = not any(breaks)
        return cls(words, breaks, words[0].lower() if words[0][0] < "a" else None, inner,
                   _runs(words, breaks) if plain else None,
                   _runs(words[1:], breaks[1:]) if plain else None)


# Chains repeat within and across reports ("Hong Kong"); a miss costs ~5 µs.
_chain_words = lru_cache(maxsize=1 << 15)(ChainWords.of)
Chain = tuple[ChainWords, bool]  # a chain and whether its first word starts a sentence


def _gap_starts(text: str, start: int, backwards: str) -> bool | None:
    """Whether the word at ``start`` starts a sentence (True also for the text's first word),
    from the gap between it and the previous word; None if ``start`` is inside a word."""
    letter = _LETTER.search(backwards, len(text) - start)  # the last letter before start
    if letter is None:
        return True
    between = text[len(text) - letter.start():start]
    if not between.strip("-'’"):
        return None  # a word that starts lower-case goes on to here ("iPhone", "al-Assad")
    gap = between.lstrip("-'’")  # those end the previous word
    return "\n" in gap or gap.strip()[-1:] in SENTENCE_ENDS


def _marked_gap_starts(text: str, start: int, first_break: int) -> bool | None:
    """``_gap_starts`` for a chain after another (a word comes before) with no word character
    just before it: from the last non-whitespace character before ``start``, if that is a
    letter (the gap is whitespace) or a mark no word ends with (it is the gap's last mark,
    e.g. an ideograph), and the newlines in the text (``first_break``: where its first one is,
    -1 if none); None when that does not tell."""
    at = start - 1
    while text[at].isspace():
        at -= 1
    mark = text[at]
    if mark in _LETTERS:
        return "\n" in text[at + 1:start]
    if mark in "-'’":
        return None  # the previous word's end, or the gap's
    if mark in SENTENCE_ENDS or "\n" in text[at + 1:start]:
        return True
    if first_break < 0 or first_break >= at:
        return False  # no line break before at all
    return None


@lru_cache(maxsize=4)  # a body is read for mid-sentence names and for name spans
def chains(text: str) -> tuple[Chain, ...]:
    """The text's chains in order. A word "starts a sentence" when it is the text's first word,
    or the gap before it holds a line break or ends with one of ``SENTENCE_ENDS``. A capital
    inside a word that starts lower-case ("iPhone Smith") starts no chain: the words after
    that one are a chain of their own (led by connectors perhaps, which name no run)."""
    out: list[Chain] = []
    append, words_of = out.append, _chain_words  # locals: ~100 chains a page
    backwards = ""
    first_break = None  # where the text's first line break is (-1: none), once needed
    for match in _CHAIN.finditer(text):
        start = match.start()
        if start >= 2:  # most chains: after "word ", ". " or a line break
            gap = text[start - 1]
            if gap == "\n":
                append((words_of(match[0]), True))
                continue
            if gap == " ":
                mark = text[start - 2]
                if mark in _LETTERS:  # the previous word's end, then the gap " "
                    append((words_of(match[0]), False))
                    continue
                if mark in _SENTENCE_END_MARKS:  # the gap's last mark
                    append((words_of(match[0]), True))
                    continue
        before = text[start - 2:start]
        if out and before[-1:] not in _WORD_CHARS:  # a word before; none ends here
            if first_break is None:  # found once: rfind from each chain went back to the start
                first_break = text.find("\n")
            starts = _marked_gap_starts(text, start, first_break)
            if starts is not None:
                append((words_of(match[0]), starts))
                continue
        if not backwards:
            backwards = text[::-1]
        starts = _gap_starts(text, start, backwards)
        if starts is not None:
            out.append((_chain_words(match.group()), starts))
            continue
        rest = _WORD.split(match.group(), 1)[2]  # after the end of that word
        words = rest.lstrip()
        if words:
            out.append((_chain_words(words), "\n" in rest[:len(rest) - len(words)]))
    return tuple(out)


def mid_sentence_names(text: str) -> set[str]:
    """Lower-cased words found capitalised somewhere other than at a sentence start."""
    names: set[str] = set()
    for chain, starts in chains(text):
        names |= chain.inner
        if chain.first is not None and not starts:
            names.add(chain.first)
    return names


def _runs(words: tuple[str, ...], starts: tuple[bool, ...], english: frozenset[str] = frozenset(),
          names: frozenset[str] | set[str] = frozenset(),
          strict: bool = False) -> tuple[tuple[str, ...], ...]:
    """The name runs of one chain's words (``starts``: each word starts a sentence): leading
    stop words and connectors and trailing connectors dropped."""
    runs: list[list[str]] = []
    current: list[str] = []
    for word, first in zip(words, starts):
        capital = word[0] < "a"  # [A-Z]
        if capital and (first or strict):
            lower = word.lower()
            capital = lower not in english or lower in names
        if capital or (current and word in NAME_CONNECTORS):
            if not current:
                runs.append(current)
            current.append(word)
        elif current:
            current = []
    out = []
    for run in runs:
        start, end = 0, len(run)
        while start < end and (run[start].lower() in STOP_CAPS or run[start] in NAME_CONNECTORS):
            start += 1
        while start < end and run[end - 1] in NAME_CONNECTORS:
            end -= 1
        if start < end:
            out.append(tuple(run[start:end]))
    return tuple(out)


def name_runs(text: str, english: frozenset[str], names: set[str],
              strict: bool = False) -> list[tuple[str, ...]]:
    """Runs of capitalised Latin words (connectors allowed inside), leading stop words and
    connectors and trailing connectors dropped.

    A capitalised ordinary English word (in ``english``) starts no name when it stands at a
    sentence start, or anywhere in a ``strict`` (Title Case headline) text, unless the text
    capitalises it mid-sentence somewhere too (``names``). A chain none of whose words starts
    a sentence has its runs ready (``ChainWords``): only its first word's standing is read."""
    out: list[tuple[str, ...]] = []
    for chain, starts in chains(text):
        if not strict and chain.runs is not None:
            if starts and chain.first in english and chain.first not in names:
                out += chain.runs_demoted  # not a capital: it starts no run, nor a connector after it
            else:
                out += chain.runs
            continue
        out += _runs(chain.words, (starts, *chain.breaks[1:]), english, names, strict)
    return out


@lru_cache(maxsize=1 << 16)  # runs repeat within and across reports ("Hong Kong")
def run_keys(run: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(``ent:`` key, surface) of every span of ≤ MAX_PHRASE_WORDS words of a run that starts
    and ends with a name word, in order, each key once (its first surface); a key is the span's
    joined letters, left out when shorter than 2 or in ``GENERIC_NAMES``."""
    found: dict[str, str] = {}
    for i, first in enumerate(run):
        if first in NAME_CONNECTORS or first.lower() in STOP_CAPS:
            continue
        for j in range(i + 1, min(len(run), i + MAX_PHRASE_WORDS) + 1):
            if run[j - 1] in NAME_CONNECTORS:
                continue
            key = latin_key("".join(run[i:j]))
            if len(key) >= 2 and key not in GENERIC_NAMES:
                found.setdefault(f"ent:{key}", " ".join(run[i:j]))
    return tuple(found.items())
