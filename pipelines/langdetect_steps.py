"""langdetect's detector (langdetect 1.0.9) with its per-character Python loops replaced by
C-level equivalents: the same text preparation (``append`` + ``cleaning_text``), the same
n-grams in the same order, and its seeded walk (``langdetect_walk``), so the same verdict
(tests/test_language.py compares each step, whole walks and detections with langdetect's
own on the shared gold bodies).

Where a detection's time went and what replaced it (an English sample of ~600 characters:
~1,500 n-grams, ~160 updates in 4 trials):
- n-grams: one ``str.translate`` for the normalisation, and each distinct word's n-grams
  once per process, as rows of the profiles (``_word_rows``; bytes joined per text);
- the walk: a ``random.choice`` and a 15-language Python loop per update → the seeded
  generator's words read once per process and each trial's updates in numpy
  (``langdetect_walk``); trials stop once the verdict is decided (4 of 7 on news text).
On the 20k set's samples the walk went from ~0.45 to ~0.2 ms and the n-grams from ~0.1 to
~0.07 ms (interleaved in one process on a shared machine).

The profiles, seed and every parameter are langdetect's; only the loops are ours.
"""
from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

import numpy as np

from pipelines.langdetect_walk import Stream, walk

# Profiles langdetect may choose from once CJK has been decided by script. Languages of news
# we expect beside Chinese; a smaller set also means fewer confusions on short text.
LANGDETECT_PROFILES = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "uk", "pl", "tr",
                       "id", "vi", "sv", "ar")
LANGDETECT_SEED = 0
GRAMS_CACHE_WORDS = 200_000  # distinct words whose n-grams are kept (~100 bytes each)

_NORMALISED: dict[int, str] = {}  # NGram.normalize per code point, filled as characters come
_NGRAM_WORD = re.compile(r"[^ ]+ ?")  # a word of normalised text and the space after it, if any
_SPACES = re.compile(r"  +")  # Detector.append keeps the first space of a run
_LATIN = re.compile(r"[A-z]")  # Detector.cleaning_text's latin test: 'A' <= ch <= 'z'
# cleaning_text's non-Latin count: every ch >= U+0300 (it means to spare "Latin Extended
# Additional", but compares unicode_block's int to that block's name, so it never does)
_NON_LATIN = re.compile(r"[\u0300-\U0010ffff]")


@lru_cache(maxsize=1)
def factory():
    """langdetect's ``DetectorFactory`` with ``LANGDETECT_PROFILES`` loaded, seeded."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    made = DetectorFactory()
    profiles = [(Path(PROFILES_DIRECTORY) / code).read_text(encoding="utf-8")
                for code in LANGDETECT_PROFILES]
    made.load_json_profile(profiles)
    made.set_seed(LANGDETECT_SEED)
    return made


@dataclass
class Model:
    """langdetect's profiles as dense rows, and its detector's parameters.

    ``probs[row]``: P(n-gram | language) for each of ``langlist`` (float64, the profile map's
    own values); ``rows``: n-gram → row; ``names``: row → n-gram."""

    langlist: list[str]
    names: list[str]
    rows: dict[str, int]
    probs: np.ndarray
    row_type: type
    detector: object  # a Detector: its constants, text preparation and final ranking
    stream: Stream


@lru_cache(maxsize=1)
def model() -> Model:
    """The loaded profiles (``factory``) as a ``Model`` (~30 ms, once per process)."""
    made = factory()
    names = list(made.word_lang_prob_map)
    probs = np.array([made.word_lang_prob_map[name] for name in names], np.float64)
    row_type = np.uint16 if len(names) <= 1 << 16 else np.uint32
    return Model(made.langlist, names, {name: row for row, name in enumerate(names)}, probs,
                 row_type, made.create(), Stream(made.seed))


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
def _word_rows(word: str) -> bytes:
    """``_word_grams`` over the profiles, as ``Model.row_type`` row numbers, once per distinct
    word (bytes: joined for a whole text by one ``bytes.join``)."""
    made = model()
    return np.array([made.rows[gram] for gram in _word_grams(word, made.rows)],
                    made.row_type).tobytes()


def _normalise_chars(text: str) -> None:
    """Add ``text``'s new characters to ``_NORMALISED`` (``NGram.normalize``)."""
    from langdetect.utils.ngram import NGram

    for ch in set(text):
        if ord(ch) not in _NORMALISED:
            _NORMALISED[ord(ch)] = NGram.normalize(ch)


def gram_rows(text: str) -> np.ndarray:
    """The profile rows (``Model.probs``) of the n-grams (1-3) of ``text`` that langdetect
    scores, in its order (``ngrams``). Its character loop restarts at every space, so the list
    is the concatenation of each word's n-grams: the text is normalised by one
    ``str.translate`` (``NGram.normalize`` cached per character) and each distinct word's
    n-grams are computed once per process (news repeats its words)."""
    _normalise_chars(text)
    words = _NGRAM_WORD.findall(text.translate(_NORMALISED))
    return np.frombuffer(b"".join(map(_word_rows, words)), model().row_type)


def ngrams(text: str, known: Container[str]) -> list[str]:
    """The n-grams (1-3) of ``text`` that langdetect scores, in its order: what its
    ``Detector._extract_ngrams`` returns (``known``: the profiles' n-grams)."""
    if known is factory().word_lang_prob_map:
        names = model().names
        return [names[row] for row in gram_rows(text).tolist()]
    _normalise_chars(text)
    result: list[str] = []
    for word in _NGRAM_WORD.findall(text.translate(_NORMALISED)):
        result += _word_grams(word, known)
    return result


def prepared_text(detector, text: str) -> str:
    """``detector.text`` after ``Detector.append(text)`` then ``cleaning_text()``: URLs and
    mail addresses blanked, Vietnamese marks folded, at most ``max_text_length`` characters,
    space runs cut to one space; then Latin letters dropped when the text is mostly non-Latin."""
    from langdetect.utils.ngram import NGram

    text = detector.MAIL_RE.sub(" ", detector.URL_RE.sub(" ", text))
    text = detector.text + _SPACES.sub(" ", NGram.normalize_vi(text)[:detector.max_text_length])
    # cleaning_text's test, len(latin) * 2 < len(non_latin), counting Latin letters only up to
    # half the non-Latin count: enough to answer, and news in Latin script stops at a handful
    half = (len(_NON_LATIN.findall(text)) + 1) // 2
    if half and sum(1 for _ in islice(_LATIN.finditer(text), half)) < half:
        text = _LATIN.sub("", text)
    return text


def detect(text: str) -> str | None:
    """langdetect's ``detect(text)`` over ``LANGDETECT_PROFILES`` (seeded): its language code,
    ``None`` when langdetect finds no feature (``LangDetectException``) or no language."""
    made = model()
    rows = gram_rows(prepared_text(made.detector, text))
    if not len(rows):
        return None  # langdetect raises LangDetectException: no features in the text
    return walk(made, rows).verdict
