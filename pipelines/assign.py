"""Assign stage: group articles into stories and give each article its ``story_id``.

The grouping itself is ``dedupe`` (pure, text in → clusters out); this stage turns articles into
the inputs it needs and its clusters into ``Story`` records.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from dedupe import StoryConfig, StoryDoc, StoryIndex, choose_representative
from dedupe.stories.features import Features, empty_features, featurise
from dedupe.stories.templates import SHORT_CHARS, split_templated
from pipelines.dates import robust_first, sortable, trusted
from pipelines.normalise import normalise_for_matching
from pipelines.paragraphs import drop_boilerplate_lines
from pipelines.records import Article, Story
from pipelines.timing import timed

NORMALISE_CHUNK = 2_000  # articles folded at a time: bounds the folded copies held (~15 KB each)


# A boilerplate line is at most ~500 characters (pipelines.boilerplate's bounds): shared by
# two texts this long with nothing else in common it stays far below the link thresholds
# (Jaccard 0.5, containment), so their lines are not read (the lines' regex cost 2.5 s of 20k
# texts' 5.4 s of normalising).
BOILERPLATE_SHARE_CHARS = 2_000


def story_doc(article: Article) -> StoryDoc:
    """What dedupe sees of an article: its text without boilerplate lines (``matching_text``),
    folded for matching (the title is left out: portals rewrite headlines, so a headline says
    little about being a copy)."""
    return StoryDoc(id=article.id, text=normalise_for_matching(matching_text(article.text)),
                    published=sortable(article.published), length=len(article.text))


def matching_text(text: str) -> str:
    """``text`` without its boilerplate lines (credits, disclaimers, prompts:
    ``pipelines.paragraphs.drop_boilerplate_lines``), what copies are matched on. A page's
    extracted text has none left; a dump's own ``text`` may carry them, and a disclaimer
    shared by short texts made unrelated briefs copies (60-character briefs under one
    119-character 特别声明: Jaccard 0.55, linked). The article keeps its text as given; a
    text of boilerplate alone is matched as it is, and so is a text of BOILERPLATE_SHARE_CHARS
    or more, which its boilerplate cannot make a copy of another."""
    if len(text) >= BOILERPLATE_SHARE_CHARS:
        return text
    lines = text.split("\n")
    kept = drop_boilerplate_lines(lines)
    return "\n".join(kept) if kept and len(kept) < len(lines) else text


def story_id_for(article_ids: Sequence[str]) -> str:
    """A story's id: ``s`` + its smallest article id, so it does not depend on arrival order."""
    return "s" + min(article_ids)


def story_record(story_id: str, members: Sequence[Article]) -> Story:
    """The ``Story`` of these copies: representative by ``dedupe.choose_representative``
    (earliest published, compared by day: a timestamped copy before a date-only one of its day;
    then longest text, then smallest id; a copy the first publication ignores counts as undated),
    first publication robust to one outlying copy (``pipelines.dates``), languages."""
    dates = trusted([a.published for a in members])
    return Story(
        story_id=story_id,
        article_ids=sorted(a.id for a in members),
        representative_id=choose_representative(
            StoryDoc(a.id, "", sortable(d), len(a.text)) for a, d in zip(members, dates)),
        languages=sorted({a.lang for a in members}),
        first_published=robust_first([a.published for a in members]),
    )


def build_stories(articles: Sequence[Article], clusters: Sequence[Sequence[str]]) -> list[Story]:
    """Turn clusters of article ids into ``Story`` records and set ``story_id`` on articles."""
    by_id = {a.id: a for a in articles}
    stories = []
    for cluster in clusters:
        members = [by_id[i] for i in cluster]
        story = story_record(story_id_for(cluster), members)
        for article in members:
            article.story_id = story.story_id
        stories.append(story)
    return sorted(stories, key=lambda s: s.story_id)


def assign_stories(articles: Sequence[Article], config: StoryConfig | None = None) -> list[Story]:
    """Group ``articles`` into stories (batch), setting each article's ``story_id``.

    Texts are folded for matching one chunk of ``NORMALISE_CHUNK`` articles at a time and
    dropped once sketched, so a big dump never holds a second copy of every text (the index
    gives the same clusters fed in chunks as in one batch). Only short texts are kept, for the
    templated-text split (county warnings whose places/numbers clash are separate stories)."""
    ordered = sorted(articles, key=lambda a: a.id)
    index = StoryIndex(config or StoryConfig())
    short_texts: dict[str, str] = {}
    for start in range(0, len(ordered), NORMALISE_CHUNK):
        with timed("normalise"):
            docs = [story_doc(a) for a in ordered[start:start + NORMALISE_CHUNK]]
        short_texts.update((d.id, d.text) for d in docs if len(d.text) < SHORT_CHARS)
        with timed("sketch+LSH"):
            index.add_many(docs)
        del docs
    return _stories(index, articles, short_texts)


@dataclass
class Sketched:
    """The story stage's view of a batch of articles, made where they were extracted (a worker
    of ``cluster``): their sketches, and their folded texts when short (the templated split).
    ~0.5 KB an article, where the folded text is ~4 KB; ``assign_sketched`` needs no text."""

    ids: list[str] = field(default_factory=list)
    features: Features | None = None
    short_texts: dict[int, str] = field(default_factory=dict)  # row → folded text, if short


def sketch_articles(articles: Sequence[Article], config: StoryConfig) -> Sketched:
    """Fold and sketch ``articles`` (one batch, in this process): ``story_doc`` then
    ``featurise``, exactly what ``assign_stories`` does with them."""
    with timed("normalise"):
        docs = [story_doc(a) for a in articles]
    with timed("sketch+LSH"):
        features = featurise([d.text for d in docs], replace(config, workers=1))
    return Sketched([d.id for d in docs], features,
                    {row: d.text for row, d in enumerate(docs) if len(d.text) < SHORT_CHARS})


class SketchBuffer:
    """``Sketched`` batches gathered for ``assign_sketched``: their rows in one growing
    ``Features`` (capacity doubling, so held memory is the sketches, not one object per batch),
    their ids and short texts."""

    def __init__(self, config: StoryConfig) -> None:
        self.config = config
        self.ids: list[str] = []
        self.short_texts: dict[str, str] = {}
        self._rows = empty_features(config)

    def add(self, batch: Sketched, keep: Sequence[bool] | None = None) -> None:
        """Add ``batch``'s rows (``keep``: per row, False to leave it out, e.g. a repeat of a
        URL already kept)."""
        if batch.features is None or not batch.ids:
            return
        rows = list(range(len(batch.ids))) if keep is None else \
            [row for row, kept in enumerate(keep) if kept]
        features = batch.features if len(rows) == len(batch.ids) else batch.features.take(rows)
        ids = [batch.ids[row] for row in rows]
        start, need = len(self.ids), len(self.ids) + len(ids)
        if need > len(self._rows):
            self._rows = self._rows.resized(max(need, 2 * len(self._rows), 1024))
        self._rows.put(start, features)
        self.ids += ids
        self.short_texts.update((batch.ids[row], batch.short_texts[row]) for row in rows
                                if row in batch.short_texts)

    def rows(self, positions: Sequence[int]) -> Features:
        return self._rows.take(np.asarray(positions, dtype=np.int64))


def assign_sketched(articles: Sequence[Article], sketches: SketchBuffer) -> list[Story]:
    """``assign_stories`` from sketches made beforehand (``sketch_articles`` with
    ``sketches.config``) of exactly ``articles``: the same stories, as the documents are added
    in the same id order and chunks."""
    ids = sketches.ids
    order = sorted(range(len(ids)), key=ids.__getitem__)
    index = StoryIndex(sketches.config)
    with timed("sketch+LSH"):
        for start in range(0, len(order), NORMALISE_CHUNK):
            rows = order[start:start + NORMALISE_CHUNK]
            index.add_features([ids[i] for i in rows], sketches.rows(rows))
    return _stories(index, articles, sketches.short_texts)


def _stories(index: StoryIndex, articles: Sequence[Article],
             short_texts: dict[str, str]) -> list[Story]:
    with timed("sketch+LSH"):
        clusters = split_templated(index.clusters(), short_texts)
        return build_stories(articles, clusters)
