"""wordfreq's ``zipf_frequency`` for the forms the incident stage asks about, without its
tokenizer where the form is plain lowercase English words, and with only its jieba pass where
the form is CJK ideographs (``_chinese``).

``zipf_frequency`` runs wordfreq's tokenizer (Unicode normalisation, a regex over every
character class it knows) on each form: ~38 µs a call, ~4 ms a page of real news (70 distinct
names and words; bench.whole's HTML run). A form of lowercase ASCII letters, in words split by
single spaces, tokenises to exactly those words (all 289k such words of its English list, 50k
names made of them and 20k letter strings gave wordfreq's own float when this was written;
tests/test_word_rarity.py keeps every 15th word and 3,000 names), so its frequency is the list's, combined
and rounded as wordfreq does (``_word_frequency``): ~1 µs. Any other form goes to wordfreq.

A single word's value depends only on its frequency, and wordfreq's list stores frequencies
in centibel buckets (~800 distinct values), so it is computed once per bucket: most forms are
one word (a name's letters, "hongkong"), and the arithmetic was most of their cost.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

from wordfreq import INFERRED_SPACE_FACTOR, get_frequency_dict, zipf_frequency, zipf_to_freq

# Lowercase ASCII words separated by one space: wordfreq's English tokenizer splits these
# at the spaces and changes nothing else (no digits to smash, no quotes to uncurl).
_PLAIN_WORDS = re.compile(r"[a-z]+(?: [a-z]+)*\Z")
_WORDLIST = "best"
_FLOOR = zipf_to_freq(0.0)  # zipf_frequency's minimum, as a frequency
_MISSING = round(math.log(_FLOOR, 10) + 9, 2)  # a missing word: the minimum, unrounded
_by_frequency: dict[float, float] = {}  # a one-word form's frequency → its value
_IDEOGRAPHS = re.compile("[\u4e00-\u9fff]+\\Z")
_zh_values: dict[str, float] = {}  # Chinese form → its value (forms repeat across stories)
_ZH_VALUES_KEPT = 1 << 17


@lru_cache(maxsize=1)
def _english() -> dict[str, float]:
    return get_frequency_dict("en", _WORDLIST)


def _from_inverse(one_over: float) -> float:
    """The value of a form whose words' inverse frequencies sum to ``one_over``."""
    freq = max(1.0 / one_over, _FLOOR)
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)  # 3 significant digits
    return round(math.log(freq, 10) + 9, 2)


def _chinese(form: str) -> float | None:
    """``zipf_frequency(form, "zh")`` for a form of CJK ideographs (U+4E00–U+9FFF), None
    before wordfreq has made its jieba tokenizer. Such a form is what wordfreq's
    preprocessing (NFKC, case folding) leaves as it is and its punctuation and digit rules
    never touch, so only its jieba pass and the combining remain (``_word_frequency``):
    ~3x faster than the whole path, which was most of a Chinese story's rarity."""
    from wordfreq import chinese

    tokenizer = chinese.jieba_tokenizer
    if tokenizer is None:
        return None
    simplify = chinese.simplify_chinese
    tokens = [simplify(form[start:end])
              for _, start, end in tokenizer.tokenize(simplify(form), HMM=False)]
    if not tokens:
        return _MISSING
    freqs = get_frequency_dict("zh", _WORDLIST)
    one_over = 0.0
    for token in tokens:
        freq = freqs.get(token)
        if freq is None:
            return _MISSING
        one_over += 1.0 / freq
    freq = 1.0 / one_over
    freq *= INFERRED_SPACE_FACTOR ** -(len(tokens) - 1)  # wordfreq's penalty per inferred break
    freq = max(freq, _FLOOR)
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)  # 3 significant digits
    return round(math.log(freq, 10) + 9, 2)


def zipf(form: str, lang: str) -> float:
    """``wordfreq.zipf_frequency(form, lang)`` (wordlist "best", minimum 0): the same float."""
    if lang == "zh" and _IDEOGRAPHS.match(form):
        value = _zh_values.get(form)
        if value is None and (value := _chinese(form)) is not None:
            if len(_zh_values) >= _ZH_VALUES_KEPT:
                _zh_values.clear()  # as wordfreq's own cache: a bound, rarely reached
            _zh_values[form] = value
        if value is not None:
            return value
    if lang != "en" or not _PLAIN_WORDS.match(form):
        return zipf_frequency(form, lang)
    freqs = _english()
    if " " not in form:
        freq = freqs.get(form)
        if freq is None:
            return _MISSING
        value = _by_frequency.get(freq)
        if value is None:
            value = _by_frequency[freq] = _from_inverse(0.0 + 1.0 / freq)
        return value
    one_over = 0.0
    for token in form.split(" "):
        freq = freqs.get(token)
        if freq is None:
            return _MISSING
        one_over += 1.0 / freq
    return _from_inverse(one_over)
