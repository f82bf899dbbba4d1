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
