"""Keyword watchlist: keep only articles that mention a watched term.

Matching runs on ``normalise_for_matching`` text (Traditional→Simplified, NFKC, case fold,
punctuation folded), and each keyword is first expanded into its Traditional spellings with
opencc, each normalised too. t2s alone is not enough: Taiwan phrasing converts to different
words ("人工智能" is written "人工智慧", "视频" is "影片"), and t2s keeps those words.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import opencc

# s2t: character conversion; s2tw / s2hk: regional character forms; s2twp: Taiwan phrasing.
VARIANT_CONFIGS = ("s2t", "s2tw", "s2twp", "s2hk")
_LATIN_EDGE = re.compile(r"[0-9a-z]")
_LAST_LATIN_WORD = re.compile(r"[0-9a-z]+$")
_DOUBLING = re.compile(r"(?:^|[^aeiou])[aeiou][b-df-hj-np-tvz]$")  # swap, scam, clip
_CONSONANT_Y = re.compile(r"[^aeiou]y$")


@lru_cache(maxsize=None)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def spellings(keyword: str) -> list[str]:
    """The keyword and its Traditional variants, normalised for matching, sorted, unique."""
    from pipelines.normalise import normalise_for_matching

    forms = {keyword, *(_converter(c).convert(keyword) for c in VARIANT_CONFIGS)}
    return sorted({n for n in (normalise_for_matching(f) for f in forms) if n})


def _pattern(spelling: str) -> str:
    # Latin edges need word boundaries ("ai" must not match "said"); CJK has no spaces.
    # A word of 4+ letters may take an English inflection ("deepfake" → "deepfakes",
    # "deepfaked"); a short one may not ("ai" must not match "aid").
    # A word of 3 letters may take a plural ("undress app" → "undress apps"); a word ending
    # consonant-vowel-consonant doubles it ("face swap" → "face-swapping", "scam" → "scammed");
    # a consonant + y ends in -ies/-ied ("nudify" → "nudified"): all were off-watchlist rejects.
    head = r"(?<![0-9a-z])" if _LATIN_EDGE.match(spelling[0]) else ""
    body, tail = re.escape(spelling), ""
    if _LATIN_EDGE.match(spelling[-1]):
        last_word = _LAST_LATIN_WORD.search(spelling).group(0)
        inflection = ("d|s|" if spelling.endswith("e") else "s|es|ed|") + "ing"
        if len(last_word) >= 4:
            if _DOUBLING.search(last_word):
                inflection += f"|{last_word[-1]}ed|{last_word[-1]}ing"
            tail = f"(?:{inflection})?"
            if _CONSONANT_Y.search(last_word):
                body = f"(?:{body}|{re.escape(spelling[:-1])}(?:ies|ied))"
        elif len(last_word) == 3:
            tail = "s?"
        tail += r"(?![0-9a-z])"
    return head + body + tail


@dataclass(frozen=True)
class Watchlist:
    keywords: tuple[str, ...]
    _patterns: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def from_keywords(cls, keywords: list[str]) -> Watchlist:
        patterns = tuple((kw, re.compile("|".join(_pattern(s) for s in spellings(kw))))
                         for kw in keywords if spellings(kw))
        return cls(tuple(keywords), patterns)

    def hits(self, normalised_text: str) -> list[str]:
        """The keywords (as written in the watchlist) found in already-normalised text."""
        return [kw for kw, pattern in self._patterns if pattern.search(normalised_text)]


def load_watchlist(path: str | Path) -> Watchlist:
    """A TOML file with ``keywords = [...]``. ValueError (naming the file) when it cannot be
    read, is not TOML or has no keywords."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"{path}: cannot read watchlist ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: watchlist is not valid TOML ({exc})") from None
    keywords = data.get("keywords")
    if not isinstance(keywords, list) or not keywords \
            or not all(isinstance(k, str) and k.strip() for k in keywords):
        raise ValueError(f"{path}: needs a non-empty list of strings `keywords`")
    return Watchlist.from_keywords([k.strip() for k in keywords])
