"""``newsdedup explain A B``: why two articles are, or are not, one story and one incident.

Story level: the MinHash estimates the clusterer used (Jaccard, containment both ways, lead
similarity), the exact shingle-set values and the passages the two texts share. Incident level:
the evidence keys the two stories share with their weights (rarity among the stories published
around them), what each has that the other lacks, the decision and, when the two are joined only
through other stories, that path.
"""
from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

from dedupe.incidents.bilingual import Lexicon
from dedupe.incidents.evidence import Evidence, parse_published
from dedupe.incidents.grouping import merge_links
from dedupe.incidents.linking import IncidentConfig, IncidentIndex, PairScore
from dedupe.stories.pair_evidence import explain as story_explain
from dedupe.stories.shingles import CJK_N, WORD_N
from newsdedup.output import read_output, read_rejects, stories_from_articles
from newsdedup.terminal import terminal_safe
from pipelines.assign import story_doc, story_id_for, story_record
from pipelines.incidents import article_evidence, load_lexicon, outlet_of, story_incident_doc
from pipelines.records import Article, Story
from pipelines.urls import article_id, canonical_url

_SHOWN = frozenset({"estimated_jaccard", "estimated_containment_a_in_b",
                    "estimated_containment_b_in_a", "jaccard", "containment_a_in_b",
                    "containment_b_in_a"})
MAX_PASSAGES = 5
PASSAGE_CHARS = 70
MAX_UNSHARED = 8
_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W\u3400-\u4dbf\u4e00-\u9fff]+")


def resolve(articles: Sequence[Article], ref: str) -> Article:
    """An article by id, URL or canonical URL; LookupError if none."""
    for article in articles:
        if ref in (article.id, article.url):
            return article
    wanted = article_id(ref) if "://" in ref else None
    for article in articles:
        if wanted and (article.id == wanted or canonical_url(article.url) == canonical_url(ref)):
            return article
    raise LookupError(f"no article with id or URL {ref!r}")


def shared_passages(text_a: str, text_b: str) -> list[str]:
    """Longest runs of ``text_a`` (normalised) covered by shingles that ``text_b`` also has."""
    tokens_a, tokens_b = _TOKEN.findall(text_a), _TOKEN.findall(text_b)

    def windows(tokens: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
        out = []
        for i, token in enumerate(tokens):
            n = CJK_N if len(token) == 1 and "\u3400" <= token <= "\ufaff" else WORD_N
            if i + n <= len(tokens):
                out.append((i, i + n, tuple(tokens[i:i + n])))
        return out

    in_b = {w for _, _, w in windows(tokens_b)}
    covered = [False] * len(tokens_a)
    for start, end, window in windows(tokens_a):
        if window in in_b:
            covered[start:end] = [True] * (end - start)
    runs, current = [], []
    for token, hit in zip(tokens_a, covered):
        if hit:
            current.append(token)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    texts = ["".join(t if len(t) == 1 and t >= "\u3400" else f" {t} " for t in run).strip()
             for run in runs]
    texts = {re.sub(r"\s+", " ", t) for t in texts}  # a passage repeated in A is listed once
    return sorted(texts, key=lambda t: (-len(t), t))[:MAX_PASSAGES]


def _resolve_or_say(source: object, articles: Sequence[Article], ref: str) -> Article:
    """``resolve``; for an output folder, the LookupError says where and why the page was
    rejected when rejects.jsonl holds it (an analyst asking about a page that is not there)."""
    try:
        return resolve(articles, ref)
    except LookupError as err:
        why = [_rejected(r) for r in read_rejects(source) if _names(r, ref)] \
            if isinstance(source, (str, Path)) else []
        if why:
            raise LookupError(terminal_safe(f"{err.args[0]}: {'; '.join(why)}")) from None
        raise


def _names(reject: dict, ref: str) -> bool:
    url = reject.get("url")
    return isinstance(url, str) and (url == ref or "://" in ref and canonical_url(url) == canonical_url(ref))


def _rejected(reject: dict) -> str:
    return (f"{reject.get('url')} was rejected at {reject.get('source')}: {reject.get('reason')}"
            f" ({reject.get('detail')})")


def _short(text: str, limit: int = PASSAGE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _describe(label: str, article: Article) -> list[str]:
    return [f"{label}: {article.id}  [{article.lang}] {outlet_of(article)}  "
            f"{article.published or 'undated'}",
            f"   {_short(article.title or '(no title)', 90)}",
            f"   {article.url}",
            f"   story {article.story_id or '?'}  incident "
            f"{getattr(article, 'incident_id', None) or '?'}"]


def story_section(a: Article, b: Article) -> list[str]:
    doc_a, doc_b = story_doc(a), story_doc(b)
    ev = story_explain(doc_a, doc_b)
    same = a.story_id is not None and a.story_id == b.story_id
    lines = ["", "STORY (copies of one report)",
             f"  estimated Jaccard {ev.estimated_jaccard:.3f}   containment A in B "
             f"{ev.estimated_containment_a_in_b:.3f}, B in A {ev.estimated_containment_b_in_a:.3f}",
             f"  exact: Jaccard {ev.jaccard:.3f}, containment A in B {ev.containment_a_in_b:.3f},"
             f" B in A {ev.containment_b_in_a:.3f}; shared shingles {ev.shared_shingles} of "
             f"{ev.shingles_a} / {ev.shingles_b}"]
    # Whatever else the story clusterer reports (lead or prefix measures), printed as it names it.
    extra = [f"{f.name.replace('_', ' ')} {getattr(ev, f.name):.3f}" for f in fields(ev)
             if f.name not in _SHOWN and isinstance(getattr(ev, f.name), float)]
    if extra:
        lines.append("  also: " + ", ".join(extra))
    lines.append(f"  pair test: {'LINKED' if ev.linked else 'not linked'} ({ev.reason})")
    lines += [f"  note: {note}" for note in ev.notes]
    passages = shared_passages(doc_a.text, doc_b.text)
    if passages:
        lines.append("  shared passages:")
        lines += [f"    “{_short(p)}”" for p in passages]
    if same and not ev.linked:
        lines.append(f"  => same story {a.story_id}, joined through other copies")
    else:
        lines.append(f"  => {'same story ' + a.story_id if same else 'different stories'}")
    return lines


def _story_of(article: Article, stories: Sequence[Story]) -> Story:
    for story in stories:
        if article.id in story.article_ids:
            return story
    return story_record(story_id_for([article.id]), [article])


def _path(links: list[PairScore], start: str, goal: str) -> list[str] | None:
    graph: dict[str, list[str]] = {}
    for link in links:
        graph.setdefault(link.a, []).append(link.b)
        graph.setdefault(link.b, []).append(link.a)
    previous = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while path[-1] != start:
                path.append(previous[path[-1]])
            return path[::-1]
        for nxt in sorted(graph.get(node, ())):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return None


def incident_section(a: Article, b: Article, articles: Sequence[Article],
                     stories: Sequence[Story], lexicon: Lexicon,
                     config: IncidentConfig, index: IncidentIndex | None = None,
                     cache: dict[str, Evidence] | None = None) -> list[str]:
    """The incident part of ``explain``. ``index`` (holding the stories around the pair) and
    ``cache`` (article evidence by id) let a caller explaining many pairs build them once."""
    story_a, story_b = _story_of(a, stories), _story_of(b, stories)
    by_id = {x.id: x for x in articles}
    cache = {} if cache is None else cache
    if index is None:
        days = [d for d in (parse_published(story_a.first_published),
                            parse_published(story_b.first_published)) if d]
        margin = 2 * config.window_days  # rarity looks window days beyond each story's date
        nearby = [s for s in stories
                  if not days or parse_published(s.first_published) is None
                  or min(days).toordinal() - margin <= parse_published(
                      s.first_published).toordinal() <= max(days).toordinal() + margin]
        index = IncidentIndex(config)
        for story in nearby:
            index.add(story_incident_doc(story, [by_id[i] for i in story.article_ids
                                                 if i in by_id], lexicon, cache))
    for story in (story_a, story_b):
        if story.story_id not in index:
            index.add(story_incident_doc(story, [by_id[i] for i in story.article_ids], lexicon,
                                         cache))
    surfaces = []
    for story in (story_a, story_b):
        merged = Evidence()
        for i in story.article_ids:
            merged.update(cache.get(i) or article_evidence(by_id[i], lexicon))
        surfaces.append({**merged.probes, **merged.keys})
    if story_a.story_id == story_b.story_id:
        return ["", "INCIDENT", f"  => same story {story_a.story_id}, hence same incident"]
    pair = index.score(story_a.story_id, story_b.story_id)
    lines = ["", "INCIDENT (one event across outlets and languages)",
             f"  stories {pair.a} / {pair.b}; published "
             f"{'?' if pair.days_apart is None else pair.days_apart} days apart "
             f"(window {config.window_days}); {pair.stories_in_range} stories in range "
             "weigh rarity",
             "  shared evidence (weight = prior × rarity; * = counted):"]
    for shared in sorted(pair.shared, key=lambda s: (-s.weight, s.key)):
        sa, sb = surfaces[0].get(shared.key, ""), surfaces[1].get(shared.key, "")
        lines.append(f"   {'*' if shared.counted else ' '} {shared.weight:5.2f}  "
                     f"{shared.key:<28} df {shared.df:<4} bg {shared.background:.2f} A “{_short(sa, 24)}”  "
                     f"B “{_short(sb, 24)}”")
    if not pair.shared:
        lines.append("     (none)")
    lo, hi = index.pair_range(story_a.story_id, story_b.story_id)
    for label, surface, other in (("A", *surfaces), ("B", *surfaces[::-1])):
        own = set(surface) - set(other)
        ranked = sorted(own, key=lambda k: (-index.weight(k, lo, hi)[0], k))[:MAX_UNSHARED]
        if ranked:
            lines.append(f"  only in {label}: " + ", ".join(
                f"{k} “{_short(surface[k], 16)}”" for k in ranked))
    lines.append(f"  score {pair.score:.2f} (link at ≥ {config.min_score} with ≥ "
                 f"{config.min_anchors} rare facts; {pair.anchors} here): "
                 f"{'LINKED' if pair.linked else 'not linked'} — {pair.reason}")
    lines.append(f"  time: {pair.strong} strong fact(s) shared (numbers, names rare in the corpus "
                 f"and in general language) allow {pair.allowed_days} days apart; "
                 f"background rarity shown as bg")
    if pair.combo:
        lines.append(f"  rare together: {', '.join(pair.combo)} (+{pair.combo_weight:.2f})")
    grouping = merge_links(index, index.links())
    same = any(pair.a in g and pair.b in g for g in grouping.clusters)
    refused = [m for m in grouping.merges if not m.merged]
    chain = _path(index.links(), pair.a, pair.b)
    if not same and chain and refused:
        why = next((m.reason for m in refused if {m.a, m.b} <= set(chain)), refused[0].reason)
        lines.append("  not chained: linked through " + " → ".join(chain) + f", but {why}")
    if same and not pair.linked:
        path = _path([m for m in grouping.merges if m.merged], pair.a, pair.b)
        lines.append("  => same incident through other stories: " + " → ".join(path or []))
    else:
        lines.append("  => same incident" if same else "  => different incidents")
    return lines


def explain(source: str | Path | Sequence[Article], a: str, b: str,
            lexicon: Lexicon | None = None, config: IncidentConfig | None = None) -> str:
    """A readable account of why articles ``a`` and ``b`` (ids or URLs) are or are not in one
    story and one incident. ``source`` is an output folder (articles.jsonl, stories.jsonl) or
    the articles themselves. Raises LookupError for an unknown article."""
    if isinstance(source, (str, Path)):
        output = read_output(source)
        articles, stories = output.articles, output.stories
    else:
        articles = list(source)
        stories = stories_from_articles(articles)
    first, second = (_resolve_or_say(source, articles, ref) for ref in (a, b))
    lines = _describe("A", first) + _describe("B", second)
    lines += story_section(first, second)
    lines += incident_section(first, second, articles, stories, lexicon or load_lexicon(),
                              config or IncidentConfig())
    return terminal_safe("\n".join(lines) + "\n")  # titles, URLs and passages are scraped
