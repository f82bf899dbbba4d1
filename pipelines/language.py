"""Language and script of an article's text.

Chinese is decided by script first (langdetect is weak on short and mixed text and, with all
profiles loaded, calls Traditional Chinese Korean); Simplified vs Traditional by an opencc round
trip; everything else by langdetect, seeded and restricted to the profiles listed below.
"""
from __future__ import annotations

import re
from collections.abc import Container
from functools import lru_cache
from operator import ne
from pathlib import Path

from pipelines.normalise import to_simplified, to_traditional

# Profiles langdetect may choose from once CJK has been decided by script. Languages of news
# we expect beside Chinese; a smaller set also means fewer confusions on short text.
LANGDETECT_PROFILES = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "uk", "pl", "tr",
                       "id", "vi", "sv", "ar")
LANGDETECT_SEED = 0
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

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_WORD = re.compile(r"[^\W\d_\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


def chinese_script(text: str) -> str:
    """``"Hant"`` if more characters change under t2s than under s2t, else ``"Hans"``."""
    sample = "".join(_HAN.findall(text[:SAMPLE_CHARS]))
    # map(ne) counts in C; opencc's phrase rules keep the length (藉着 → 借着), so positions align
    traditional_only = sum(map(ne, sample, to_simplified(sample)))
    if not traditional_only:
        return "Hans"  # nothing is Traditional-only: "Hant" needs more than the other count
    simplified_only = sum(map(ne, sample, to_traditional(sample)))
    return "Hant" if traditional_only > simplified_only else "Hans"


@lru_cache(maxsize=1)
def _factory():
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    profiles = [(Path(PROFILES_DIRECTORY) / code).read_text(encoding="utf-8")
                for code in LANGDETECT_PROFILES]
    factory.load_json_profile(profiles)
    factory.set_seed(LANGDETECT_SEED)
    return factory


_NORMALISED: dict[int, str] = {}  # NGram.normalize per code point, filled as characters come
_NGRAM_WORD = re.compile(r"[^ ]+ ?")  # a word of normalised text and the space after it, if any
GRAMS_CACHE_WORDS = 200_000  # distinct words whose n-grams are kept (~100 bytes each)


def _word_grams(word: str, known: Container[str]) -> list[str]:
    """The scored n-grams of one normalised word (with its trailing space, if any), as
    langdetect's character loop emits them: the window starts at " " after a space, a capital
    after a capital is skipped (an acronym), no 1-gram for the space."""
    result: list[str] = []
    grams, last = " ", " "
    for norm in word:
        grams = grams[-2:] + norm if len(grams) >= 3 else grams + norm
        skip = norm.isupper() and last.isupper()
        last = norm
        if skip:
            continue
        if norm != " " and norm in known:
            result.append(norm)
        if grams[-2:] in known:
            result.append(grams[-2:])
        if len(grams) >= 3 and grams[-3:] in known:
            result.append(grams[-3:])
    return result


@lru_cache(maxsize=GRAMS_CACHE_WORDS)
def _profile_word_grams(word: str) -> tuple[str, ...]:
    """``_word_grams`` over the loaded profiles' n-grams (``_factory``), once per distinct word."""
    return tuple(_word_grams(word, _factory().word_lang_prob_map))


def ngrams(text: str, known: Container[str]) -> list[str]:
    """The n-grams (1-3) of ``text`` that langdetect scores, in its order: what its
    ``Detector._extract_ngrams`` returns (langdetect 1.0.9; tests/test_language.py compares
    them on real texts). Its character loop restarts at every space, so the list is the
    concatenation of each word's n-grams: the text is normalised by one ``str.translate``
    (``NGram.normalize`` cached per character) and each distinct word's n-grams are computed
    once per process (news repeats its words; per-character ``NGram`` objects were most of a
    detection's cost). ``known``: the profiles' n-grams."""
    from langdetect.utils.ngram import NGram

    table = _NORMALISED
    for ch in set(text):
        if ord(ch) not in table:
            table[ord(ch)] = NGram.normalize(ch)
    cached = known is _factory().word_lang_prob_map
    result: list[str] = []
    for word in _NGRAM_WORD.findall(text.translate(table)):
        result += _profile_word_grams(word) if cached else _word_grams(word, known)
    return result


def _langdetect(text: str) -> str | None:
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory().create()
    # this detector's n-gram step only: the same list, faster (``ngrams``)
    detector._extract_ngrams = lambda: ngrams(detector.text, detector.word_lang_prob_map)
    detector.append(text)
    try:
        return detector.detect()
    except LangDetectException:
        return None


def langdetect_sample(sample: str) -> str:
    """The bounded text langdetect reads: ``WINDOWS`` windows of ``WINDOW_CHARS`` spread over
    ``sample`` (all of it when it is short), joined by spaces."""
    if len(sample) <= WINDOW_CHARS * WINDOWS:
        return sample
    step = (len(sample) - WINDOW_CHARS) // (WINDOWS - 1)
    return " ".join(sample[i * step:i * step + WINDOW_CHARS] for i in range(WINDOWS))


def warm_up() -> None:
    """Load langdetect's profiles now (~0.3 s), e.g. before forking a pool that inherits them."""
    _factory()


def detect_language(text: str, hint: str | None = None) -> tuple[str, str | None]:
    """Return ``(lang, script)``: ISO 639-1 code (``"und"`` if unknown) and, for Chinese,
    ``"Hans"`` or ``"Hant"``. ``hint`` is used only when the text itself cannot decide."""
    sample = text[:SAMPLE_CHARS]
    han = len(_HAN.findall(sample))
    kana = len(_KANA.findall(sample))
    hangul = len(_HANGUL.findall(sample))
    word_list = _WORD.findall(sample)
    words = len(word_list)
    cjk = han + kana + hangul
    if cjk and cjk >= words:
        if hangul > han + kana:
            return "ko", None
        if kana >= KANA_SHARE_JA * cjk:
            return "ja", None
    if han and han / (han + words) >= HAN_SHARE_ZH and kana < KANA_SHARE_JA * cjk + 1:
        return "zh", chinese_script(sample)
    letters = sum(map(len, word_list))
    if letters >= MIN_LANGDETECT_LETTERS:
        lang = _langdetect(langdetect_sample(sample))
        if lang:
            return lang, None
    hint = (hint or "").lower()
    if hint.startswith("zh"):
        return "zh", chinese_script(sample) if han else None
    return (hint[:2] if hint else "und"), None
