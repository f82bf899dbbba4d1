"""``word_rarity.zipf`` is wordfreq's ``zipf_frequency``, float for float."""
import random

from wordfreq import get_frequency_dict, zipf_frequency

from pipelines.word_rarity import _PLAIN_WORDS, zipf


def test_plain_english_forms_get_wordfreqs_own_value():
    """Every 15th plain word of wordfreq's English list, multi-word names made of them, letter
    strings it does not list (the minimum), and forms that take wordfreq's own path."""
    words = sorted(w for w in get_frequency_dict("en", "best") if _PLAIN_WORDS.match(w))
    rng = random.Random(7)
    forms = words[::15]
    forms += [" ".join(rng.choice(words) for _ in range(rng.randint(2, 4))) for _ in range(3000)]
    forms += ["".join(rng.choice("qxzjkv") for _ in range(rng.randint(3, 9))) for _ in range(500)]
    forms += ["gun-wielding", "i’m", "wcvb-tv", "covid 19", "boris  johnson", " us", "Trump", "é"]
    assert len(forms) > 20_000
    mismatched = [(f, zipf(f, "en"), zipf_frequency(f, "en")) for f in forms
                  if zipf(f, "en") != zipf_frequency(f, "en")]
    assert not mismatched, mismatched[:5]


def test_other_languages_are_wordfreqs_own():
    for form in ("杭州", "微信", "深度伪造", "beijing"):
        assert zipf(form, "zh") == zipf_frequency(form, "zh")


def test_chinese_forms_get_wordfreqs_own_value():
    """Ideograph forms take their own path (jieba and the combining only): every 25th
    ideograph entry of wordfreq's Chinese list, Traditional spellings of some, unlisted strings
    of their characters (jieba splits those: the penalty per break), place-like forms."""
    import re

    from pipelines import word_rarity
    from pipelines.normalise import to_traditional

    zipf_frequency("中国", "zh")  # wordfreq makes its jieba tokenizer on first use
    ideographs = re.compile("[\u4e00-\u9fff]+")
    words = sorted(w for w in get_frequency_dict("zh", "best") if ideographs.fullmatch(w))
    chars = sorted({c for w in words[:3000] for c in w})
    rng = random.Random(11)
    forms = words[::25]
    forms += [to_traditional(w) for w in words[:20000:40]]
    forms += ["".join(rng.choice(chars) for _ in range(rng.randint(1, 6))) for _ in range(3000)]
    forms += [rng.choice(words) + rng.choice("市县区镇省") for _ in range(500)]
    assert len(forms) > 8000
    word_rarity._zh_values.clear()
    mismatched = [(f, zipf(f, "zh"), zipf_frequency(f, "zh")) for f in forms
                  if zipf(f, "zh") != zipf_frequency(f, "zh")]
    assert not mismatched, mismatched[:5]
    assert word_rarity._chinese("中国") == zipf_frequency("中国", "zh")  # the path was taken
