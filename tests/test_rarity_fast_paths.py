"""Fast paths of the incident stage's rarity and Chinese-name scan give what the plain code
they replace gives (issue 15): ``background_rarity`` against the per-form loop it replaced,
and a text without an ideograph yields no Chinese name from any of the scans it now skips."""
from __future__ import annotations

import math
import random
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wordfreq import get_frequency_dict, zipf_frequency, zipf_to_freq

from dedupe.incidents import evidence
from dedupe.incidents.bilingual import COMMON_SURNAMES, NAME_CUES, Lexicon, proper_nouns
from dedupe.incidents.evidence import Evidence, extract_chinese_names
from pipelines import incidents
from pipelines.incidents import BACKGROUND_FLOOR, SMALL_NUMBER, ZIPF_COMMON, ZIPF_RARE

_PLAIN = re.compile(r"[a-z]+(?: [a-z]+)*\Z")


def reference_zipf(form: str, lang: str) -> float:
    """The per-call arithmetic ``word_rarity.zipf`` had before its per-bucket table."""
    if lang != "en" or not _PLAIN.match(form):
        return zipf_frequency(form, lang)
    floor = zipf_to_freq(0.0)
    freqs = get_frequency_dict("en", "best")
    one_over = 0.0
    for token in form.split(" "):
        freq = freqs.get(token)
        if freq is None:
            return round(math.log(floor, 10) + 9, 2)
        one_over += 1.0 / freq
    freq = max(1.0 / one_over, floor)
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)
    return round(math.log(freq, 10) + 9, 2)


def reference_rarity(key: str, surface: str) -> float:
    """``background_rarity`` as it was written before (forms built, then one loop)."""
    kind, value = key.split(":", 1)
    if kind in ("num", "approx"):
        return SMALL_NUMBER if Decimal(value) < 100 else 1.0
    if kind != "ent":
        return 1.0
    forms = {surface.strip().lower(), surface.strip().rstrip("省市县区").lower(), value}
    zipf = 0.0
    for form in filter(None, forms):
        lang = "zh" if re.search(r"[\u3400-\u9fff]", form) else "en"
        zipf = max(zipf, reference_zipf(form, lang))
    return min(1.0, max(BACKGROUND_FLOOR, (ZIPF_COMMON - zipf) / (ZIPF_COMMON - ZIPF_RARE)))


def _pairs() -> list[tuple[str, str]]:
    rng = random.Random(15)
    english = sorted(w for w in get_frequency_dict("en", "best") if _PLAIN.match(w))
    chinese = sorted(get_frequency_dict("zh", "best"))
    pairs = []
    for _ in range(4000):
        words = [rng.choice(english) for _ in range(rng.randint(1, 4))]
        surface = " ".join(w.capitalize() if rng.random() < 0.7 else w for w in words)
        pairs.append(("ent:" + "".join(words), rng.choice(["", " ", "\n"]) + surface))
        pairs.append(("ent:" + rng.choice(english), surface + rng.choice(["'s", "-born", ""])))
    for _ in range(1500):
        word = rng.choice(chinese) + rng.choice(["", "", "市", "省", "县区", "镇", "市 "])
        pairs.append(("ent:" + rng.choice(english + ["", "zhongguo"]), word))
    pairs += [("num:" + str(rng.randint(10, 10**6)), "x") for _ in range(200)]
    pairs += [("approx:3500000", "350万"), ("num:99.5", "99.5"), ("date:2023-06-20", "昨天"),
              ("pct:6.3", "6.3%"), ("term:fraud", "诈骗"), ("ent:", "市"), ("ent:us", "US"),
              ("ent:xian", "Xi'an"), ("ent:shangcheng", "上城区"), ("ent:ab", " ÉCOLE ")]
    return pairs


def test_background_rarity_equals_the_per_form_loop():
    pairs = _pairs()
    assert len(pairs) > 9_000
    mismatched = [(k, s) for k, s in pairs
                  if incidents.background_rarity.__wrapped__(k, s) != reference_rarity(k, s)]
    assert not mismatched, mismatched[:5]


def test_one_word_values_come_from_the_bucket_table_in_any_order():
    """A bucket's value is the same whichever of its words asks first."""
    from pipelines import word_rarity

    words = sorted(w for w in get_frequency_dict("en", "best") if _PLAIN.match(w))[::7]
    random.Random(3).shuffle(words)
    word_rarity._by_frequency.clear()
    assert [word_rarity.zipf(w, "en") for w in words] == [reference_zipf(w, "en") for w in words]


# ------------------------------------------------------------------ Chinese names' gate

NOT_IDEOGRAPHS = "abZ 09.,:;!?\n〇㐀㐁·「」（）ー아カ\u3000\u4dff\ua000"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return incidents.load_lexicon()


def test_every_pattern_the_gate_stands_for_needs_an_ideograph(lexicon):
    ideograph = re.compile("[\u4e00-\u9fff]")
    assert all(ideograph.match(c) for c in COMMON_SURNAMES)
    assert all(ideograph.search(cue) for cue in NAME_CUES)
    assert all(ideograph.search(m) for m in evidence._SURNAME_MARKERS)
    assert all(p is None or ideograph.match(p) for p in lexicon.segmenter.proper)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(NOT_IDEOGRAPHS + "王市某", max_size=60))
def test_a_text_without_ideographs_has_no_chinese_name_from_any_scan(lexicon, text):
    """What ``extract_chinese_names`` skips for such a text finds nothing there (the scans
    themselves, ungated); with an ideograph in it, the gate lets the text through."""
    out = Evidence()
    extract_chinese_names(text, lexicon, out)
    if evidence._IDEOGRAPH.search(text):
        return
    assert not out.keys and not out.probes
    assert not proper_nouns(text, lexicon)
    assert not list(evidence._CUED_NAME.finditer(text))
    assert not list(evidence._SURNAME_PATTERN.finditer(text))
    assert not list(evidence._PLACE.finditer(text))


def test_the_gate_keeps_chinese_names(lexicon):
    out = Evidence()
    extract_chinese_names("abc 杭州市 王某 嫌疑人张伟 上城区", lexicon, out)
    assert "ent:hangzhou" in out.keys and "ent:wang" in out.keys


# ------------------------------------------------------------------ clutter lines

CLUTTER_PIECES = ["ICP", "备案号", "版权所有", "版權所有", "All Rights Reserved", "copyright", "©",
                  "(c) 2023", "(C)", "客户端", "App", "下载", "點擊", "点击", "扫码", "掃碼", "关注我们",
                  "分享到", "点赞", "點讚", "评论（3", "阅读：12", "责任编辑", "責任編輯", "编辑：", "来源:",
                  "來源：", "原标题", "Shares: 4", "likes 12", "view(3", "12 comments", "3 Views",
                  "Sign up", "sign  up", "newsletter", "subscribe", "Advertisement", "download the app",
                  "follow us", "unsubscribed", "ſubscribe", "İCP", "ıcp", "\u212aICKS", "٣ shares",
                  "share", "comment", "view", "like", " ", "\n", "x", "新闻", "9", "(", "（", ":"]


@settings(max_examples=800, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(CLUTTER_PIECES), max_size=8),
       st.text("IiCcAaSsLlVvNnDdFfPpUuGgOoEeRrTtWw ſı\u212a©(（:：0٣备点 \n", max_size=30))
def test_clutter_pattern_with_its_lookahead_matches_as_the_plain_one(pieces, noise):
    plain = re.compile(incidents.CLUTTER, re.I)
    for line in ("".join(pieces), " ".join(pieces) + noise, noise, noise + "".join(pieces)):
        found, expected = incidents._CLUTTER.search(line), plain.search(line)
        assert (found and found.span()) == (expected and expected.span()), line


# ------------------------------------------------------------------ Latin name chains

@settings(max_examples=500, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(["Hong", "Kong", "The", "of", "the", "de", "for", "A", "I", "X",
                                 "People's", "O’Brien", "Jean-Luc", "-Smith", "Smith-", "Is",
                                 "Kong's", "Li", "US", "Former", "ab", "s"]), min_size=1, max_size=4),
       st.lists(st.sampled_from([" ", "\n", "  ", "\t", " \n "]), min_size=3, max_size=3))
def test_one_word_chains_read_as_any_chain(words, gaps):
    """``ChainWords.of``'s one-word path gives what parsing the chain gives, for every chain
    the chain pattern finds in such a text."""
    from dedupe.incidents.latin_names import _CHAIN, ChainWords

    text = "".join(w + g for w, g in zip(words, gaps + [""]))
    for chain in [*_CHAIN.findall(text), *words]:
        assert ChainWords.of(chain) == ChainWords.parse(chain), chain
