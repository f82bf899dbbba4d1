"""Assign stage: group articles into stories and give each article its ``story_id``.

The grouping itself is ``dedupe`` (pure, text in → clusters out); this stage turns articles into
the inputs it needs and its clusters into ``Story`` records.
"""
from __future__ import annotations

from collections.abc import Sequence

from dedupe import StoryConfig, StoryDoc, StoryIndex, choose_representative
from dedupe.stories.templates import SHORT_CHARS, split_templated
from pipelines.dates import robust_first, sortable, trusted
from pipelines.normalise import normalise_for_matching
from pipelines.records import Article, Story
from pipelines.timing import timed

NORMALISE_CHUNK = 2_000  # articles folded at a time: bounds the folded copies held (~15 KB each)


def story_doc(article: Article) -> StoryDoc:
    """What dedupe sees of an article: its text folded for matching (the title is left out:
    portals rewrite headlines, so a headline says little about being a copy)."""
    return StoryDoc(id=article.id, text=normalise_for_matching(article.text),
                    published=sortable(article.published), length=len(article.text))


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
    with timed("sketch+LSH"):
        clusters = split_templated(index.clusters(), short_texts)
        return build_stories(articles, clusters)
