"""Normalisation for matching only: never applied to the text we publish.

Two copies of one report should look the same after this: Traditional → Simplified (opencc),
NFKC (full-width → half-width), case folded, punctuation and symbols turned into spaces,
runs of whitespace folded to one space.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import opencc

from dedupe.incidents.evidence import nfkc

# Everything that is not a letter or digit separates tokens; "_" counts as punctuation too.
_NON_WORD = re.compile(r"[\W_]+")
_SPACE = 32
_BMP = 0x10000
_LONGER = 0xFFFFFFFF  # _casefold_table: casefolds to more than one code point


@lru_cache(maxsize=1)
def _word_table() -> np.ndarray:
    """For each Basic Multilingual Plane code point, whether ``_NON_WORD`` leaves it: the
    ``str.isalnum`` characters, as re's ``\\w`` for str patterns is isalnum plus "_" (~10 ms)."""
    return np.fromiter((chr(c).isalnum() for c in range(_BMP)), bool, _BMP)


@lru_cache(maxsize=1)
def _casefold_table() -> np.ndarray:
    """For each BMP code point, its ``str.casefold`` when that is one word code point
    (``_word_table``), 0 when it is one non-word code point, ``_LONGER`` when it is longer
    (ß → ss; casefold maps each code point on its own, without context) (~30 ms)."""
    word = _word_table()
    table = np.zeros(_BMP, np.uint32)
    for code in range(_BMP):
        folded = chr(code).casefold()
        if len(folded) != 1 or ord(folded) >= _BMP:
            table[code] = _LONGER
        elif word[ord(folded)]:
            table[code] = ord(folded)
    return table


def _fold_non_word(text: str, casefold: bool = False) -> str:
    """``_NON_WORD.sub(" ", text).strip()`` (of ``text.casefold()`` with ``casefold``), ~5×
    faster on news text (whose own cost it was most of normalisation's): one table lookup per
    code point in numpy (which casefolds too), each run of non-word code points kept as one
    space. Text beyond the BMP (emoji, rare CJK) or with a longer casefold takes str and the
    regex."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    if not len(points) or points.max() >= _BMP:
        return _NON_WORD.sub(" ", text.casefold() if casefold else text).strip()
    if casefold:
        points = _casefold_table().take(points)
        if points.max() == _LONGER:
            return _fold_non_word(text.casefold())
        word = points != 0
    else:
        word = _word_table().take(points)
    kept = word.copy()
    kept[1:] |= word[:-1]  # a non-word code point right after a word one starts a run
    folded = np.where(word, points, _SPACE)[kept]
    return folded.tobytes().decode("utf-32-le", "surrogatepass").strip(" ")


@lru_cache(maxsize=1)
def _compatibility_table() -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """The BMP code points whose compatibility decomposition (NFKD) is already their NFKC form
    (fullwidth Ａ，１ → A,1; the ideographic space; … → ...; compatibility ideographs): that
    form when it is one code point (the first array; itself elsewhere), and when it is longer
    (the second array marks them, the dict holds their forms) (~15 ms: only code points with
    a decomposition are asked)."""
    table = np.arange(_BMP, dtype=np.uint32)
    longer: dict[int, str] = {}
    for code in range(_BMP):
        char = chr(code)
        if not unicodedata.decomposition(char):
            continue
        form = unicodedata.normalize("NFKD", char)
        if form != unicodedata.normalize("NFKC", char):
            continue
        if len(form) == 1:
            table[code] = ord(form)
        else:
            longer[code] = form
    marked = np.zeros(_BMP, bool)
    marked[list(longer)] = True
    return table, marked, longer


def _compatibility_mapped(text: str) -> str:
    """``text`` with each code point of ``_compatibility_table`` replaced by its form: the same
    NFKC (NFKC is the composition of NFKD, and replacing a character by its own NFKD leaves
    the text's NFKD as it was), but on Chinese news already NFKC, so ``nfkc`` is skipped (its
    regex split was half of normalisation's cost there). Text beyond the BMP is returned as
    it is."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    if not len(points) or points.max() >= _BMP:
        return text
    table, marked, longer = _compatibility_table()
    mapped = table.take(points).tobytes().decode("utf-32-le", "surrogatepass")
    lengthened = marked.take(points)
    if lengthened.any():
        for code in np.unique(points[lengthened]).tolist():
            mapped = mapped.replace(chr(code), longer[code])
    return mapped


@lru_cache(maxsize=None)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (characters only, no phrase rewriting)."""
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    """Simplified → Traditional Chinese (used to generate watch-list variants)."""
    return _converter("s2t").convert(text)


def normalise_for_matching(text: str) -> str:
    """Return ``text`` folded for comparison: t2s, NFKC, casefold, punctuation → space."""
    if not unicodedata.is_normalized("NFKC", text):  # a quick check: ~2 % of normalize's cost
        text = _compatibility_mapped(text)  # fullwidth forms and the like: the same NFKC
        if not unicodedata.is_normalized("NFKC", text):
            text = nfkc(text)
    return _fold_non_word(to_simplified(text), casefold=True)


def warm_up() -> None:
    """Build normalisation's tables now (~0.1 s), e.g. before forking a pool."""
    _word_table()
    _casefold_table()
    _compatibility_table()
    _converter("t2s")
