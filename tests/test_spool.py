"""Articles whose text lives on disk behave as the plain article they came from."""
from __future__ import annotations

import pickle
from dataclasses import asdict, replace

from newsdedup.spool import SpooledArticle, TextSpool
from pipelines.records import Article, Location


def _article(text: str, n: int = 0) -> Article:
    return Article(id=f"a{n:03d}", url=f"https://example.cn/{n}", title="标题", text=text,
                   lang="zh", script="Hans", published="2024-05-01", site="example.cn",
                   location=Location("in.jsonl", line=n + 1))


def test_texts_round_trip_through_the_spool_and_leave_memory():
    texts = ["杭州市中级人民法院审理一起AI换脸诈骗案。", "A court in Hangzhou.\nSecond line.",
             "lone surrogate \ud800 survives", "", "x" * 100_000]
    with TextSpool() as spool:
        spooled = [SpooledArticle.of(_article(t, i), spool) for i, t in enumerate(texts)]
        assert [a.text for a in spooled] == texts
        assert spool.nbytes == sum(len(t.encode("utf-8", "surrogatepass")) for t in texts)
        assert all("text" not in a.__dict__ for a in spooled)  # not held in the object
        for plain, s in zip(map(_article, texts, range(len(texts))), spooled):
            assert s == plain and isinstance(s, Article)
            assert s.as_output() == plain.as_output() and asdict(s) == asdict(plain)


def test_spooled_article_pickles_and_copies_as_a_plain_article():
    with TextSpool() as spool:
        spooled = SpooledArticle.of(_article("正文" * 50), spool)
        spooled.story_id = "sa000"
        back = pickle.loads(pickle.dumps(spooled))
        assert type(back) is Article and back == spooled and back.story_id == "sa000"
        changed = replace(spooled, title="新标题")
        assert changed.text == spooled.text and changed.title == "新标题"


def test_spooled_articles_share_their_repeated_field_values():
    """Values that arrive as separate strings (unpickled from the worker pool) are kept once."""
    with TextSpool() as spool:
        first, second = (SpooledArticle.of(pickle.loads(pickle.dumps(_article("x", n))), spool)
                         for n in range(2))
        for name in ("site", "published", "lang", "script"):
            assert getattr(first, name) == getattr(second, name)
            assert getattr(first, name) is getattr(second, name), name
        assert first.url is not second.url and first.url != second.url


def test_texts_beyond_four_gigabytes_of_spool_read_back():
    """An article keeps its text's place as one int (offset and length packed): offsets past
    2**32 (a spool of ~1M articles) must still read back (a sparse file: nothing is written)."""
    with TextSpool() as spool:
        spool._end = 5 * 2**30 + 7
        first, second = (SpooledArticle.of(_article(t, n), spool) for n, t in enumerate(["正文一", "second"]))
        assert (first.text, second.text) == ("正文一", "second")


def test_spooled_evidence_round_trips_every_surface():
    """Evidence waits in the spool as encoded lines: keys and surfaces come back exactly, with
    tabs, newlines, quotes and non-BMP characters in them."""
    from dedupe.incidents.evidence import Evidence
    from newsdedup.spool import SpooledEvidence
    from pipelines.incidents import decode_evidence, encode_evidence

    found = {
        "a1": Evidence({"date:2023-06-20": "6月\n20日", "ent:yu": 'Yu "the\tboss"'},
                       {"ent:zhang": "张𠀀"}),
        "a2": Evidence(),
    }
    with TextSpool() as spool:
        stored = SpooledEvidence(spool, encode_evidence, decode_evidence)
        for key, evidence in found.items():
            stored[key] = evidence
        stored.put_encoded("a3", encode_evidence(found["a1"]))
        assert len(stored) == 3 and sorted(stored) == ["a1", "a2", "a3"]
        assert stored["a1"] == found["a1"] and stored["a3"] == found["a1"]
        assert stored["a2"] == Evidence() and "a4" not in stored
