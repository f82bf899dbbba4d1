"""Normalisation for matching only: never applied to the text we publish.

Two copies of one report should look the same after this: Traditional → Simplified (opencc),
NFKC (full-width → half-width), case folded, punctuation and symbols turned into spaces,
runs of whitespace folded to one space.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

from dedupe.incidents.evidence import nfkc

# Everything that is not a letter or digit separates tokens; "_" counts as punctuation too.
_NON_WORD = re.compile(r"[\W_]+")


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
        text = nfkc(text)  # NFKC, fullwidth forms first: ~2.5x on Chinese news
    text = to_simplified(text).casefold()
    return _NON_WORD.sub(" ", text).strip()
