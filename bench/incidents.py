"""Incident benchmark: pairwise P/R/F1 on the labelled zh+en set, zh↔en links, what carried them.

The labelled set (tests/fixtures/incidents/) is written for this project: each event has several
independent write-ups (court or police statement, a portal's own rewrite, an English retelling,
a one-paragraph tracker entry, a Traditional-script report) and each has hard negatives: the same
kind of event in the same week (two deepfake court cases, two fraud-ring busts, two data thefts).
``dev`` chose the thresholds (grid below). ``check`` was written next; its errors led to three
general fixes (a "HK$" amount not read, dates never counting as rare facts, "BYD Company" not
meeting "BYD"), so it is not blind. ``blind`` was written after the thresholds were fixed; its
first measurement was P 0.600 / R 1.000 / F1 0.750 (two English bribery reports joined by
"Former" and "Intermediate People's Court"), which led to the sentence-start and Title Case
rules for English names, so it is not blind either now. ``fresh`` was written after that and
measured once (P = R = F1 = 1.000); the later changes, driven by the sample dump below, left it
there.

``samples`` is the sample dump of samples/ (written by another helper, with its own incident
labels in samples/expected_stories.json), run through the whole ``cluster`` path. Its first run
chained 7 of its 10 stories into one incident (P 0.173): aggregator copies keep other stories'
leads ("more stories" teasers ending in "……") in their text. Two rules fixed it — drop teaser
paragraphs, and keep only the evidence at least two copies of a story agree on — and each alone
was not enough (P 0.173 with the copy rule only, 0.230 with the teaser rule only).

``months`` (issue 13) holds cases reported months apart (arrest → indictment → English
retelling), monitor-style one-paragraph summaries and same-city/same-kind negatives; it was used
to tune the time rule and the rare-together combinations. ``held`` (issue 13: 14 incidents, 34
write-ups in zh, zh-Hant and en — long-running cases, monitor summaries, hard negatives of the
same crime type, same week, similar sums, other cities) was written before the new rules and
never tuned on: before them P 1.000 / R 0.556 / F1 0.714 (the 10-day window cut every
long-running case), after them measured once, 1.000.

Issue 13's other checks (unrelated real news must not chain, a sample with every page at a
second URL keeps its incidents, the incident stage's stories/s at 10k and 100k) are in
``bench.incident_checks`` and run from here too (``run(checks=True)``).

Articles go through the real stages: story grouping (``assign_stories``), then incidents.

    python -m bench.incidents
"""
from __future__ import annotations

import io
import itertools
import json
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

from bench.metrics import pairwise_scores
from dedupe.incidents.linking import IncidentConfig, IncidentDoc, IncidentIndex, kind_of
from pipelines.assign import assign_stories
from pipelines.incidents import build_incidents, incident_docs, load_lexicon
from pipelines.language import detect_language
from pipelines.records import Article

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "incidents"
SAMPLES_DUMP = REPO / "samples" / "dump"
SAMPLES_TRUTH = REPO / "samples" / "expected_stories.json"
SPLITS = ("dev", "check", "blind", "fresh", "months", "held")
GRID_SCORES = (1.5, 1.8, 2.0, 2.1, 2.25, 2.5, 2.6, 3.0, 3.5)
GRID_ANCHORS = (1, 2, 3)
GRID_WINDOWS = (3, 7, 10, 14)
KINDS = ("num", "approx", "pct", "date", "ent", "term")


def load_split(split: str) -> tuple[list[Article], dict[str, str]]:
    """Articles of one labelled split and their true incident labels (by article id)."""
    articles, truth = [], {}
    for line in (FIXTURES / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        script = detect_language(row["text"])[1]
        articles.append(Article(id=row["id"], url=row["url"], title=row["title"],
                                text=row["text"], lang=row["lang"], script=script,
                                published=row["published"], site=row["site"]))
        truth[row["id"]] = row["incident"]
    return articles, truth


def _without(docs: list[IncidentDoc], kind: str | None) -> list[IncidentDoc]:
    if kind is None:
        return docs
    return [replace(d, keys=frozenset(k for k in d.keys if kind_of(k) != kind),
                    probes=frozenset(k for k in d.probes if kind_of(k) != kind)) for d in docs]


def predict(articles: list[Article], docs: list[IncidentDoc], stories,
            config: IncidentConfig) -> tuple[dict[str, str], IncidentIndex]:
    index = IncidentIndex(config)
    for doc in docs:
        index.add(doc)
    incidents = build_incidents(articles, stories, index.clusters())
    return {a: inc.incident_id for inc in incidents for a in inc.article_ids}, index


def prepare(split: str):
    articles, truth = load_split(split)
    stories = assign_stories(articles)
    return articles, truth, stories, incident_docs(articles, stories, load_lexicon())


def scores(truth, pred) -> dict:
    s = pairwise_scores(truth, pred)
    return {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4)}


def cross_lingual(articles, truth, pred, index: IncidentIndex) -> dict:
    """zh↔en article pairs of one true incident: found (same predicted incident) or missed; for
    the story pairs directly linked across languages, the weight each kind of evidence gave."""
    lang = {a.id: a.lang for a in articles}
    story = {a.id: a.story_id for a in articles}
    found, missed, carried = [], [], Counter()
    for a, b in itertools.combinations(sorted(truth), 2):
        if truth[a] != truth[b] or {lang[a], lang[b]} != {"zh", "en"}:
            continue
        (found if pred[a] == pred[b] else missed).append(f"{a}~{b}")
        pair = index.score(story[a], story[b])
        if pair.linked:
            for shared in pair.shared:
                if shared.counted:
                    carried[kind_of(shared.key)] += shared.weight
    total = sum(carried.values()) or 1.0
    return {"found": len(found), "missed": missed,
            "evidence_share": {k: round(v / total, 3) for k, v in carried.most_common()}}


def prepare_samples():
    """samples/dump through ``cluster``; truth from samples/expected_stories.json."""
    from newsdedup.dump import cluster_dump
    from newsdedup.output import read_output

    expected = json.loads(SAMPLES_TRUTH.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as out:
        cluster_dump([str(SAMPLES_DUMP)], Path(out), workers=1, progress_stream=io.StringIO())
        output = read_output(out)
    label = {url: n for n, group in enumerate(expected["incidents"]) for url in group}
    truth = {a.id: label[a.url] for a in output.articles}
    return (output.articles, truth, output.stories,
            incident_docs(output.articles, output.stories, load_lexicon()))


def run(checks: bool = True) -> dict:
    """Grid on dev, chosen config on every split, ablations, zh↔en links; with ``checks``
    the unrelated-news, duplicated-sample and speed checks of ``bench.incident_checks``."""
    prepared = {split: prepare(split) for split in SPLITS}
    if SAMPLES_TRUTH.exists():
        prepared["samples"] = prepare_samples()
    articles, truth, stories, docs = prepared["dev"]
    grid = []
    for min_score, anchors, window in itertools.product(GRID_SCORES, GRID_ANCHORS, GRID_WINDOWS):
        config = IncidentConfig(min_score=min_score, min_anchors=anchors, window_days=window)
        grid.append({"min_score": min_score, "min_anchors": anchors, "window_days": window,
                     **scores(truth, predict(articles, docs, stories, config)[0])})
    default = IncidentConfig()
    results: dict = {"config": {"min_score": default.min_score, "min_anchors": default.min_anchors,
                                "window_days": default.window_days,
                                "anchor_rarity": default.anchor_rarity,
                                "rarity_floor": default.rarity_floor},
                     "grid": grid, "splits": {}}
    for split, (articles, truth, stories, docs) in prepared.items():
        pred, index = predict(articles, docs, stories, default)
        ablation = {kind: scores(truth, predict(articles, _without(docs, kind), stories,
                                                default)[0])["f1"] for kind in KINDS}
        results["splits"][split] = {
            "articles": len(articles), "incidents": len(set(truth.values())),
            "predicted_incidents": len(set(pred.values())),
            **scores(truth, pred),
            "cross_lingual": cross_lingual(articles, truth, pred, index),
            "f1_without": ablation,
        }
    if checks:
        from bench import incident_checks

        results["checks"] = incident_checks.run()
    return results


def to_markdown(results: dict) -> str:
    cfg = results["config"]
    lines = ["## Incidents (zh ↔ en)", "",
             f"Config: min_score {cfg['min_score']}, min_anchors {cfg['min_anchors']}, "
             f"window {cfg['window_days']} days, anchor rarity ≥ {cfg['anchor_rarity']}, "
             f"rarity floor {cfg['rarity_floor']} stories.", "",
             "| split | articles | incidents (true / predicted) | pairwise P | R | F1 | "
             "zh↔en pairs found | missed |", "|---|---|---|---|---|---|---|---|"]
    for split, r in results["splits"].items():
        cl = r["cross_lingual"]
        lines.append(f"| {split} | {r['articles']} | {r['incidents']} / {r['predicted_incidents']}"
                     f" | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {cl['found']}"
                     f" | {len(cl['missed'])} {', '.join(cl['missed'])} |")
    lines += ["", "dev: thresholds chosen here. check, blind: written later; their errors were "
              "looked at and fixed (see the module docstring), so they are not blind. fresh: "
              "written after those fixes, measured then (1.000) and never tuned on. months: issue 13's "
              "tuning cases (months apart, monitor summaries). held: issue 13's never-tuned split "
              "(before its rules: F1 0.714). samples: the sample dump of "
              "samples/ through `cluster` (another helper's labels); fixed after its first run "
              "(P 0.173)."]
    lines += ["", "Share of the link weight by evidence kind on directly linked zh↔en story pairs, "
              "and F1 with that kind removed:", "",
              "| split | " + " | ".join(KINDS) + " |", "|---|" + "---|" * len(KINDS)]
    for split, r in results["splits"].items():
        share = r["cross_lingual"]["evidence_share"]
        lines.append(f"| {split} share | " + " | ".join(f"{share.get(k, 0):.2f}" for k in KINDS)
                     + " |")
        lines.append(f"| {split} F1 without | " + " | ".join(f"{r['f1_without'][k]:.3f}"
                                                           for k in KINDS) + " |")
    window = cfg["window_days"]
    lines += ["", f"Dev grid, pairwise F1 (window {window} days; rows min_anchors, columns "
              "min_score):", "",
              "| min_anchors | " + " | ".join(str(s) for s in GRID_SCORES) + " |",
              "|---|" + "---|" * len(GRID_SCORES)]
    f1 = {(g["min_anchors"], g["min_score"]): g["f1"] for g in results["grid"]
          if g["window_days"] == window}
    lines += [f"| {a} | " + " | ".join(f"{f1[a, s]:.3f}" for s in GRID_SCORES) + " |"
              for a in GRID_ANCHORS]
    if "checks" in results:
        from bench import incident_checks

        lines += ["", incident_checks.to_markdown(results["checks"])]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(to_markdown(run()))
