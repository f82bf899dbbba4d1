"""Crawl throughput on the loopback fixture network: full pipeline vs no pipeline, one run.

    python -m bench.crawl_bench [--scale 500]

Serves tests/netfixture with ``scale`` generated articles per outlet (4 outlets: >= 2,000 article
pages) and crawls it once per configuration, each into a fresh out dir, with politeness delays
off (loopback): no item pipeline at all; the full pipeline with extraction inline on the reactor
thread; the full pipeline with a process pool of 1 and 2 workers. Then the last configuration
crawls again (nothing changed) and the requests of that second run are counted at the server.

pages/s = article pages served / crawl wall time. "downloads done" is when the server answered
the last article request, from the crawl's first request: when it is close to the wall time,
downloading waited for extraction (stalled); when it is much earlier, downloading ran ahead.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from netfixture import sites  # noqa: E402
from netfixture.harness import FixtureServer, run_crawl, write_sources  # noqa: E402

BENCH_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "NEWSDEDUP_MAX_HUB_PAGES": 1000,
    "NEWSDEDUP_RETRY_BACKOFF_BASE": 0.05, "LOG_LEVEL": "WARNING", "DOWNLOAD_TIMEOUT": 60,
}
CONFIGS = [
    ("no item pipeline (Scrapy only)", {"ITEM_PIPELINES": {}}),
    ("full pipeline, extraction inline on the reactor", {"NEWSDEDUP_EXTRACT_PROCESSES": 0}),
    ("full pipeline, process pool of 2", {"NEWSDEDUP_EXTRACT_PROCESSES": 2}),
    ("full pipeline, process pool of 1 (default on 2 cores)", {"NEWSDEDUP_EXTRACT_PROCESSES": None}),
]


def article_paths(scale: int) -> set[tuple[str, str]]:
    return {(p.host, p.path) for p in sites.PLACEMENTS + sites.filler_placements(scale)}


def crawl_once(server: FixtureServer, sources: Path, out: Path, settings: dict,
               articles_at: set[tuple[str, str]]) -> dict:
    before = len(server.requests())
    started = time.time()
    summary = run_crawl(sources, out, server.proxy, timeout=1800, **BENCH_SETTINGS, **settings)
    wall = time.time() - started
    requests = server.requests()[before:]
    articles = [r for r in requests if r["status"] == 200 and (r["host"], r["path"]) in articles_at]
    first = min((r["t"] for r in requests), default=started)
    return {
        "wall": wall, "crawl_seconds": summary["seconds"], "requests": len(requests),
        "article_pages": len(articles),
        "downloads_done": (max(r["t"] for r in articles) - first) if articles else 0.0,
        "pages_per_s": len(articles) / summary["seconds"] if summary["seconds"] else 0.0,
        "stored": summary["articles"], "stories": summary["stories"],
        "lag_p95": summary.get("reactor_lag_p95_ms"), "lag_max": summary.get("reactor_lag_max_ms"),
        "lag_total": summary.get("reactor_lag_total_s"),
        "statuses": Counter(r["status"] for r in requests),
    }


def run(scale: int = 500) -> dict:
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as tmp:
        tmp = Path(tmp)
        sources = write_sources(tmp / "sources.toml", scale=scale, failing=False)
        server = FixtureServer.start(tmp / "requests.jsonl", scale=scale)
        paths = article_paths(scale)
        try:
            results = []
            for i, (label, settings) in enumerate(CONFIGS):
                results.append((label, crawl_once(server, sources, tmp / f"out{i}", settings,
                                                  paths)))
            label, settings = CONFIGS[-1]
            second = crawl_once(server, sources, tmp / f"out{len(CONFIGS) - 1}", settings, paths)
        finally:
            server.stop()
    return {"scale": scale, "pages": len([p for p in sites.PLACEMENTS if p.edition == 1])
            + len(sites.filler_placements(scale)),
            "results": results, "second": second}


def to_markdown(data: dict) -> str:
    lines = ["## Crawl throughput (loopback fixture network)", "",
             f"{data['pages']} article pages in the network (scale {data['scale']}); one crawl "
             "per row, fresh store each, politeness delays off; `python -m bench.crawl_bench`.",
             "", "| configuration | article pages | crawl s | pages/s | downloads done at s | "
             "reactor lag p95 / max ms | reactor blocked s | stored articles | stories |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for label, r in data["results"]:
        lines.append(f"| {label} | {r['article_pages']} | {r['crawl_seconds']:.1f} | "
                     f"{r['pages_per_s']:.0f} | {r['downloads_done']:.1f} | "
                     f"{r['lag_p95']} / {r['lag_max']} | {r['lag_total']} | {r['stored']} | "
                     f"{r['stories']} |")
    s = data["second"]
    lines += ["", f"Second run of the last configuration (nothing changed): {s['requests']} "
              f"requests, {s['article_pages']} article pages, statuses "
              f"{dict(sorted(s['statuses'].items()))}, {s['crawl_seconds']:.1f} s."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=500, help="filler articles per outlet")
    args = ap.parse_args(argv)
    print(to_markdown(run(args.scale)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
