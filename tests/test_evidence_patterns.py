"""Evidence extraction's rewritten patterns, gates and segmentation find exactly what the plain
forms find (issue 15: 2-3x faster evidence extraction, same keys).

The plain forms are written out here, as they stood before the rewrite; each rewritten
pattern must give the same matches (spans and groups) on token soups made to hold dates,
times, amounts and near misses.
"""
from __future__ import annotations

import pickle
import re
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.incidents import dates_numbers as dn
from dedupe.incidents import evidence as ev
from dedupe.incidents.bilingual import Lexicon, segment_proper
from dedupe.incidents.evidence import Evidence, extract_evidence

MONTH = dn._MONTH
PLAIN = {
    "_ZH_DATE": (r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]", 0),
    "_ZH_DAY": (r"(?<![\d月])(\d{1,2})\s*日", 0),
    "_ISO_DATE": (r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)", 0),
    "_EN_DATE_DM": (r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + MONTH + r"\b(?:,?\s+(\d{4}))?", re.I),
    "_YEAR_MONTH": (r"\d{4}\s*年\s*\d{1,2}\s*月|\b" + MONTH + r"\s+\d{4}\b|\d{4}\s*年", re.I),
    "_WEEKDAY": (r"\b(last|next|this|on|since|from|by)?\s*(monday|tuesday|wednesday|thursday|"
                 r"friday|saturday|sunday)\b", re.I),
    "_EN_RELATIVE": (r"\b(yesterday|today)\b", re.I),
    "_TIME": (r"\d{1,2}:\d{2}|\d{1,2}\s*(?:a\.?m\.?|p\.?m\.?)\b"
              r"|\d{1,2}\s*[时点]\s*(?:\d{1,2}\s*分)?", re.I),
    "_ZH_NUMBER": (r"(?<![A-Za-z0-9_.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*[余多]?\s*([十百千万亿]+)", 0),
    "_EN_NUMBER": (r"(?<![A-Za-z0-9_.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
                   r"\s*(%|percent\b|per cent\b)?"
                   r"(?:\s*(thousand|million|billion|trillion|bn|mn)\b)?", re.I),
    "_CN_NUMBER": (r"[零〇一二两三四五六七八九十百千万亿]{2,}(?=[" + dn.CN_MEASURES + "])", 0),
}
TOKENS = ["2023", "06", "6", "20", "1", "123", "1,200", "3.5", "年", "月", "日", "号", " ", "  ",
          "\n", "-", "/", ".", ":", ",", "_", "a", "x", "K", "İ", "ſ", "June", "june", "JAN",
          "Sept", "sep", "may", "march", "th", "st", "am", "a.m.", "PM", "时", "点", "分", "30",
          "万", "亿", "余", "多", "十", "一千", "二", "两", "名", "人", "%", "percent", "per cent",
          "million", "bn", "on", "last", "next", "Monday", "friday", "today", "Yesterday", "day",
          # whole expressions, so that matches and their near misses are common
          "6月20日", "月20日", "2023年6月20日", "20 日", "2023-06-20", "2023/6/2", "20 June",
          "June 20, 2023", "10:30", "3 pm", "8时30分", "6万", "1.2亿", "12万余", "二十三名",
          "on Tuesday", "since  friday", "lastmonday", "by\nSunday", "6月 20 日", "123,456",
          "12,345,678.5", "June 2023", "sept. 2023",
          "10:3", "9:05pm", "summay 5", "dismay", "todayesterday", "x", "12月3日", "1234年",
          "2023 年 12 月", "June 2023年", "2100", "1899", "\u2003", "5\u3000AM"]
soups = st.lists(st.sampled_from(TOKENS), max_size=16).map("".join)


def found(pattern: re.Pattern, text: str) -> list:
    return found_in(pattern.finditer(text))


@pytest.mark.parametrize("name", sorted(PLAIN))
@settings(max_examples=400, derandomize=True, deadline=None)
@given(text=soups)
def test_rewritten_pattern_matches_as_its_plain_form(name, text):
    pattern, flags = PLAIN[name]
    fast = getattr(dn, name)
    assert found(fast, text) == found(re.compile(pattern, flags), text)
    if fast in dn._CASE_SENSITIVE:  # those run case-sensitively on lower-cased text
        low = text.lower()
        assert found(dn._CASE_SENSITIVE[fast], low) == \
            found(re.compile(pattern, flags & ~re.I), low)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(text=soups)
def test_gates_never_hide_a_match(text):
    """月 plus a digit gates Chinese dates; without 年, _YEAR_MONTH is _MONTH_YEAR; a number
    with a Chinese multiplier needs one of them."""
    if dn._ZH_DATE.search(text):
        assert dn._ZH_DATE_GATE.search(text)
    if dn._ZH_NUMBER.search(text):
        assert dn._ZH_MULTIPLIER.search(text)
    if "年" not in text:
        for flags in (re.I, 0):
            where = text if flags else text.lower()
            plain = re.compile(PLAIN["_YEAR_MONTH"][0], flags)
            fast = dn._MONTH_YEAR if flags else dn._CASE_SENSITIVE[dn._MONTH_YEAR]
            assert found(fast, where) == found(plain, where)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(text=soups)
def test_keyword_anchored_scans_find_what_finditer_finds(text):
    """Month-name dates, month-year and yesterday/today tried only where their keywords start
    (one Aho-Corasick pass), weekdays only at, or before, their names, Chinese dates and years
    only where a digit starts one = scanning the whole text."""
    low = text.lower()
    words = dn.keywords_in(low)
    for keyword in dn.KEYWORDS:  # every occurrence, overlapping ones too
        assert words.get(keyword, []) == [m.start() for m in re.finditer(f"(?={keyword})", low)]
    years = dn.DigitRuns.of(low).years
    for pattern, keys, also in ((dn._EN_DATE_MD, dn.MONTHS, []), (dn._MONTH_YEAR, dn.MONTHS, []),
                                (dn._YEAR_MONTH, dn.MONTHS, years),
                                (dn._EN_RELATIVE, dn.EN_RELATIVE_DAYS, [])):
        sensitive = dn._CASE_SENSITIVE[pattern]
        starts = sorted([s for key in keys for s in words.get(key, ())] + also)
        assert found_in(dn.matches_at(sensitive, low, starts)) == found(sensitive, low)
    assert (found_in(dn.matches_at(dn._ZH_DATE, text, dn.DigitRuns.of(text).zh_dates))
            == found(dn._ZH_DATE, text))
    weekday = dn._CASE_SENSITIVE[dn._WEEKDAY]
    assert (found_in(dn.matches_at(weekday, low, dn.weekday_starts(low, words)))
            == found(weekday, low))


@settings(max_examples=600, derandomize=True, deadline=None)
@given(text=soups)
def test_digit_led_patterns_tried_only_where_runs_of_digits_allow_find_what_finditer_finds(text):
    """The digit-led patterns tried only at the places ``DigitRuns`` gives (a run's start, its
    last two digits, those of runs that can start the pattern's match) find what scanning the
    whole text (and its lower case) finds."""
    runs = dn.DigitRuns.of(text)
    assert runs.starts == [m.start() for m in re.finditer(r"(?<!\d)\d", text)]
    low = text.lower()  # longer than text where İ is in it: extract_dates then keeps re.I
    low_runs = dn.DigitRuns.of(low)
    for pattern, where, starts in (
            (dn._ISO_DATE, text, runs.starts), (dn._ZH_DAY, text, runs.starts),
            (dn._ZH_NUMBER, text, runs.starts), (dn._EN_NUMBER, text, runs.starts),
            (dn._EN_DATE_DM, text, runs.starts), (dn._TIME, text, runs.last_two),
            (dn._CASE_SENSITIVE[dn._EN_DATE_DM], low, low_runs.starts),
            (dn._CASE_SENSITIVE[dn._TIME], low, low_runs.last_two),
            # narrowed by the run's length and what follows it
            (dn._ISO_DATE, text, runs.iso_dates(text)), (dn._EN_DATE_DM, text, runs.short_starts),
            (dn._TIME, text, runs.times(text)),
            (dn._CASE_SENSITIVE[dn._EN_DATE_DM], low, low_runs.short_starts),
            (dn._CASE_SENSITIVE[dn._TIME], low, low_runs.times(low))):
        assert found_in(dn.matches_at(pattern, where, starts)) == found(pattern, where), pattern
    masked = dn.mask(text, [m.span() for m in dn._ZH_DATE.finditer(text)])
    assert (found_in(dn.matches_at(dn._ZH_DAY, masked, runs.starts))
            == found(dn._ZH_DAY, masked))


@settings(max_examples=400, derandomize=True, deadline=None)
@given(text=soups, cuts=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8)), max_size=4))
def test_run_starts_of_a_masked_text_are_those_a_scan_finds(text, cuts):
    """The runs of digits of a text with spans blanked, from the unmasked text's runs, are those
    a scan of the masked text finds (spans that cut a run, cover it, or miss it)."""
    masked = dn.mask(text, [(start, start + length) for start, length in cuts])
    assert dn.DigitRuns.of(text).starts_in(text, masked) == dn.DigitRuns.of(masked).starts


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text("杭州上城市区县镇a ", max_size=30))
def test_place_guesses_tried_before_their_suffix_find_what_finditer_finds(text):
    assert found_in(ev.place_guesses(text)) == found(ev._PLACE, text)


def found_in(matches) -> list:
    return [(m.span(), m.groups()) for m in matches]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text("ab 杭", max_size=30), st.lists(st.tuples(st.integers(0, 30), st.integers(0, 8)),
                                              max_size=6))
def test_mask_blanks_the_union_of_spans(text, raw):
    spans = [(s, min(s + n, len(text))) for s, n in raw if s <= len(text)]
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    assert dn.mask(text, spans) == "".join(chars)


@pytest.mark.parametrize("text,key", [
    ("2023年6月20日，杭州", "date:2023-06-20"),
    ("On June 20, 2023 the court", "date:2023-06-20"),
    ("on 20 June the court", "date:2023-06-20"),
    ("2023-06-20", "date:2023-06-20"),
    ("20日上午", "date:2023-06-20"),
    ("昨天下午", "date:2023-06-20"),
    ("police said yesterday", "date:2023-06-20"),
    ("The court ruled on Tuesday.", "date:2023-06-20"),
    ("IT WAS ANNOUNCED ON TUESDAY", "date:2023-06-20"),
])
def test_date_gates_keep_dates(text, key):
    out = Evidence()
    dn.extract_dates(text, date(2023, 6, 21), out)
    assert key in out.keys


def test_dates_and_times_are_blanked_before_numbers():
    rest = dn.extract_dates("June 2023: 2023年 at 10:30 a 15,000 fine", date(2023, 6, 21), Evidence())
    out = Evidence()
    dn.extract_numbers(rest, out)
    assert set(out.keys) == {"num:15000", "approx:15000"}


# ------------------------------------------------------------------ forward maximum matching


def reference_fmm(text: str, lexicon: Lexicon) -> list[tuple[int, str]]:
    """At each ideograph, the longest headword there (tried at every length), else one step."""
    found, i, top = [], 0, min(lexicon.max_len, 12)
    while i < len(text):
        step = 1
        if "\u4e00" <= text[i] <= "\u9fff":
            for length in range(min(top, len(text) - i), 1, -1):
                if text[i:i + length] in lexicon.words:
                    step = length
                    break
            if step > 1 and text[i:i + step] in lexicon.proper:
                found.append((i, text[i:i + step]))
        i += step
    return found


WORDS = {"浙江": True, "江西": True, "西部": False, "浙江西部": False, "卡拉OK": False,
         "OK厅": True, "A型": True, "型号": False, "杭州": True, "杭州市": True, "州市": False,
         "上城区": True}
LEXICON = Lexicon(proper={w: ("k",) for w, p in WORDS.items() if p}, words=frozenset(WORDS),
                  max_len=max(map(len, WORDS)))


@pytest.mark.parametrize("text", [
    "浙江西部", "浙江西", "在浙江西", "江西部", "杭州市上城区", "杭州", "杭",  # ends mid-word
    "Hangzhou police said on Tuesday", "", "a",  # Latin only, empty
    "卡拉OK厅", "A型号", "xA型号", "😀浙江😀江西", "杭州 市", "浙江\n西部", "上城区杭州市州市",
])
def test_segmentation_is_forward_maximum_matching(text):
    assert segment_proper(text, LEXICON) == reference_fmm(text, LEXICON)


def test_segmentation_takes_the_longer_word_not_a_name_inside_it():
    assert segment_proper("浙江西部", LEXICON) == []  # 浙江西部 is one (ordinary) word
    assert segment_proper("浙江西", LEXICON) == [(0, "浙江")]
    assert segment_proper("😀浙江", LEXICON) == [(1, "浙江")]  # offsets in characters


def test_lexicon_pickles_without_its_segmenter():
    lexicon = Lexicon(proper={"杭州": ("hangzhou",)}, words=frozenset({"杭州"}), max_len=2)
    assert segment_proper("在杭州", lexicon) == [(1, "杭州")]  # builds the segmenter
    copy = pickle.loads(pickle.dumps(lexicon))
    assert "_segmenter" not in copy.__dict__
    assert segment_proper("在杭州", copy) == [(1, "杭州")]


def test_a_lexicon_without_words_finds_nothing():
    assert segment_proper("浙江西部", Lexicon()) == []
    assert extract_evidence("浙江西部 6月20日", Lexicon(), "2023-06-21").keys == {
        "date:2023-06-20": "6月20日"}


# ------------------------------------------------------------------ NFKC


def test_wide_forms_are_their_nfkc_forms():
    for char, form in ev._WIDE_FORMS.items():
        assert unicodedata.normalize("NFKC", char) == form
    assert set(ev._WIDE_FORMS) == {chr(c) for c in range(0x110000) if ev._WIDE.match(chr(c))}


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.text(st.sampled_from("，：（）！％１Ａａ\u3000…①™ｶﾞ\u0301\u0308\u3099e杭ｰ ˙ﾟ"), max_size=20))
def test_nfkc_is_unicode_nfkc(text):
    """Wide forms next to combining marks (Ａ + U+0301 → Á), halfwidth katakana and voicing
    marks, characters NFKC changes that are not wide forms."""
    assert ev.nfkc(text) == unicodedata.normalize("NFKC", text)


def plain_numbers(text: str) -> Evidence:
    """extract_numbers as it stood before its per-match caches: each match read into keys
    where it is found."""
    out = Evidence()

    def add(value, surface, percent=False):
        for key in dn.number_keys(value, percent):
            out.add(key, surface)

    spans = []
    for match in re.finditer(PLAIN["_ZH_NUMBER"][0], text):
        digits, multipliers = match.groups()
        try:
            value = dn.Decimal(digits.replace(",", ""))
        except dn.InvalidOperation:
            continue
        for char in multipliers:
            value *= dn.ZH_MULTIPLIERS[char]
        spans.append(match.span())
        add(value, match.group(0))
    text = dn.mask(text, spans)
    for match in re.finditer(PLAIN["_EN_NUMBER"][0], text, re.I):
        digits, fraction, percent, multiplier = match.groups()
        value = dn.Decimal(digits.replace(",", "") + (fraction or ""))
        if multiplier:
            value *= dn.EN_MULTIPLIERS[multiplier.lower()]
        elif not percent and "," not in digits and 1900 <= value <= 2100 and not fraction:
            continue
        add(value, match.group(0), percent=bool(percent))
    for match in re.finditer(PLAIN["_CN_NUMBER"][0], text):
        value = dn.parse_cn_numeral(match.group(0))
        if value is not None and value.bit_length() <= 4 * dn.MAX_NUMBER_DIGITS:
            add(dn.Decimal(value), match.group(0))
    return out


@settings(max_examples=600, derandomize=True, deadline=None)
@given(text=soups)
def test_numbers_read_once_per_distinct_match_as_plain(text):
    """Numbers read through the per-match caches (findall, keys cached by the match's groups)
    give the keys and surfaces of reading every match where it is found."""
    out = Evidence()
    dn.extract_numbers(text, out)
    assert list(out.keys.items()) == list(plain_numbers(text).keys.items())
    again = Evidence()
    dn.extract_numbers(text, again)  # from the caches now
    assert list(again.keys.items()) == list(out.keys.items())
