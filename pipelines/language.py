"""Language and script of an article's text.

Chinese is decided by script first (langdetect is weak on short and mixed text and, with all
profiles loaded, calls Traditional Chinese Korean); Simplified vs Traditional by an opencc round
trip; everything else by langdetect, seeded and restricted to the profiles of
``langdetect_steps.LANGDETECT_PROFILES``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pipelines import langdetect_steps, normalise
from pipelines.normalise import to_simplified, to_traditional
from pipelines.opencc_keys import changeable

SAMPLE_CHARS = 4000  # script counts: enough for a stable verdict; keeps long pages cheap
# langdetect reads WINDOWS windows of WINDOW_CHARS spread over the script sample (start, middle,
# end: a source line or caption at the top cannot decide alone). Measured on the shared gold
# texts plus 1,000 scaled-stream texts (993 not decided by script): 99.9 % the same verdict as
# langdetect over all SAMPLE_CHARS (one en → pt flip), at ~1/5 of its cost (langdetect's n-gram
# extraction is linear in the text); bench.whole measures the agreement on every run.
WINDOW_CHARS = 200
WINDOWS = 3
HAN_SHARE_ZH = 0.5  # Han characters among (Han characters + Latin/Cyrillic words)
KANA_SHARE_JA = 0.05  # kana among CJK characters: any real Japanese text has far more
MIN_LANGDETECT_LETTERS = 12
# chinese_script's s2t heads: a Simplified text has ~1 s2t change per 3 Han characters, and
# a Simplified text's t2s changes are a handful, so 400 characters decide almost every one;
# the characters t2s can change (its bound) were ≤ 18 in 99 % of the 20k set's Chinese
# samples and a 128-character head's changes ≥ 21 in 99 %: the short head decides first.
S2T_FIRST_HEAD_CHARS = 128
S2T_HEAD_CHARS = 400
# The longest key of opencc's s2t dictionaries (STPhrases*.ocd2, opencc 1.1) is 15 characters
# (read with marisa-trie); a position further than that from the head's end converts as in the
# whole text. 32 leaves room for longer phrases in a later opencc.
PHRASE_REACH = 32

HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"  # regex class body
KANA_CLASS = "\u3040-\u30ff\u31f0-\u31ff"
HANGUL_CLASS = "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
# a word: letters (\w without digits and "_"), not CJK
WORD_CLASS = "^\\W\\d_\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff"
_NOT_HAN = re.compile(f"[^{HAN_CLASS}]+")
_KANA = re.compile(f"[{KANA_CLASS}]")
_HANGUL = re.compile(f"[{HANGUL_CLASS}]")
_WORD = re.compile(f"[{WORD_CLASS}]+")
# bits of _classes' table: the classes above, per Basic Multilingual Plane code point
_HAN, _KANA_BIT, _HANGUL_BIT, _WORD_BIT = 1, 2, 4, 8
_BMP = 0x10000
_HAN_END = 0x2EBF0  # past HAN_CLASS's last code point
_COMBINATIONS = {bit: [c for c in range(16) if c & bit] for bit in (1, 2, 4, 8)}  # having a bit


def _han_only(text: str) -> str:
    """The Han characters of ``text``, in order (``HAN_CLASS``)."""
    return _NOT_HAN.sub("", text)


def _changed(before: str, after: str) -> int:
    """Positions (over the shorter string) where ``before`` and ``after`` differ: counted by
    numpy over the code points (a map over characters was most of a script decision)."""
    n = min(len(before), len(after))
    points = [np.frombuffer(s[:n].encode("utf-32-le", "surrogatepass"), dtype="<u4")
              for s in (before, after)]
    return int(np.count_nonzero(points[0] != points[1]))


@lru_cache(maxsize=1)
def _t2s_changeable() -> np.ndarray | None:
    """Per code point up to the last Han one, whether t2s can change it
    (``opencc_keys.changeable``); ``None`` when its dictionaries cannot say."""
    chars = changeable("t2s")
    if chars is None:
        return None
    table = np.zeros(_HAN_END, bool)
    table[[ord(c) for c in chars if ord(c) < _HAN_END]] = True
    return table


def _changeable(han: str) -> int | None:
    """How many characters of ``han`` (Han characters only) t2s can change: at least as many
    as it does change (``None``: not known)."""
    table = _t2s_changeable()
    if table is None:
        return None
    return int(np.count_nonzero(table[np.frombuffer(han.encode("utf-32-le"), "<u4")]))


def chinese_script(text: str, han: str | None = None) -> str:
    """``"Hant"`` if more characters change under t2s than under s2t, else ``"Hans"``, over the
    Han characters of ``text[:SAMPLE_CHARS]`` (``han``: those characters, when the caller has
    them). opencc's phrase rules keep the length (藉着 → 借着), so positions align.

    Both conversions cost (s2t ~10× t2s per character, its phrase table), and a Simplified
    text is decided as soon as s2t has changed as many characters as t2s does, so: the
    characters t2s *can* change (its dictionaries, ``_changeable``) bound its count without
    converting; s2t runs on a head of ``S2T_FIRST_HEAD_CHARS``, then ``S2T_HEAD_CHARS``,
    counting only up to ``PHRASE_REACH`` characters before the head's end (opencc converts
    by longest match left to right, so those positions convert as in the whole sample); t2s
    runs when the bound does not decide, and the whole sample's s2t only when no head does."""
    sample = _han_only(text[:SAMPLE_CHARS]) if han is None else han
    bound = _changeable(sample)
    if bound == 0:
        return "Hans"  # nothing is Traditional-only: "Hant" needs more than the other count
    head_changes = None  # s2t changes in the longest head converted: a lower bound
    for size in (S2T_FIRST_HEAD_CHARS, S2T_HEAD_CHARS) if bound is not None else (S2T_HEAD_CHARS,):
        if len(sample) <= size:
            break
        head = sample[:size]
        converted = to_traditional(head)
        if len(converted) != len(head):
            break
        head_changes = _changed(head[:-PHRASE_REACH], converted[:-PHRASE_REACH])
        if bound is not None and head_changes >= bound:
            return "Hans"
    traditional_only = _changed(sample, to_simplified(sample))
    if not traditional_only or (head_changes is not None and head_changes >= traditional_only):
        return "Hans"
    simplified_only = _changed(sample, to_traditional(sample))
    return "Hant" if traditional_only > simplified_only else "Hans"


def _langdetect(text: str) -> str | None:
    """langdetect's verdict on ``text`` (``langdetect_steps.detect``: its detector, exact and
    ~3× faster), ``None`` when it has none."""
    return langdetect_steps.detect(text)


def langdetect_sample(sample: str) -> str:
    """The bounded text langdetect reads: ``WINDOWS`` windows of ``WINDOW_CHARS`` spread over
    ``sample`` (all of it when it is short), joined by spaces."""
    if len(sample) <= WINDOW_CHARS * WINDOWS:
        return sample
    step = (len(sample) - WINDOW_CHARS) // (WINDOWS - 1)
    return " ".join(sample[i * step:i * step + WINDOW_CHARS] for i in range(WINDOWS))


def warm_up() -> None:
    """Load langdetect's profiles and build the lookup tables of language and normalisation
    now (~0.4 s), e.g. before forking a pool that inherits them."""
    langdetect_steps.model()
    _class_table()
    _t2s_changeable()
    normalise.warm_up()


@lru_cache(maxsize=1)
def _class_table() -> np.ndarray:
    """For each BMP code point, its bits (``_HAN`` …) of the four character classes, found by
    the classes' own regexes over all of them at once (~20 ms, once per process)."""
    points = np.arange(_BMP, dtype="<u4")
    every = points.tobytes().decode("utf-32-le", "surrogatepass")
    table = np.zeros(_BMP, np.uint8)
    for bit, body in ((_HAN, HAN_CLASS), (_KANA_BIT, KANA_CLASS), (_HANGUL_BIT, HANGUL_CLASS),
                      (_WORD_BIT, WORD_CLASS)):
        marked = re.sub(f"[{body}]", "\0", every).encode("utf-32-le", "surrogatepass")
        table[(np.frombuffer(marked, "<u4") == 0) & (points != 0)] |= bit
    return table


@dataclass
class ScriptCounts:
    """Characters of a sample by class: Han, kana, Hangul; its words (runs of ``_WORD``) and
    their letters; ``han_text``: the Han characters, in order."""

    han_text: str
    kana: int
    hangul: int
    words: int
    letters: int


def script_counts(sample: str) -> ScriptCounts:
    """``sample``'s ``ScriptCounts``: one table lookup per code point in numpy (the regexes'
    scans were most of a Chinese text's decision), or the regexes when it has a code point
    beyond the BMP."""
    points = np.frombuffer(sample.encode("utf-32-le", "surrogatepass"), "<u4")
    if not len(points) or points.max() >= _BMP:
        word_list = _WORD.findall(sample)
        return ScriptCounts(_han_only(sample), len(_KANA.findall(sample)),
                            len(_HANGUL.findall(sample)), len(word_list), sum(map(len, word_list)))
    flags = _class_table().take(points)
    counts = np.bincount(flags, minlength=16).tolist()  # code points per combination of bits

    def having(bit: int) -> int:
        return sum(map(counts.__getitem__, _COMBINATIONS[bit]))

    han = ""
    if having(_HAN):
        han = points[(flags & _HAN).view(bool)].tobytes().decode("utf-32-le")
    word = flags >= _WORD_BIT  # the highest bit
    starts = int(word[0]) + int(np.count_nonzero(word[1:] > word[:-1]))  # runs of word letters
    return ScriptCounts(han, having(_KANA_BIT), having(_HANGUL_BIT), starts, having(_WORD_BIT))


def detect_language(text: str, hint: str | None = None) -> tuple[str, str | None]:
    """Return ``(lang, script)``: ISO 639-1 code (``"und"`` if unknown) and, for Chinese,
    ``"Hans"`` or ``"Hant"``. ``hint`` is used only when the text itself cannot decide."""
    sample = text[:SAMPLE_CHARS]
    counts = script_counts(sample)
    han, kana, hangul, words = len(counts.han_text), counts.kana, counts.hangul, counts.words
    cjk = han + kana + hangul
    if cjk and cjk >= words:
        if hangul > han + kana:
            return "ko", None
        if kana >= KANA_SHARE_JA * cjk:
            return "ja", None
    if han and han / (han + words) >= HAN_SHARE_ZH and kana < KANA_SHARE_JA * cjk + 1:
        return "zh", chinese_script(sample, counts.han_text)
    if counts.letters >= MIN_LANGDETECT_LETTERS:
        lang = _langdetect(langdetect_sample(sample))
        if lang:
            return lang, None
    hint = (hint or "").lower()
    if hint.startswith("zh"):
        return "zh", chinese_script(sample, counts.han_text) if han else None
    return (hint[:2] if hint else "und"), None
