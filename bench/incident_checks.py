"""Incident checks beyond the labelled sets: unrelated real news must not chain, a sample with
every page at a second URL keeps its incidents, and the incident stage's speed at scale.

* ``unrelated_news``: the original texts of ../shared/data/extraction, each its own event,
  syndicated by ``bench.syndicate`` (portal pages with sidebars of other stories, ads, source
  lines, Traditional script), through the real per-page chain (decode → extract → language),
  stories, incidents. All publication dates are squeezed into ``SPAN_DAYS`` days, so the time
  window never separates them: only the evidence does. Every incident should hold one base
  story's copies: pairwise precision over articles (the issue's figure) and over distinct
  stories (stricter: copies of one story do not count as correct pairs), and the largest
  incident in stories.
* ``duplicated_sample``: samples/dump.jsonl with every record also served at a second (mobile)
  URL; its incidents, as sets of the original URLs, must equal those of the sample itself.
* ``templated_veto_effect``: the syndication set's story P/R with and without the
  short-template veto (no recall may be lost).
* ``incident_speed``: stories/s of the incident stage (``IncidentIndex`` add + clusters) on
  synthetic stories drawn from a Zipf key vocabulary, at 10k and 100k stories.

    python -m bench.incident_checks
"""
from __future__ import annotations

import io
import itertools
import json
import random
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

from bench import syndicate
from bench.metrics import pairwise_scores
from dedupe.incidents.linking import IncidentDoc, IncidentIndex
from pipelines.assign import assign_stories
from pipelines.incidents import assign_incidents
from pipelines.process import process_document
from pipelines.records import Article, Location, RawDocument
from pipelines.urls import canonical_url

REPO = Path(__file__).resolve().parents[1]
SAMPLE_JSONL = REPO / "samples" / "dump.jsonl"
SPAN_DAYS = 14  # unrelated stories all published within two weeks: the window never helps
START = datetime(2024, 3, 1, 6)


def unrelated_articles(n_bases: int = 120, seed: int = 0) -> tuple[list[Article], dict[str, str]]:
    """Articles of ``n_bases`` unrelated base stories (every ``len(bases) // n_bases``-th one,
    so every source set is in) with their syndicated copies, and each article's base label."""
    bases = syndicate.load_base_stories()
    step = max(1, len(bases) // n_bases)
    chosen = bases[::step][:n_bases]
    copies, pages = syndicate.generate(chosen, seed)
    articles, truth = [], {}
    for copy, page in zip(copies, pages):
        raw = RawDocument(url=page.url, location=Location("unrelated", member=page.url),
                          body=page.body, content_type=f"text/html; charset={page.encoding}")
        found = process_document(raw)
        if not isinstance(found, Article):
            continue
        label = int(copy.label[5:])
        day = START + timedelta(days=label % SPAN_DAYS, minutes=37 * copy.copy)
        found.published = day.strftime("%Y-%m-%dT%H:%M:%SZ")
        articles.append(found)
        truth[found.id] = copy.label
    return articles, truth


def unrelated_news(n_bases: int = 120, seed: int = 0) -> dict:
    """Incident precision on unrelated real news (see the module docstring)."""
    articles, truth = unrelated_articles(n_bases, seed)
    stories = assign_stories(articles)
    incidents = assign_incidents(articles, stories)
    pred = {a: inc.incident_id for inc in incidents for a in inc.article_ids}
    article_scores = pairwise_scores(truth, pred)
    by_story = {s.story_id: s for s in stories}
    label_of = {s.story_id: Counter(truth[a] for a in s.article_ids).most_common(1)[0][0]
                for s in stories}
    good = bad = 0
    for inc in incidents:
        for a, b in itertools.combinations(inc.story_ids, 2):
            if label_of[a] == label_of[b]:
                good += 1
            else:
                bad += 1
    multi = [inc for inc in incidents if len(inc.story_ids) > 1]
    return {"bases": n_bases, "articles": len(articles), "stories": len(stories),
            "incidents": len(incidents), "multi_story_incidents": len(multi),
            "largest_incident_stories": max((len(i.story_ids) for i in incidents), default=0),
            "article_pair_precision": round(article_scores.precision, 4),
            "story_pairs_joined": good + bad, "story_pairs_wrong": bad,
            "story_pair_precision": round(good / (good + bad), 4) if good + bad else 1.0,
            "wrong_incidents": [[by_story[s].representative_id for s in inc.story_ids]
                                for inc in multi
                                if len({label_of[s] for s in inc.story_ids}) > 1][:5]}


def _cluster_jsonl(lines: list[str]) -> tuple[list[Article], list]:
    from newsdedup.dump import cluster_dump
    from newsdedup.output import read_output

    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "dump.jsonl"
        dump.write_text("".join(lines), encoding="utf-8")
        out = Path(tmp) / "out"
        cluster_dump([str(dump)], out, workers=1, progress_stream=io.StringIO())
        output = read_output(out)
    return output.articles, output.incidents


def _mobile(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://m.{rest}" if not rest.startswith("m.") else f"{scheme}://mobile.{rest[2:]}"


def incident_sets(articles: list[Article], original: dict[str, str] | None = None) -> list[list[str]]:
    """Incidents as sorted lists of URLs (second URLs mapped back by ``original``), sorted."""
    original = original or {}
    groups: dict[str, set[str]] = {}
    for article in articles:
        groups.setdefault(article.incident_id, set()).add(original.get(article.url, article.url))
    return sorted(sorted(g) for g in groups.values())


def duplicated_sample() -> dict:
    """The sample's incidents, and those of the sample with every page at a second URL."""
    lines = SAMPLE_JSONL.read_text(encoding="utf-8").splitlines(keepends=True)
    doubled, original = [], {}
    for line in lines:
        doubled.append(line)
        row = json.loads(line)
        second = _mobile(row["url"])
        original[canonical_url(second)] = canonical_url(row["url"])
        row["url"] = second
        doubled.append(json.dumps(row, ensure_ascii=False) + "\n")
    plain, plain_incidents = _cluster_jsonl(lines)
    twice, twice_incidents = _cluster_jsonl(doubled)
    same = incident_sets(plain) == incident_sets(twice, original)
    return {"incidents": len(plain_incidents), "incidents_doubled": len(twice_incidents),
            "unchanged": same}


def templated_veto_effect(seed: int = 0) -> dict:
    """Story pairwise P/R on the syndication set (bench.syndicate copies of every base, their
    extracted texts) with and without the short-template veto (dedupe.stories.templates)."""
    from dedupe import StoryConfig, group_stories
    from dedupe.stories.templates import split_templated
    from pipelines.assign import story_doc

    copies, _ = syndicate.generate(syndicate.load_base_stories(), seed, with_pages=False)
    articles = [Article(id=c.id, url=c.url, title=c.title, text=c.text, lang=c.lang,
                        script=None, published=c.published, site=c.portal) for c in copies]
    truth = {c.id: c.label for c in copies}
    docs = {a.id: story_doc(a) for a in articles}
    clusters = group_stories([docs[i] for i in sorted(docs)], StoryConfig())
    split = split_templated(clusters, {i: d.text for i, d in docs.items()})
    out = {"copies": len(copies)}
    for name, groups in (("without", clusters), ("with", split)):
        pred = {i: n for n, g in enumerate(groups) for i in g}
        s = pairwise_scores(truth, pred)
        out[name] = {"precision": round(s.precision, 4), "recall": round(s.recall, 4)}
    return out


def synthetic_docs(n: int, seed: int = 0, vocabulary: int = 200_000,
                   keys_per_doc: int = 40, span_days: int = 365) -> list[IncidentDoc]:
    """``n`` stories with Zipf-distributed keys (a few very common, most rare) and dates over
    ``span_days``; every 8th story is a follow-up of an earlier one (shares its rare keys)."""
    rng = random.Random(seed)
    kinds = ("num", "ent", "ent", "term", "date", "approx")
    weights = [1 / (i + 1) for i in range(vocabulary)]
    cum = list(itertools.accumulate(weights))
    docs: list[IncidentDoc] = []
    start = date(2024, 1, 1)
    for i in range(n):
        keys = {f"{kinds[k % len(kinds)]}:{k + 10_000 if kinds[k % len(kinds)] in ('num', 'approx') else f'k{k}'}"
                for k in rng.choices(range(vocabulary), cum_weights=cum, k=keys_per_doc)}
        if i >= 8 and i % 8 == 0:
            keys |= set(sorted(docs[rng.randrange(i)].keys)[:6])
        day = start + timedelta(days=rng.randrange(span_days))
        docs.append(IncidentDoc(id=f"s{i:07d}", day=day, keys=frozenset(keys)))
    return docs


def incident_speed(sizes: tuple[int, ...] = (10_000, 100_000), seed: int = 0) -> list[dict]:
    """Stories/s of the incident stage (add every story, then ``clusters()``) per size."""
    rows = []
    for n in sizes:
        docs = synthetic_docs(n, seed)
        started = time.perf_counter()
        index = IncidentIndex()
        for doc in docs:
            index.add(doc)
        clusters = index.clusters()
        seconds = time.perf_counter() - started
        rows.append({"stories": n, "seconds": round(seconds, 2),
                     "stories_per_s": round(n / seconds), "incidents": len(clusters)})
    return rows


def run(quick: bool = False) -> dict:
    return {"unrelated_news": unrelated_news(),
            "duplicated_sample": duplicated_sample(),
            "templated": templated_veto_effect(),
            "speed": incident_speed((2_000, 10_000) if quick else (10_000, 100_000))}


def to_markdown(result: dict) -> str:
    u, d = result["unrelated_news"], result["duplicated_sample"]
    lines = ["## Incidents: unrelated news, duplicated sample, speed", "",
             f"Unrelated real news ({u['bases']} base stories from ../shared/data/extraction, "
             f"syndicated by bench.syndicate: {u['articles']} articles, {u['stories']} stories, "
             f"dates within {SPAN_DAYS} days): {u['incidents']} incidents, "
             f"{u['multi_story_incidents']} with more than one story, largest "
             f"{u['largest_incident_stories']} stories; pairwise precision over articles "
             f"{u['article_pair_precision']:.3f}, over distinct stories "
             f"{u['story_pair_precision']:.3f} ({u['story_pairs_wrong']} wrong of "
             f"{u['story_pairs_joined']} story pairs joined).", "",
             f"Sample with every page at a second URL: {d['incidents']} → "
             f"{d['incidents_doubled']} incidents, same incidents: {d['unchanged']}.", "",
             f"Short-template veto (dedupe.stories.templates) on the syndication set "
             f"({result['templated']['copies']} copies): story pairwise P/R without "
             f"{result['templated']['without']['precision']:.4f} / "
             f"{result['templated']['without']['recall']:.4f}, with "
             f"{result['templated']['with']['precision']:.4f} / "
             f"{result['templated']['with']['recall']:.4f}.", "",
             "Incident stage (IncidentIndex add + clusters) on synthetic stories (Zipf keys over a "
             "year, every 8th a follow-up of an earlier one):", "",
             "| stories | incident stage seconds | stories/s | incidents |", "|---|---|---|---|"]
    lines += [f"| {r['stories']:,} | {r['seconds']} | {r['stories_per_s']:,} | {r['incidents']:,} |"
              for r in result["speed"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    print(to_markdown(run(quick="--quick" in sys.argv)))
