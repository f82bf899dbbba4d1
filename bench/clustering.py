"""Clustering benchmark: ours (dedupe.group_stories) vs a by-hand datasketch MinHash + LSH baseline.

(a) quality on the syndicated set from bench.syndicate (a few thousand copies of ~520 real
    stories): pairwise P/R/F1 and ARI; the baseline is swept over shinglings and LSH thresholds
    and reported at its best F1 on this very set (oracle-tuned, i.e. flattering the baseline);
(b) throughput of texts → clusters on pre-normalised scaled text (10k / 100k / 1M docs), each
    run in a fresh process so its peak RSS is its own; index bytes per article via tracemalloc;
(c) ours with 1 vs 2 worker processes when StoryConfig has a ``workers`` field.

    python -m bench.clustering [--quick]
"""
from __future__ import annotations

import argparse
import gc
import re
import resource
import time
import tracemalloc
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields
from multiprocessing import get_context
from typing import Any

from bench import metrics, syndicate

NUM_PERM = 128
# Baseline sweep. Character n-grams are the usual by-hand choice; "token" n-grams (one token per
# CJK character, else a word) are what a careful by-hand user would do for mixed zh/en text.
SHINGLINGS = (("char", 5), ("char", 9), ("token", 2), ("token", 3), ("token", 5))
QUICK_SHINGLINGS = (("char", 5), ("token", 3))
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
SCALES = (10_000, 100_000, 1_000_000)
QUICK_SCALES = (2_000, 10_000)
# The baseline runs at ~250 docs/s (sha1 per shingle + a 128-permutation numpy pass per doc), so
# above this many docs it is timed on the first BASELINE_SAMPLE docs of the same stream and
# extrapolated linearly (the LSH part is O(1) per doc; the MinHash part dominates).
BASELINE_SAMPLE = 10_000
QUICK_BASELINE_SAMPLE = 2_000
# Bytes per article are flat in n; 5k docs keep the (slow) baseline sketching short.
INDEX_SAMPLE = 5_000
# group_stories peaks at ~12 KB per doc (1.2 GB at 100k scaled docs; a 1M run reached RSS
# 23.5 GB of 24 GiB), so a scale whose extrapolated peak would not fit goes through the
# incremental index in chunks of this many docs (0.75 GB peak at 100k, 2.1 GB at 1M).
INCREMENTAL_CHUNK = 50_000
QUICK_BASES = 150
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")


# ---------------------------------------------------------------- the by-hand baseline

def baseline_shingles(text: str, unit: str, k: int) -> set[bytes]:
    """Shingles of normalised text as bytes: character k-grams, or k-grams of tokens where a
    token is one CJK character or one word. A text shorter than k is one shingle."""
    if unit == "char":
        grams = {text[i:i + k] for i in range(len(text) - k + 1)} or {text}
    else:
        toks = TOKEN_RE.findall(text)
        grams = {" ".join(toks[i:i + k]) for i in range(len(toks) - k + 1)} or {" ".join(toks)}
    return {g.encode("utf-8") for g in grams}


def baseline_minhashes(texts: Iterable[str], unit: str, k: int, num_perm: int = NUM_PERM) -> list:
    """One datasketch MinHash per text, filled with update_batch."""
    from datasketch import MinHash
    out = []
    for text in texts:
        m = MinHash(num_perm=num_perm)
        m.update_batch(baseline_shingles(text, unit, k))
        out.append(m)
    return out


def baseline_index(ids: Sequence[str], minhashes: Sequence, threshold: float):
    """A MinHashLSH holding every document."""
    from datasketch import MinHashLSH
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for doc_id, m in zip(ids, minhashes):
            session.insert(doc_id, m)
    return lsh


def union_find_clusters(ids: Sequence[str], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Connected components of the candidate graph, each sorted, sorted by first id."""
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]  # path halving keeps trees flat
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for i in ids:
        groups.setdefault(find(i), []).append(i)
    return sorted(sorted(g) for g in groups.values())


def baseline_clusters(ids: Sequence[str], minhashes: Sequence, threshold: float) -> list[list[str]]:
    """LSH candidates joined transitively (no verification), as a by-hand pipeline does."""
    lsh = baseline_index(ids, minhashes, threshold)
    return union_find_clusters(ids, ((i, j) for i, m in zip(ids, minhashes) for j in lsh.query(m)))


# ---------------------------------------------------------------- ours

def _dedupe():
    """dedupe's entry points (imported late: the library may be mid-rewrite by its owner)."""
    import dedupe
    if hasattr(dedupe, "group_stories"):
        return dedupe.group_stories, dedupe.StoryDoc, dedupe.StoryConfig
    from dedupe import stories
    return stories.group_stories, stories.StoryDoc, stories.StoryConfig


def ours_clusters(ids: Sequence[str], texts: Sequence[str], published: Sequence[str | None],
                  lengths: Sequence[int], workers: int | None = None) -> list[list[str]]:
    """dedupe.group_stories with its default config (``workers`` set only when asked)."""
    group_stories, StoryDoc, StoryConfig = _dedupe()
    docs = [StoryDoc(i, t, p, n) for i, t, p, n in zip(ids, texts, published, lengths)]
    config = StoryConfig(workers=workers) if workers else StoryConfig()
    return group_stories(docs, config)


def ours_workers_supported() -> bool:
    """Whether StoryConfig takes a ``workers`` field."""
    try:
        return any(f.name == "workers" for f in fields(_dedupe()[2]))
    except ImportError:
        return False


# ---------------------------------------------------------------- (a) quality

@dataclass(frozen=True)
class Scored:
    """One method's agreement with the labels."""

    method: str
    precision: float
    recall: float
    f1: float
    ari: float
    clusters: int
    seconds: float


def score(method: str, truth: dict[str, str], clusters: list[list[str]], seconds: float) -> Scored:
    pred = metrics.labels_from_clusters(clusters)
    s = metrics.pairwise_scores(truth, pred)
    return Scored(method, s.precision, s.recall, s.f1, metrics.adjusted_rand_index(truth, pred),
                  len(clusters), seconds)


def _subset(truth: dict[str, str], pred: dict[str, int], keep: set[str]) -> tuple[dict, dict]:
    return {i: truth[i] for i in keep}, {i: pred[i] for i in keep}


def transform_recall(copies: Sequence[syndicate.Copy], clusters: list[list[str]]) -> dict[str, float]:
    """Per transformation: share of copies carrying it that share a cluster with their
    story's original (copy 0, which is never truncated, trimmed or converted)."""
    pred = metrics.labels_from_clusters(clusters)
    original = {c.label: c.id for c in copies if c.copy == 0}
    hit: dict[str, list[int]] = {}
    for c in copies:
        if c.copy == 0:
            continue
        for t in c.transforms:
            hit.setdefault(t, []).append(pred[c.id] == pred[original[c.label]])
    return {t: sum(v) / len(v) for t, v in sorted(hit.items())}


def quality(quick: bool = False, seed: int = 0) -> dict[str, Any]:
    """Ours vs the swept baseline on the generated syndicated set."""
    from pipelines.normalise import normalise_for_matching
    bases = syndicate.load_base_stories()
    if quick:
        bases = bases[::max(1, len(bases) // QUICK_BASES)]
    copies, pages = syndicate.generate(bases, seed)
    ids = [c.id for c in copies]
    truth = {c.id: c.label for c in copies}
    texts = [normalise_for_matching(c.text) for c in copies]
    out: dict[str, Any] = {"docs": len(copies), "stories": len(bases), "seed": seed,
                           "langs": {lang: sum(c.lang == lang for c in copies) for lang in ("zh", "en")}}
    results: dict[str, list[list[str]]] = {}
    try:
        start = time.perf_counter()
        results["ours"] = ours_clusters(ids, texts, [c.published for c in copies],
                                        [len(c.text) for c in copies])
        out["ours"] = score("ours (group_stories, default config)", truth, results["ours"],
                            time.perf_counter() - start)
    except ImportError as exc:
        out["ours_missing"] = f"dedupe.group_stories not importable: {exc}"
    sweep = []
    best: tuple[float, Scored, list[list[str]], tuple[float, str, int]] | None = None
    for unit, k in (QUICK_SHINGLINGS if quick else SHINGLINGS):
        start = time.perf_counter()
        mhs = baseline_minhashes(texts, unit, k)
        sketch_s = time.perf_counter() - start
        for t in THRESHOLDS:
            start = time.perf_counter()
            clusters = baseline_clusters(ids, mhs, t)
            row = score(f"datasketch {unit} {k}-grams, t={t}", truth, clusters,
                        sketch_s + time.perf_counter() - start)
            sweep.append(row)
            if best is None or (row.f1, row.ari) > (best[0], best[1].ari):
                best = (row.f1, row, clusters, (t, unit, k))
    out["sweep"] = sweep
    out["baseline"], out["baseline_config"] = best[1], best[3]
    results["baseline"] = best[2]
    out["by_lang"] = {}
    out["transforms"] = {}
    for name, clusters in results.items():
        pred = metrics.labels_from_clusters(clusters)
        for lang in ("zh", "en"):
            t_sub, p_sub = _subset(truth, pred, {c.id for c in copies if c.lang == lang})
            s = metrics.pairwise_scores(t_sub, p_sub)
            out["by_lang"][name, lang] = (s.precision, s.recall, s.f1,
                                          metrics.adjusted_rand_index(t_sub, p_sub))
        out["transforms"][name] = transform_recall(copies, clusters)
    if "ours" in out:
        out["end_to_end"] = end_to_end(copies, pages, out["baseline_config"])
    return out


def end_to_end(copies: Sequence[syndicate.Copy], pages: Sequence[syndicate.Page],
               baseline: tuple[float, str, int]) -> list[Scored]:
    """Whole pipeline from the HTML pages (sidebars, GBK and all): ours = process_document +
    normalise + group_stories; baseline = trafilatura.extract on the bytes + the baseline at its
    best config. A page that yields no article is its own singleton."""
    import trafilatura
    from pipelines.normalise import normalise_for_matching
    from pipelines.process import process_document
    from pipelines.records import Article, Location, RawDocument
    truth = {c.id: c.label for c in copies}
    out = []
    start = time.perf_counter()
    kept, rejected = [], []
    for page in pages:
        art = process_document(RawDocument(page.url, Location(page.id), body=page.body))
        (kept if isinstance(art, Article) else rejected).append((page.id, art))
    clusters = ours_clusters([i for i, _ in kept], [normalise_for_matching(a.text) for _, a in kept],
                             [a.published for _, a in kept], [len(a.text) for _, a in kept])
    out.append(score(f"ours, from HTML pages ({len(rejected)} rejected)", truth,
                     clusters + [[i] for i, _ in rejected], time.perf_counter() - start))
    start = time.perf_counter()
    texts = [normalise_for_matching(trafilatura.extract(p.body) or "") for p in pages]
    clusters = baseline_clusters([p.id for p in pages], baseline_minhashes(texts, *baseline[1:]),
                                 baseline[0])
    out.append(score(f"trafilatura.extract + datasketch {baseline[1]} {baseline[2]}-grams, "
                     f"t={baseline[0]}, from HTML pages", truth, clusters, time.perf_counter() - start))
    return out


# ---------------------------------------------------------------- (b) throughput, (c) workers

def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (Linux ≥ 4.0), so the peak excludes data generation."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _peak_bytes(reset: bool) -> int:
    """Peak RSS since the reset (VmHWM), or of the whole process (ru_maxrss) without one."""
    if reset:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM"))
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _scaled(n: int, seed: int) -> list[syndicate.ScaledDoc]:
    from pipelines.normalise import normalise_for_matching
    return list(syndicate.scaled_docs(n, syndicate.load_base_stories(), normalise_for_matching, seed))


def measure(method: str, n: int, baseline: tuple[float, str, int], seed: int = 0,
            workers: int | None = None, chunk: int | None = None) -> dict[str, Any]:
    """Time texts → clusters for the first ``n`` scaled docs in THIS process (call it in a fresh
    one). Peak memory: peak RSS during the run minus RSS once the input texts exist. ``chunk``: feed
    ours through the incremental StoryIndex.add_many that many docs at a time."""
    docs = _scaled(n, seed)
    ids, texts = [d.id for d in docs], [d.text for d in docs]
    truth = {d.id: d.label for d in docs}
    del docs
    gc.collect()
    rss0, reset = _rss_bytes(), _reset_peak()
    start = time.perf_counter()
    if method == "ours" and chunk:
        _, StoryDoc, StoryConfig = _dedupe()
        from dedupe import StoryIndex
        index = StoryIndex(StoryConfig())
        for s in range(0, n, chunk):
            index.add_many([StoryDoc(i, t, None, len(t))
                            for i, t in zip(ids[s:s + chunk], texts[s:s + chunk])])
        clusters = index.clusters()
    elif method == "ours":
        clusters = ours_clusters(ids, texts, [None] * n, [len(t) for t in texts], workers)
    else:
        clusters = baseline_clusters(ids, baseline_minhashes(texts, *baseline[1:]), baseline[0])
    seconds = time.perf_counter() - start
    peak = _peak_bytes(reset) - rss0
    del texts
    pred = metrics.labels_from_clusters(clusters)
    pair = metrics.pairwise_scores(truth, pred)
    return {"method": method, "n": n, "seconds": seconds, "peak_bytes": max(peak, 0),
            "precision": pair.precision, "recall": pair.recall,
            "ari": metrics.adjusted_rand_index(truth, pred), "stories": len(set(truth.values())),
            "clusters": len(clusters), "workers": workers,
            "chunk": chunk}


def index_bytes(method: str, n: int, baseline: tuple[float, str, int], seed: int = 0) -> float:
    """Bytes per article held by a built index (tracemalloc; inputs and sketches made before
    tracing are not counted, so this is the index alone)."""
    docs = _scaled(n, seed)
    ids, texts = [d.id for d in docs], [d.text for d in docs]
    if method == "baseline":
        mhs = baseline_minhashes(texts, *baseline[1:])
        tracemalloc.start()
        index = baseline_index(ids, mhs, baseline[0])
    else:
        _, StoryDoc, StoryConfig = _dedupe()
        from dedupe import StoryIndex
        story_docs = [StoryDoc(i, t, None, len(t)) for i, t in zip(ids, texts)]
        tracemalloc.start()
        index = StoryIndex(StoryConfig())
        index.add_many(story_docs)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del index
    return held / n


def scaled_sweep(n: int, unit: str, k: int, seed: int = 0) -> list[dict[str, float]]:
    """The baseline's threshold sweep on the first ``n`` scaled docs (does its quality-set
    optimum hold up when there are many more unrelated pairs?)."""
    docs = _scaled(n, seed)
    ids, truth = [d.id for d in docs], {d.id: d.label for d in docs}
    mhs = baseline_minhashes([d.text for d in docs], unit, k)
    rows = []
    for t in THRESHOLDS:
        pred = metrics.labels_from_clusters(baseline_clusters(ids, mhs, t))
        pair = metrics.pairwise_scores(truth, pred)
        rows.append({"threshold": t, "precision": pair.precision, "recall": pair.recall,
                     "f1": pair.f1, "ari": metrics.adjusted_rand_index(truth, pred)})
    return rows


def in_fresh_process(fn, *args, **kwargs):
    """Run ``fn`` in a newly spawned interpreter so memory peaks do not leak between runs."""
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _available_bytes() -> int:
    with open("/proc/meminfo") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("MemAvailable"))


def throughput(scales: Sequence[int], baseline: tuple[float, str, int], seed: int = 0,
               baseline_sample: int = BASELINE_SAMPLE) -> dict:
    """Docs/s and peak memory per scale, ours and baseline, each run in a fresh process.

    Ours runs as group_stories (one batch) unless the previous scale's peak per doc, times n,
    would not fit in half the available memory; then it runs the incremental path
    (StoryIndex.add_many, INCREMENTAL_CHUNK docs at a time) and the row says so. At the scale
    before such a switch both paths are measured, so they can be compared.
    """
    rows = []
    base = in_fresh_process(measure, "baseline", min(baseline_sample, max(scales)), baseline, seed)
    per_doc_peak = 0.0
    for step, n in enumerate(scales):
        if per_doc_peak * n < 0.5 * _available_bytes():
            ours = in_fresh_process(measure, "ours", n, baseline, seed)
            per_doc_peak = ours["peak_bytes"] / n
        else:
            ours = in_fresh_process(measure, "ours", n, baseline, seed, chunk=INCREMENTAL_CHUNK)
            ours["batch_estimate"] = per_doc_peak * n
        rows.append(ours)
        following = scales[step + 1] if step + 1 < len(scales) else None
        if following and not ours["chunk"] and per_doc_peak * following >= 0.5 * _available_bytes():
            rows.append(in_fresh_process(measure, "ours", n, baseline, seed, chunk=INCREMENTAL_CHUNK))
        if n == base["n"]:
            rows.append(base)
        elif n < base["n"]:
            rows.append(in_fresh_process(measure, "baseline", n, baseline, seed))
        else:  # extrapolated linearly from the measured prefix of the same stream
            rows.append({"method": "baseline", "n": n, "measured_on": base["n"], "peak_bytes": None,
                         "seconds": base["seconds"] * n / base["n"], "clusters": None})
    sample = min(INDEX_SAMPLE, baseline_sample, max(scales))
    index = {m: in_fresh_process(index_bytes, m, sample, baseline, seed) for m in ("ours", "baseline")}
    sweep_n = min(baseline_sample, max(scales))
    return {"rows": rows, "index_bytes": index, "index_n": sample, "sweep_n": sweep_n,
            "baseline": baseline, "sweep": in_fresh_process(scaled_sweep, sweep_n, *baseline[1:],
                                                            seed=seed)}


# ---------------------------------------------------------------- report

def _mb(n: float | None) -> str:
    return "—" if n is None else f"{n / 2**20:,.0f} MiB"


def _row(s: Scored) -> str:
    return (f"| {s.method} | {s.precision:.4f} | {s.recall:.4f} | {s.f1:.4f} | {s.ari:.4f} | "
            f"{s.clusters} | {s.seconds:.1f} |")


def quality_markdown(q: dict) -> str:
    """Tables for the quality section."""
    lines = [f"Generated set: {q['docs']} copies of {q['stories']} real stories "
             f"({q['langs']['zh']} zh, {q['langs']['en']} en copies), seed {q['seed']}. "
             "Pairwise scores count document pairs placed together; ARI is adjusted for chance.",
             "", "| method | precision | recall | F1 | ARI | clusters | seconds |",
             "|---|---|---|---|---|---|---|"]
    if "ours" in q:
        lines.append(_row(q["ours"]))
    else:
        lines.append(f"| ours: {q['ours_missing']} | | | | | | |")
    lines.append(_row(q["baseline"]).replace("| datasketch", "| baseline (best of sweep): datasketch", 1))
    lines += [_row(s) for s in q.get("end_to_end", [])]
    lines += ["", "By language (pairs within one language):", "",
              "| method | lang | precision | recall | F1 | ARI |", "|---|---|---|---|---|---|"]
    lines += [f"| {m} | {lang} | " + " | ".join(f"{v:.4f}" for v in vals) + " |"
              for (m, lang), vals in q["by_lang"].items()]
    names = list(q["transforms"])
    lines += ["", "Share of republished copies (copy ≥ 1) carrying a transformation that end up in "
              "the same cluster as their story's original:", "",
              "| transformation | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for t in q["transforms"][names[0]]:
        lines.append(f"| {t} | " + " | ".join(f"{q['transforms'][n].get(t, 0):.3f}" for n in names) + " |")
    best: dict[str, Scored] = {}
    for row in q["sweep"]:
        key = row.method.rsplit(",", 1)[0]
        if key not in best or (row.f1, row.ari) > (best[key].f1, best[key].ari):
            best[key] = row
    lines += ["", f"Baseline sweep (thresholds {', '.join(map(str, THRESHOLDS))}; best threshold "
              "per shingling; chosen on this very set, so the baseline is oracle-tuned):", "",
              "| baseline | precision | recall | F1 | ARI | clusters | seconds |",
              "|---|---|---|---|---|---|---|"]
    lines += [_row(r) for r in best.values()]
    return "\n".join(lines)


def _label(r: dict) -> str:
    if r["method"] == "baseline":
        return "baseline" + (f" (extrapolated from the first {r['measured_on']:,} docs of the same "
                             "stream)" if r.get("measured_on") else "")
    if not r.get("chunk"):
        return "ours (group_stories)"
    note = f"; group_stories would peak at ~{_mb(r['batch_estimate'])}" \
        if r.get("batch_estimate") else ""
    return f"ours (StoryIndex.add_many, {r['chunk']:,}-doc chunks{note})"


def throughput_markdown(t: dict) -> str:
    """Tables for the throughput section."""
    lines = ["| docs | method | seconds | docs/s | ours ÷ baseline | peak RSS growth "
             "| clusters / true stories | pair P | pair R | ARI |", "|---" * 10 + "|"]
    base_rate = {r["n"]: r["n"] / r["seconds"] for r in t["rows"] if r["method"] == "baseline"}
    for r in t["rows"]:
        rate = r["n"] / r["seconds"]
        ratio = f"{rate / base_rate[r['n']]:.1f}×" if r["method"] == "ours" else ""
        scores = (f"{r['clusters']:,} / {r['stories']:,} | {r['precision']:.4f} | "
                  f"{r['recall']:.4f} | {r['ari']:.4f}") if r["clusters"] else "— | — | — | —"
        lines.append(f"| {r['n']:,} | {_label(r)} | {r['seconds']:.1f} | {rate:,.0f} | {ratio} | "
                     f"{_mb(r['peak_bytes'])} | {scores} |")
    ib = t["index_bytes"]
    lines += ["", f"Index bytes per article (tracemalloc, index built over {t['index_n']:,} docs, "
              f"inputs excluded): ours {ib['ours']:,.0f} B (StoryIndex: full + lead signatures, "
              f"band table, ids, union-find); baseline {ib['baseline']:,.0f} B (MinHashLSH "
              "dict storage)."]
    t_best, unit, k = t["baseline"]
    lines += ["", f"Baseline ({unit} {k}-grams) threshold sweep on the first {t['sweep_n']:,} "
              f"scaled docs (its quality-set optimum was t={t_best}; a by-hand LSH joins every "
              "candidate, so low thresholds chain unrelated stories once there are many pairs):",
              "", "| threshold | pair P | pair R | F1 | ARI |", "|---|---|---|---|---|"]
    lines += [f"| {r['threshold']} | {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | "
              f"{r['ari']:.4f} |" for r in t["sweep"]]
    return "\n".join(lines)


def workers_section(n: int, baseline: tuple[float, str, int], seed: int = 0) -> dict:
    """Ours with 1 and 2 worker processes at ``n`` docs, if StoryConfig supports workers."""
    if not ours_workers_supported():
        return {"supported": False}
    return {"supported": True, "rows": [in_fresh_process(measure, "ours", n, baseline, seed, w)
                                        for w in (1, 2)]}


def run(quick: bool = False, seed: int = 0) -> dict:
    """All clustering sections (call from a ``__main__`` guard: it spawns processes)."""
    q = quality(quick, seed)
    cfg = q["baseline_config"]
    scales = QUICK_SCALES if quick else SCALES
    sample = QUICK_BASELINE_SAMPLE if quick else BASELINE_SAMPLE
    return {"quality": q, "throughput": throughput(scales, cfg, seed, sample),
            "workers": workers_section(scales[-2] if len(scales) > 2 else scales[-1], cfg, seed)}


def to_markdown(result: dict) -> str:
    """The clustering sections of BENCHMARKS.md."""
    w = result["workers"]
    if w["supported"]:
        r1, r2 = w["rows"]
        workers = (f"{r1['n']:,} docs: 1 worker {r1['n'] / r1['seconds']:,.0f} docs/s, 2 workers "
                   f"{r2['n'] / r2['seconds']:,.0f} docs/s (speed-up {r1['seconds'] / r2['seconds']:.2f}×).")
    else:
        workers = ("Not measured: `StoryConfig` has no `workers` option, so `group_stories` runs in "
                   "one process (numpy releases the GIL only inside single calls).")
    return "\n".join([
        "## Clustering quality", "", quality_markdown(result["quality"]), "",
        "## Clustering throughput (texts → clusters, pre-normalised text)", "",
        "Scaled corpus from `bench.syndicate.scaled_docs`: distinct synthetic stories spliced from "
        "~8-token fragments of the real texts, labelled, with copies per story and text "
        "transformations as in the quality set; the quality columns score against those labels. Each "
        "run is a fresh process; peak RSS growth = peak RSS during the run (VmHWM after a reset) minus "
        "RSS once the input texts exist. "
        "Baseline = the quality section's best baseline config.", "",
        throughput_markdown(result["throughput"]), "",
        "## Clustering with 1 vs 2 worker processes", "", workers, ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small set and scales (minutes)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(to_markdown(run(args.quick, args.seed)))


if __name__ == "__main__":
    main()
