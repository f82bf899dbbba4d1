"""Stories from sketches made where the articles were extracted (``cluster``'s pool) are the
stories ``assign_stories`` makes from the texts, whatever the batches and their order."""
from __future__ import annotations

import random

import pytest
from test_templated import article, warnings

from dedupe import StoryConfig, StoryIndex
from dedupe.stories.features import featurise
from pipelines import assign
from pipelines.assign import SketchBuffer, assign_sketched, assign_stories, sketch_articles
from pipelines.records import Article

REPORT = ("The provincial court sentenced a man to four years in prison on {day} for using "
          "face-swap software to impersonate a company director in a video call and obtain "
          "{amount} yuan from the firm's finance staff. Police traced the transfers to {city}.")


def _articles() -> list[Article]:
    """Templated short warnings (split by their clashing facts), copies of them, long reports
    with copies that add a source line or lose their end, and distinct reports."""
    docs = warnings()
    docs += [article("c1", docs[0].text), article("c2", "来源：新华社\n" + docs[0].text)]
    for i, (day, amount, city) in enumerate([("Monday", "4.3 million", "Fuzhou"),
                                             ("Friday", "1.2 million", "Baotou"),
                                             ("Tuesday", "600,000", "Hefei")]):
        text = REPORT.format(day=day, amount=amount, city=city) * 3
        docs.append(Article(id=f"r{i}", url=f"https://a.example/r{i}", title=None, text=text,
                            lang="en", script=None, published="2024-05-01", site="a.example"))
        docs.append(Article(id=f"r{i}b", url=f"https://b.example/r{i}", title=None,
                            text="Source: Xinhua. " + text[: len(text) * 3 // 4], lang="en",
                            script=None, published="2024-05-02", site="b.example"))
    return docs


def _outputs(stories) -> list[dict]:
    return [s.as_output() for s in stories]


@pytest.mark.parametrize("seed", range(4))
def test_sketched_batches_give_the_stories_of_the_texts(monkeypatch, seed):
    monkeypatch.setattr(assign, "NORMALISE_CHUNK", 3)  # several index chunks on this input
    expected = _outputs(assign_stories(_articles()))
    docs = _articles()
    rng = random.Random(seed)
    rng.shuffle(docs)  # batches in arrival order, not id order
    config = StoryConfig()
    sketches = SketchBuffer(config)
    start = 0
    while start < len(docs):
        size = rng.randint(1, 4)
        sketches.add(sketch_articles(docs[start:start + size], config))
        start += size
    got = _outputs(assign_sketched(docs, sketches))
    assert got == expected
    assert len(expected) < len(docs)  # copies were grouped: the check compares real stories
    assert {a.id: a.story_id for a in docs} == {
        i: s["story_id"] for s in expected for i in s["article_ids"]}


def test_add_features_refuses_repeated_ids_and_a_row_count_mismatch():
    config = StoryConfig()
    feats = featurise(["one text about a flood barrier", "another text on a court case"], config)
    index = StoryIndex(config)
    with pytest.raises(ValueError, match="duplicate"):
        index.add_features(["a", "a"], feats)
    with pytest.raises(ValueError, match="ids for"):
        index.add_features(["a"], feats)
    index.add_features(["a", "b"], feats)
    with pytest.raises(ValueError, match="duplicate"):
        index.add_features(["b"], feats.take(slice(0, 1)))
    assert len(index) == 2
