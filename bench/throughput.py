"""Clustering throughput and memory: texts → clusters on pre-normalised scaled text, ours vs baseline.

Every run is a fresh spawned process, so its peak RSS is its own. Ours is ``StoryIndex.add_many``
over all docs then ``clusters()`` (exactly ``group_stories``, which feeds the index 50k docs at a
time); the index's own account of its bytes (``StoryIndex.memory``) is reported per article at
every scale, 1M included, next to tracemalloc on a small sample for both methods.

    python -m bench.throughput [--quick]
"""
from __future__ import annotations

import argparse
import gc
import resource
import time
import tracemalloc
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from bench import metrics, syndicate
from bench.baseline import THRESHOLDS, baseline_clusters, baseline_index, baseline_minhashes

SCALES = (10_000, 100_000, 1_000_000)
QUICK_SCALES = (2_000, 10_000)
# The baseline runs at ~200 docs/s (sha1 per shingle + a 128-permutation numpy pass per doc), so
# above this many docs it is timed on the first BASELINE_SAMPLE docs of the same stream and
# extrapolated linearly (the LSH part is O(1) per doc; the MinHash part dominates).
BASELINE_SAMPLE = 10_000
QUICK_BASELINE_SAMPLE = 2_000
# tracemalloc sample: bytes per article are flat in n; 5k docs keep the (slow) baseline short.
INDEX_SAMPLE = 5_000
DEFAULT_BASELINE = (0.2, "token", 5)  # the quality section's usual best (threshold, unit, k)


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


def scaled(n: int, seed: int) -> list[syndicate.ScaledDoc]:
    """The first ``n`` docs of the labelled scaled stream, normalised for matching."""
    from pipelines.normalise import normalise_for_matching
    return list(syndicate.scaled_docs(n, syndicate.load_base_stories(), normalise_for_matching, seed))


def measure(method: str, n: int, baseline: tuple[float, str, int], seed: int = 0,
            workers: int = 1) -> dict[str, Any]:
    """Time texts → clusters for the first ``n`` scaled docs in THIS process (call it in a fresh
    one). Peak memory: peak RSS during the run minus RSS once the input texts exist."""
    from dedupe import StoryConfig, StoryDoc, StoryIndex
    docs = scaled(n, seed)
    truth = {d.id: d.label for d in docs}
    if method == "ours":
        inputs: Any = [StoryDoc(d.id, d.text, None, len(d.text)) for d in docs]
    else:
        inputs = ([d.id for d in docs], [d.text for d in docs])
    del docs
    gc.collect()
    rss0, reset = _rss_bytes(), _reset_peak()
    start = time.perf_counter()
    memory = None
    if method == "ours":
        index = StoryIndex(StoryConfig(workers=workers))
        index.add_many(inputs)
        clusters = index.clusters()
        memory = index.memory()
    else:
        ids, texts = inputs
        clusters = baseline_clusters(ids, baseline_minhashes(texts, *baseline[1:]), baseline[0])
    seconds = time.perf_counter() - start
    peak = _peak_bytes(reset) - rss0
    del inputs
    pred = metrics.labels_from_clusters(clusters)
    pair = metrics.pairwise_scores(truth, pred)
    return {"method": method, "n": n, "seconds": seconds, "peak_bytes": max(peak, 0),
            "precision": pair.precision, "recall": pair.recall,
            "ari": metrics.adjusted_rand_index(truth, pred), "stories": len(set(truth.values())),
            "clusters": len(clusters), "workers": workers, "memory": memory}


def index_bytes(method: str, n: int, baseline: tuple[float, str, int], seed: int = 0) -> float:
    """Bytes per article held by a built index (tracemalloc; inputs and, for the baseline, its
    MinHash objects made before tracing are not counted, so this is the index alone)."""
    from dedupe import StoryConfig, StoryDoc, StoryIndex
    docs = scaled(n, seed)
    ids, texts = [d.id for d in docs], [d.text for d in docs]
    if method == "baseline":
        mhs = baseline_minhashes(texts, *baseline[1:])
        tracemalloc.start()
        index = baseline_index(ids, mhs, baseline[0])
    else:
        story_docs = [StoryDoc(i, t, None, len(t)) for i, t in zip(ids, texts)]
        # warm the shingler's module-level tables (character classes, powers: ~2 MB, shared by
        # every index in the process) so they are not charged to this one
        StoryIndex(StoryConfig()).add_many(story_docs[:50])
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
    docs = scaled(n, seed)
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


def throughput(scales: Sequence[int], baseline: tuple[float, str, int], seed: int = 0,
               baseline_sample: int = BASELINE_SAMPLE) -> dict:
    """Docs/s, peak memory and index bytes per scale, ours and baseline, each in a fresh process."""
    rows = []
    base = in_fresh_process(measure, "baseline", min(baseline_sample, max(scales)), baseline, seed)
    for n in scales:
        rows.append(in_fresh_process(measure, "ours", n, baseline, seed))
        if n == base["n"]:
            rows.append(base)
        elif n < base["n"]:
            rows.append(in_fresh_process(measure, "baseline", n, baseline, seed))
        else:  # extrapolated linearly from the measured prefix of the same stream
            rows.append({"method": "baseline", "n": n, "measured_on": base["n"], "peak_bytes": None,
                         "seconds": base["seconds"] * n / base["n"], "clusters": None})
    sample = min(INDEX_SAMPLE, baseline_sample, max(scales))
    traced = {m: in_fresh_process(index_bytes, m, sample, baseline, seed) for m in ("ours", "baseline")}
    sweep_n = min(baseline_sample, max(scales))
    return {"rows": rows, "index_bytes": traced, "index_n": sample, "sweep_n": sweep_n,
            "baseline": baseline, "sweep": in_fresh_process(scaled_sweep, sweep_n, *baseline[1:],
                                                            seed=seed)}


def workers(n: int, baseline: tuple[float, str, int], seed: int = 0) -> list[dict]:
    """Ours with 1 and 2 worker processes (shingling and sketching) at ``n`` docs."""
    return [in_fresh_process(measure, "ours", n, baseline, seed, w) for w in (1, 2)]


# ---------------------------------------------------------------- report

def _mb(n: float | None) -> str:
    return "—" if n is None else f"{n / 2**20:,.0f} MiB"


def _label(r: dict) -> str:
    if r["method"] == "baseline":
        return "baseline" + (f" (extrapolated from the first {r['measured_on']:,} docs of the same "
                             "stream)" if r.get("measured_on") else "")
    return "ours (StoryIndex.add_many = group_stories)"


def to_markdown(t: dict, w: list[dict]) -> str:
    """Tables for the throughput, memory and workers sections."""
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
    lines += ["", "Index bytes per article, as the built index accounts for them "
              "(`StoryIndex.memory()`: numpy buffers including spare capacity; ids as Python "
              "objects; the target is ≤ 1,024 B of index):", "",
              "| docs | sketches | band table | union-find | index total | ids (str + dict + list) "
              "| with ids | peak RSS growth per article |", "|---" * 8 + "|"]
    for r in t["rows"]:
        if r["method"] != "ours":
            continue
        m = {k: v / r["n"] for k, v in r["memory"].items()}
        index = m["sketches"] + m["band_table"] + m["union_find"]
        lines.append(f"| {r['n']:,} | {m['sketches']:,.0f} B | {m['band_table']:,.0f} B | "
                     f"{m['union_find']:,.1f} B | **{index:,.0f} B** | {m['ids']:,.0f} B | "
                     f"{index + m['ids']:,.0f} B | {r['peak_bytes'] / r['n']:,.0f} B |")
    ib = t["index_bytes"]
    lines += ["", f"Cross-check with tracemalloc (index built over {t['index_n']:,} docs, inputs "
              f"excluded, everything the index holds): ours {ib['ours']:,.0f} B per article; "
              f"baseline {ib['baseline']:,.0f} B (MinHashLSH dict storage)."]
    t_best, unit, k = t["baseline"]
    lines += ["", f"Baseline ({unit} {k}-grams) threshold sweep on the first {t['sweep_n']:,} "
              f"scaled docs (its quality-set optimum was t={t_best}; a by-hand LSH joins every "
              "candidate, so low thresholds chain unrelated stories once there are many pairs; "
              f"thresholds {', '.join(map(str, THRESHOLDS))}):",
              "", "| threshold | pair P | pair R | F1 | ARI |", "|---|---|---|---|---|"]
    lines += [f"| {r['threshold']} | {r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | "
              f"{r['ari']:.4f} |" for r in t["sweep"]]
    r1, r2 = w
    lines += ["", "## Clustering with 1 vs 2 worker processes", "",
              f"{r1['n']:,} docs, `StoryConfig(workers=…)` (shingling and sketching in a process "
              f"pool; LSH and verification stay in one): 1 worker {r1['n'] / r1['seconds']:,.0f} "
              f"docs/s, 2 workers {r2['n'] / r2['seconds']:,.0f} docs/s (speed-up "
              f"{r1['seconds'] / r2['seconds']:.2f}×, same clusters: "
              f"{'yes' if (r1['clusters'], r1['ari']) == (r2['clusters'], r2['ari']) else 'NO'})."]
    return "\n".join(lines)


def run(quick: bool = False, seed: int = 0,
        baseline: tuple[float, str, int] = DEFAULT_BASELINE) -> tuple[dict, list[dict]]:
    """Throughput and workers (call from a ``__main__`` guard: it spawns processes)."""
    scales = QUICK_SCALES if quick else SCALES
    sample = QUICK_BASELINE_SAMPLE if quick else BASELINE_SAMPLE
    return (throughput(scales, baseline, seed, sample),
            workers(scales[-2] if len(scales) > 2 else scales[-1], baseline, seed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small scales (minutes)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(to_markdown(*run(args.quick, args.seed)))


if __name__ == "__main__":
    main()
