"""Evidence keys: numbers, dates, names and terms land in one key space in both languages."""
from __future__ import annotations

import pytest

from dedupe.incidents.bilingual import (
    Lexicon,
    definition_name,
    latin_key,
    name_pinyin,
    parse_cedict,
    pinyin_key,
    segment_proper,
)
from dedupe.incidents.evidence import extract_evidence, parse_cn_numeral
from pipelines.incidents import load_lexicon
from pipelines.normalise import to_simplified

# A few CC-CEDICT lines, in the file's own format, for tests that need no full dictionary.
CEDICT_LINES = """\
# CC-CEDICT sample
杭州 杭州 [Hang2 zhou1] /Hangzhou subprovincial city and capital of Zhejiang province/
上城區 上城区 [Shang4 cheng2 qu1] /Shangcheng district of Hangzhou city/
公安部 公安部 [Gong1 an1 bu4] /Ministry of Public Security/
比亞迪 比亚迪 [Bi3 ya4 di2] /BYD Company (company name)/
網絡 网络 [Wang3 luo4] /Internet/
網絡 网络 [wang3 luo4] /network (computing, telecommunications, transport etc)/
浙江 浙江 [Zhe4 jiang1] /Zhejiang province (Chekiang) in east China/
江西 江西 [Jiang1 xi1] /Jiangxi province/
西部 西部 [xi1 bu4] /western part/
虞 虞 [Yu2] /surname Yu/
曾 曾 [Zeng1] /surname Zeng/
曾 曾 [ceng2] /once/already/
偉 伟 [wei3] /big/large/great/
""".splitlines()


@pytest.fixture(scope="module")
def small() -> Lexicon:
    return parse_cedict(CEDICT_LINES)


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def keys(text: str, lexicon: Lexicon, published: str | None = "2023-06-21") -> set[str]:
    return set(extract_evidence(to_simplified(text), lexicon, published).keys)


def test_parse_cedict_proper_nouns_surnames_and_ambiguous_words(small):
    assert small.proper["杭州"] == ("hangzhou",)
    assert small.proper["上城区"] == ("shangcheng", "shangchengqu")
    assert small.proper["公安部"] == ("gonganbu", "ministryofpublicsecurity")
    assert small.proper["比亚迪"] == ("biyadi", "byd", "bydcompany")
    assert "网络" not in small.proper  # also an ordinary word ("network")
    assert small.surnames == {"虞": "yu", "曾": "zeng"}
    assert small.readings == {"曾": "ceng", "伟": "wei"}


def test_name_helpers(small):
    assert latin_key("Xi'an") == "xian"
    assert latin_key("People's Court") == "peoplecourt"
    assert latin_key("Lü") == "lu"
    assert pinyin_key("Lu:3 Xun4") == "luxun"
    assert definition_name("Hangzhou subprovincial city") == "hangzhou"
    assert definition_name("surname Yu") is None
    assert definition_name("Supreme People's Court (PRC)") == "supremepeoplecourt"
    assert name_pinyin("曾伟", small) == "zengwei"  # 曾 read as a surname, not ceng


def test_forward_maximum_matching_does_not_straddle_words(small):
    assert segment_proper("浙江西部", small) == [(0, "浙江")]


@pytest.mark.parametrize("zh,en,key", [
    ("非法获利6万元", "earned 60,000 yuan", "num:60000"),
    ("制作视频1200余段", "more than 1,200 videos", "num:1200"),
    ("查获7000余个", "found 7,000 clips", "num:7000"),
    ("涉案金额1.2亿余元", "involving 120 million yuan", "num:120000000"),
    ("共2億港元", "HK$200 million", "num:200000000"),
    ("并处罚金人民币七万元", "fined 70,000 yuan", "num:70000"),
    ("抓获犯罪嫌疑人二十三名", "23 suspects", "num:23"),
    ("同比增长12.7%", "rose 12.7 percent", "pct:12.7"),
])
def test_numbers_meet_across_languages(lexicon, zh, en, key):
    assert key in keys(zh, lexicon)
    assert key in keys(en, lexicon)


def test_rounded_numbers_meet_and_small_numbers_and_years_are_left_out(lexicon):
    assert "approx:3500000" in keys("涉案350万元", lexicon) & keys("3.46 million yuan", lexicon)
    found = keys("In 2023 three men got 3 years; 5个账户", lexicon)
    assert not {k for k in found if k.startswith(("num:", "approx:"))}


def test_parse_cn_numeral():
    assert [parse_cn_numeral(t) for t in ("一千二百", "二十三", "两万", "十五", "一一")] == [
        1200, 23, 20000, 15, None]


@pytest.mark.parametrize("text,published", [
    ("2023年6月20日，法院公开宣判", None),
    ("6月20日上午宣判", "2023-06-21"),
    ("記者昨天從法院獲悉", "2023-06-21"),  # Traditional, relative day
    ("20日上午，法院宣判", "2023-06-22"),
    ("handed down the sentence on June 20, 2023", None),
    ("the court said on 20 June", "2023-06-25"),
    ("the court said on Tuesday", "2023-06-22"),
    ("Hangzhou (June 20, 2023): a man", None),
    ("Published 2023-06-20", None),
])
def test_dates_resolve_to_one_day(lexicon, text, published):
    found = {k for k in keys(text, lexicon, published) if k.startswith("date:")}
    assert found == {"date:2023-06-20"}


def test_dateline_is_a_date_not_a_company(lexicon):
    found = keys("华讯网北京3月16日电（记者 何静）", lexicon, "2026-03-16")
    assert "date:2026-03-16" in found and "ent:beijing" in found and "ent:nec" not in found


def test_yearless_date_in_january_report_is_last_year(lexicon):
    assert "date:2022-12-28" in keys("12月28日晚，警方接报", lexicon, "2023-01-03")


def test_entities_meet_through_dictionary_and_pinyin(lexicon):
    zh = keys("杭州市上城区人民法院对被告人虞某某公开宣判，公安部通报", lexicon)
    en = keys("The Shangcheng District People's Court in Hangzhou sentenced a man surnamed Yu;"
              " the Ministry of Public Security said", lexicon)
    assert {"ent:hangzhou", "ent:shangcheng", "ent:yu", "ent:ministryofpublicsecurity"} <= zh & en


def test_cued_full_names_are_probes_that_meet_english_names(lexicon):
    evidence = extract_evidence("被告人张伟犯诈骗罪", lexicon, None)
    assert "ent:zhangwei" in evidence.probes and "ent:zhangwei" not in evidence.keys
    assert "ent:zhangwei" in keys("The defendant, Zhang Wei, pleaded guilty", lexicon)


def test_sentence_starts_and_generic_words_are_not_names(lexicon):
    found = keys("He said the Court and Police in China. The case.", lexicon)
    assert {k for k in found if k.startswith("ent:")} == {"ent:china"}


def test_key_terms_map_both_languages(lexicon):
    zh = keys("利用AI换脸技术制作淫秽视频，电信网络诈骗", lexicon)
    en = keys("used face-swap software to make pornographic deepfakes; a telecom fraud ring",
              lexicon)
    assert {"term:deepfake", "term:pornography", "term:telecom-fraud"} <= zh & en
    assert "term:fire" not in keys("he was fired", lexicon)


def test_named_bodies_missing_from_cedict(lexicon):
    zh = keys("国家市场监督管理总局发布召回公告", lexicon)
    en = keys("the State Administration for Market Regulation said", lexicon)
    assert "ent:samr" in zh & en


def test_evidence_is_deterministic_and_sorted(lexicon):
    text = "2023年6月20日，杭州市上城区人民法院判处虞某某有期徒刑，获利6万元"
    first = extract_evidence(text, lexicon, "2023-06-20")
    second = extract_evidence(text, lexicon, "2023-06-20")
    assert first == second
    assert list(first.keys) == sorted(first.keys)
